from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange import EXPORTERS, mapping
from quizzes.models import Quiz


class Command(BaseCommand):
    help = "Export a lesson's quiz (or every quiz) as GIFT, or its single-choice questions as Aiken."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="gift")
        parser.add_argument(
            "--lesson",
            "--section",
            dest="section",
            help="The lesson's slug; every quiz when left out.",
        )
        parser.add_argument(
            "--output", "-o", help="Write to this file instead of standard output."
        )

    def handle(
        self, *args, format: str, section: str | None, output: str | None, **options
    ):
        quizzes = Quiz.objects.all()
        if section:
            quizzes = quizzes.for_lesson(section)
            if not quizzes.exists():
                raise CommandError(f"No lesson with a quiz has the slug “{section}”.")
        parsed = mapping.parsed_quizzes(quizzes, categories=not section)
        text = EXPORTERS[format](parsed)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
