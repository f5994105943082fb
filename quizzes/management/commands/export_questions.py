from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes import bank
from quizzes.aiken import export_aiken
from quizzes.gift import export_gift
from quizzes.interchange import ParsedQuestion
from quizzes.models import Question, Quiz


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
        quizzes = Quiz.objects.select_related("section__article").order_by(
            "section__article__title", "section__position"
        )
        if section:
            article_slug, _, section_slug = section.rpartition("/")
            quizzes = quizzes.filter(section__slug=section_slug)
            if article_slug:
                quizzes = quizzes.filter(section__article__slug=article_slug)
            if not quizzes.exists():
                raise CommandError(f"No lesson with a quiz has the slug “{section}”.")
        parsed: list[ParsedQuestion] = []
        for quiz in quizzes:
            if not section:
                category = f"$course$/{quiz.section.article.title}/{quiz.section.title}"
                parsed.append(
                    ParsedQuestion(line=0, name="", kind="category", category=category)
                )
            questions = (
                Question.objects.current().filter(quiz=quiz).prefetch_related("choices")
            )
            parsed.extend(
                bank.to_parsed(question) for question in questions.order_by("position")
            )
        text = export_gift(parsed) if format == "gift" else export_aiken(parsed)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
