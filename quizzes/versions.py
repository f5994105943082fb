"""Answered question versions, kept ready in the cache.

A question version that a learner has answered never changes again: editing it creates a
new version (quizzes.services, and the admin locks it), so its prompt, its choices and
their feedback are the same for every page and every learner that shows it. The quiz
page and the results page would otherwise load these rows and build their objects from
the ORM on every request; here they are kept, keyed by the version's id, in the default
cache (Redis when REDIS_URL is set, so shared by every worker and server).

Only what belongs to the version is kept: no learner's answer, no quiz, lesson or course
(those can change and are attached fresh from the attempt on each request). Versions
nobody has answered yet are never kept: they can still be edited in place.
"""

import copy
from collections.abc import Iterable

from django.core.cache import caches

from quizzes.models import Choice, Question

CACHE_ALIAS = "default"
# Bump when what is stored changes shape (a field added to Question or Choice).
KEY_VERSION = 1
TIMEOUT = 7 * 24 * 3600


def key(question_id: int) -> str:
    return f"question-version:{KEY_VERSION}:{question_id}"


def _bare(instance):
    """A copy without cached relations or prefetched rows (they are attached on load)."""
    clone = copy.copy(instance)
    clone._state.fields_cache = {}
    clone.__dict__.pop("_prefetched_objects_cache", None)
    return clone


def _attach(question: Question, choices: list[Choice], quiz) -> Question:
    """What `_questions()` would have loaded: the choices prefetched, the quiz (and its
    lesson and course) from the attempt."""
    question._prefetched_objects_cache = {"choices": choices}
    for choice in choices:
        Choice.question.field.set_cached_value(choice, question)
    if quiz is not None and quiz.pk == question.quiz_id:
        Question.quiz.field.set_cached_value(question, quiz)
    return question


def load(question_ids: Iterable[int], quiz=None) -> dict[int, Question]:
    """The kept versions among these ids (one round trip), ready to show."""
    ids = list(question_ids)
    if not ids:
        return {}
    found = caches[CACHE_ALIAS].get_many([key(qid) for qid in ids])
    ready = {}
    for qid in ids:
        stored = found.get(key(qid))
        if stored is not None:
            question, choices = stored
            ready[qid] = _attach(question, choices, quiz)
    return ready


def keep(questions: Iterable[Question]) -> None:
    """Keep these answered versions (with their prefetched choices)."""
    values = {
        key(question.pk): (
            _bare(question),
            [_bare(choice) for choice in question.choices.all()],
        )
        for question in questions
    }
    if values:
        caches[CACHE_ALIAS].set_many(values, timeout=TIMEOUT)
