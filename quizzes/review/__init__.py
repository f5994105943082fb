"""Spaced review of questions: FSRS scheduling, review sessions and practice rounds."""
