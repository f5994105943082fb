import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from quizzes.models import Question, Quiz


class Command(BaseCommand):
    help = (
        "List item-quality warnings (cues that give answers away) for every current "
        "question, or one lesson's. Exits with status 1 when a warning is not dismissed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lesson",
            "--section",
            dest="section",
            help="The lesson's slug (article-slug/lesson-slug if ambiguous).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the warnings as JSON."
        )

    def handle(self, *args, section: str | None, json: bool, **options):
        questions = Question.objects.current()
        if section:
            quizzes = Quiz.objects.for_lesson(section)
            if not quizzes.exists():
                raise CommandError(f"No lesson with a quiz has the slug “{section}”.")
            questions = questions.filter(quiz__in=quizzes)
        questions = list(
            questions.exclude(status=Question.Status.ARCHIVED)
            .select_related("quiz__section__article")
            .order_by(
                "quiz__section__article__slug", "quiz__section__position", "position"
            )
        )
        reports = Question.objects.filter(
            pk__in=[question.pk for question in questions]
        ).quality_reports()
        rows = [(question, reports[question.pk]) for question in questions]
        if json:
            self.stdout.write(_json(rows))
        else:
            self._print(rows)
        open_count = sum(len(report.open) for _, report in rows)
        if open_count:
            raise CommandError(
                ngettext(
                    "%(n)d quality warning not dismissed.",
                    "%(n)d quality warnings not dismissed.",
                    open_count,
                )
                % {"n": open_count},
                returncode=1,
            )

    def _print(self, rows) -> None:
        for question, report in rows:
            if not report.open and not report.dismissed:
                continue
            section = question.quiz.section
            name = question.external_id or f"#{question.pk}"
            self.stdout.write(
                f"{section.article.slug}/{section.slug} {name}: {question.display_title}"
            )
            for warning in report.open:
                self.stdout.write(f"    warning [{warning.code}] {warning.message}")
            for dismissed in report.dismissed:
                self.stdout.write(
                    f"    dismissed [{dismissed.warning.code}] {dismissed.reason}"
                )
        total = sum(len(report.open) for _, report in rows)
        dismissed = sum(len(report.dismissed) for _, report in rows)
        checked = ngettext(
            "%(n)d question checked", "%(n)d questions checked", len(rows)
        ) % {"n": len(rows)}
        warnings = ngettext("%(n)d warning", "%(n)d warnings", total) % {"n": total}
        self.stdout.write(f"{checked}: {warnings}, {dismissed} dismissed.")


def _json(rows) -> str:
    data = []
    for question, report in rows:
        section = question.quiz.section
        data.append(
            {
                "id": question.pk,
                "key": question.external_id,
                "lesson": f"{section.article.slug}/{section.slug}",
                "prompt": question.prompt,
                "warnings": [
                    w.as_json() | {"question": question.pk} for w in report.open
                ],
                "dismissed": [
                    d.warning.as_json()
                    | {"question": question.pk, "reason": d.reason, "by": d.by}
                    for d in report.dismissed
                ],
            }
        )
    return json.dumps(data, ensure_ascii=False, indent=2)
