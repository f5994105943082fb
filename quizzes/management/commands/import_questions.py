import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from quizzes import services
from quizzes.interchange import PARSERS, mapping
from quizzes.models import Question, Quiz
from relations.text import too_big_message


class Command(BaseCommand):
    help = (
        "Import GIFT or Aiken questions into a lesson's quiz, as drafts unless the file's"
        " `// relations-status:` lines say otherwise. A file with any error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=sorted(PARSERS), required=True)
        parser.add_argument(
            "--lesson",
            "--section",
            dest="section",
            required=True,
            help="The lesson's slug (article-slug/lesson-slug if ambiguous).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be imported; write nothing.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the parsed questions and errors as JSON.",
        )
        parser.add_argument(
            "--max-size",
            type=int,
            default=None,
            metavar="BYTES",
            help="Refuse files larger than this (default: the IMPORT_MAX_BYTES setting).",
        )
        parser.add_argument(
            "--nearest-grade",
            action="store_true",
            help="GIFT: snap weights to Moodle's nearest allowed weight.",
        )

    def handle(
        self,
        *args,
        file: str,
        format: str,
        section: str,
        dry_run: bool,
        json: bool,
        **options,
    ):
        quiz = self._quiz(section)
        path = Path(file)
        limit = options.get("max_size") or settings.IMPORT_MAX_BYTES
        try:
            too_big = too_big_message(path.stat().st_size, limit)
        except OSError:
            too_big = None  # reading it says why
        if too_big:
            raise CommandError(f"{path}: {too_big} (--max-size raises the limit)")
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        result = PARSERS[format](raw, nearest_grade=options["nearest_grade"])
        plan = mapping.plan_import(quiz, result.questions, result.errors)
        if json:
            self.stdout.write(_json(result, plan))
        else:
            self._report(plan)
        if not plan.ok:
            raise CommandError(
                ngettext(
                    "%(n)d error in %(file)s: nothing was imported.",
                    "%(n)d errors in %(file)s: nothing was imported.",
                    len(plan.errors),
                )
                % {"n": len(plan.errors), "file": path.name}
            )
        if dry_run:
            if not json:
                self.stdout.write(
                    ngettext(
                        "Dry run: %(n)d question would be imported.",
                        "Dry run: %(n)d questions would be imported.",
                        len(plan.questions),
                    )
                    % {"n": len(plan.questions)}
                )
            return
        saved = services.import_questions(quiz=quiz, plan=plan, user=None)
        if not json:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Imported %(n)d question into “%(lesson)s” (%(drafts)d as a draft).",
                        "Imported %(n)d questions into “%(lesson)s” (%(drafts)d as drafts).",
                        len(saved),
                    )
                    % {
                        "n": len(saved),
                        "lesson": quiz.section.title,
                        "drafts": sum(q.status == Question.Status.DRAFT for q in saved),
                    }
                )
            )

    def _quiz(self, reference: str) -> Quiz:
        found = list(
            Quiz.objects.for_lesson(reference).select_related("section__article")[:2]
        )
        if not found:
            raise CommandError(f"No lesson with a quiz has the slug “{reference}”.")
        if len(found) > 1:
            raise CommandError(
                f"Several lessons are called “{reference}”: use article-slug/lesson-slug."
            )
        return found[0]

    def _report(self, plan) -> None:
        for planned in plan.questions:
            action = "update" if planned.existing else "new"
            self.stdout.write(
                f"line {planned.parsed.line}: {planned.kind_label} ({action}) {planned.fields['title']}: "
                + ngettext("%(n)d choice", "%(n)d choices", len(planned.choices))
                % {"n": len(planned.choices)}
            )
            for choice in planned.choices:
                mark = "right" if choice.get("is_correct") else "wrong"
                self.stdout.write(
                    f"    [{mark}] {choice.get('text') or choice.get('match_text') or choice.get('value')}"
                )
            for warning in planned.warnings:
                self.stdout.write(f"    warning: {warning}")
            for warning in planned.quality:
                self.stdout.write(f"    quality [{warning.code}]: {warning.message}")
        for note in plan.skipped:
            self.stdout.write(note)
        for error in plan.errors:
            title = f" ({error.title})" if error.title else ""
            self.stderr.write(f"line {error.line}{title}: {error.message}")


def _json(result, plan) -> str:
    data = result.to_dict()
    data["errors"] = [
        {"line": e.line, "title": e.title, "message": e.message, "code": e.code}
        for e in plan.errors
    ]
    return json.dumps(data, ensure_ascii=False, indent=2)
