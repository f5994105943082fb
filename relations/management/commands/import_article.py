"""Import an article from a Markdown or plain-text file: one lesson per section."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import slugify

from relations.article_import import ParsedArticle, parse_article
from relations.models import Article, Section

TITLE_MAX_LENGTH = Section._meta.get_field("title").max_length
SLUG_MAX_LENGTH = Section._meta.get_field("slug").max_length


class Command(BaseCommand):
    help = (
        "Import an article from a UTF-8 Markdown or plain-text file. Each section becomes a "
        "lesson; text before the first section becomes an Introduction lesson."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The article, as UTF-8 text.")
        parser.add_argument(
            "--title", help="The article's title, instead of the file's."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the article and its lessons.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the lessons of an unpublished article with the same slug.",
        )

    def handle(
        self,
        *args,
        file: Path,
        title: str | None,
        publish: bool,
        replace: bool,
        **options,
    ):
        parsed = self.parse(file)
        title = (title or parsed.title).strip()
        if not title:
            raise CommandError(
                f"{file} has no title line; give the title with --title."
            )
        check_lengths(title, parsed)
        slug = slugify(title)
        if not slug:
            raise CommandError(
                f'The title "{title}" gives no usable slug; give a title with Latin letters '
                "or digits with --title."
            )
        with transaction.atomic():
            article, replaced = self.article_for(
                slug, title=title, publish=publish, replace=replace
            )
            sections = create_sections(article, parsed, publish=publish)
        self.report(article, sections, replaced=replaced)

    def parse(self, file: Path) -> ParsedArticle:
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{file} is not UTF-8 text (byte 0x{data[error.start]:02x} at position "
                f"{error.start}). Save it as UTF-8 and try again."
            ) from None
        try:
            return parse_article(text)
        except ValidationError as error:
            raise CommandError(f"{file}: {error.message}") from None

    def article_for(self, slug: str, *, title: str, publish: bool, replace: bool):
        """The article to fill, and whether it existed: new, or emptied for --replace."""
        article = Article.objects.select_for_update().filter(slug=slug).first()
        if article is None:
            return Article.objects.create(
                title=title, slug=slug, is_published=publish
            ), False
        if not replace:
            raise CommandError(
                f'An article with the slug "{slug}" already exists ("{article.title}"). '
                "Use --replace to replace its lessons, or --title to import it under another title."
            )
        if article.is_published:
            raise CommandError(
                f'The article "{article.title}" is published, so learners may be using it; '
                "--replace only replaces an unpublished article. Unpublish it first."
            )
        try:
            article.sections.all().delete()
        except (ProtectedError, RestrictedError):
            raise CommandError(
                f'The article "{article.title}" has lessons with learner activity (progress or '
                "quiz attempts); they cannot be replaced. Nothing was changed."
            ) from None
        article.title = title
        article.is_published = publish
        article.save(update_fields=["title", "is_published", "updated_at"])
        return article, True

    def report(
        self, article: Article, sections: list[Section], *, replaced: bool
    ) -> None:
        action = "Replaced the lessons of" if replaced else "Created"
        state = "published" if article.is_published else "not published"
        self.stdout.write(
            self.style.SUCCESS(
                f'{action} article "{article.title}" ({article.slug}, {state}):'
            )
        )
        for section in sections:
            words = "word" if section.word_count == 1 else "words"
            self.stdout.write(
                f"  {section.position:>2}. {section.title} ({section.word_count} {words})"
            )


def check_lengths(title: str, parsed: ParsedArticle) -> None:
    for text in [title, *(section.title for section in parsed.sections)]:
        if len(text) > TITLE_MAX_LENGTH:
            raise CommandError(
                f'The title "{text[:60]}…" is longer than {TITLE_MAX_LENGTH} characters.'
            )


def create_sections(
    article: Article, parsed: ParsedArticle, *, publish: bool
) -> list[Section]:
    # One save() each (no bulk_create): save() renders the body and counts its words.
    sections = []
    taken: set[str] = set()
    for position, parsed_section in enumerate(parsed.sections, start=1):
        section = Section(
            article=article,
            position=position,
            title=parsed_section.title,
            slug=unique_slug(
                parsed_section.title, taken, fallback=f"lesson-{position}"
            ),
            body=parsed_section.body,
            is_published=publish,
        )
        section.save()
        sections.append(section)
    return sections


def unique_slug(title: str, taken: set[str], *, fallback: str) -> str:
    """A slug for the title not yet in `taken` (which it joins): "trade", "trade-2"..."""
    base = slugify(title)[: SLUG_MAX_LENGTH - 4].strip("-") or fallback
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug
