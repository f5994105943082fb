from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange import mapping
from quizzes.interchange.aiken import export_aiken
from quizzes.interchange.gift import export_gift
from quizzes.models import Quiz


class Command(BaseCommand):
    help = "Export a lesson's quiz (or every quiz) as GIFT, or its single-choice questions as Aiken."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["gift", "aiken"], default="gift")
        parser.add_argument(
            "--section", help="The lesson's slug; every quiz when left out."
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
        text = export_gift(parsed) if format == "gift" else export_aiken(parsed)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
