from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from quizzes.models import Progress
from relations.article_import import parse_article
from relations.models import Article, Section
from tests.factories import make_article, make_section, make_user

DATA = Path(__file__).parent / "data"
PLAIN = (DATA / "plain-article.txt").read_text(encoding="utf-8")
MARKDOWN = (DATA / "markdown-article.md").read_text(encoding="utf-8")

PLAIN_TITLE = "The Salt Roads: How Caravans Crossed the Sahara"
PLAIN_SLUG = "the-salt-roads-how-caravans-crossed-the-sahara"
PLAIN_SECTIONS = [
    "Introduction",
    "Where the Salt Came From",
    "The Economic Angle: Gold, Salt, and Credit",
    "Caravans Today",
]
MARKDOWN_TITLE = "Lighthouses of the Northern Coast"
MARKDOWN_SECTIONS = [
    "Introduction",
    "Keepers and Their Lamps: Oil, Wicks, and Lenses",
    "Automation",
    "Closing Thoughts",
]


def titles(sections):
    return [section.title for section in sections]


def import_article(path, *args):
    out = StringIO()
    call_command("import_article", str(path), *args, stdout=out)
    return out.getvalue()


def row_counts():
    return Article.objects.count(), Section.objects.count()


def write(tmp_path, text, name="article.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Plain text


def test_plain_text_first_line_is_the_title():
    assert parse_article(PLAIN).title == PLAIN_TITLE


def test_plain_text_finds_introduction_and_sections_with_exact_titles():
    assert titles(parse_article(PLAIN).sections) == PLAIN_SECTIONS


def test_plain_text_introduction_drops_byline_and_repeated_title():
    introduction = parse_article(PLAIN).sections[0]

    assert introduction.body.startswith("For a thousand years, camel caravans")
    assert "Desk Editor" not in introduction.body
    assert "SALT ROADS" not in introduction.body


def test_plain_text_byline_is_in_no_section():
    article = parse_article(PLAIN)

    assert not any("Desk Editor" in section.body for section in article.sections)


def test_plain_text_byline_may_come_before_the_title():
    article = parse_article(
        "by Someone\n\nRiver Trade\n\nIntro words.\n\nBarges\n\nThey float."
    )

    assert article.title == "River Trade"
    assert [(s.title, s.body) for s in article.sections] == [
        ("Introduction", "Intro words."),
        ("Barges", "They float."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Not every slab survived.",
        "Consider three things:",
        'They called it "white gold."',
        "Was it worth it?",
        "Then the wells ran dry…",
        "Salt, gold;",
    ],
)
def test_line_ending_with_punctuation_is_not_a_heading(line):
    article = parse_article(f"Title\n\nFirst\n\nSome text.\n\n{line}\n\nMore text.")

    assert titles(article.sections) == ["First"]
    assert line in article.sections[0].body


def test_punctuated_lines_of_the_sample_stay_in_their_section():
    economics = parse_article(PLAIN).sections[2]

    assert "Consider three things:" in economics.body
    assert 'They called it "white gold."' in economics.body


def test_line_of_more_than_twelve_words_is_not_a_heading():
    long_line = (
        "One two three four five six seven eight nine ten eleven twelve thirteen"
    )

    article = parse_article(f"Title\n\nFirst\n\nText.\n\n{long_line}\n\nMore text.")

    assert titles(article.sections) == ["First"]


def test_short_line_inside_a_paragraph_is_not_a_heading():
    article = parse_article("Title\n\nFirst\n\nText.\nA short line\nMore text.")

    assert titles(article.sections) == ["First"]


def test_list_item_on_its_own_is_not_a_heading():
    assert "- Camels" in parse_article(PLAIN).sections[2].body


def test_plain_text_indentation_does_not_make_a_code_block():
    economics = parse_article(PLAIN).sections[2]

    assert "\nAn indented paragraph is still" in economics.body


def test_crlf_line_endings_give_the_same_article():
    assert parse_article(PLAIN.replace("\n", "\r\n")) == parse_article(PLAIN)


def test_byte_order_mark_is_not_part_of_the_title():
    assert parse_article("\ufeff" + PLAIN) == parse_article(PLAIN)


def test_word_count_counts_the_words_a_reader_sees():
    article = parse_article("Title\n\nFirst\n\nOne *two* three.\n\nFour, five.")

    assert article.sections[0].word_count == 5


def test_no_introduction_when_only_a_byline_precedes_the_first_section():
    article = parse_article("River Trade\n\nBy Someone\n\nBarges\n\nThey float.")

    assert titles(article.sections) == ["Barges"]


# Markdown


def test_markdown_leading_h1_followed_by_h2_is_the_title():
    assert parse_article(MARKDOWN).title == MARKDOWN_TITLE


def test_markdown_finds_introduction_and_sections_with_exact_titles():
    assert titles(parse_article(MARKDOWN).sections) == MARKDOWN_SECTIONS


def test_markdown_introduction_drops_byline_and_repeated_title():
    introduction = parse_article(MARKDOWN).sections[0]

    assert introduction.body.startswith("Before radio, a ship's safest guide")
    assert "Harbour Notes" not in introduction.body
    assert "northern coast" not in introduction.body


def test_markdown_subheading_and_code_block_stay_in_the_section_body():
    keepers = parse_article(MARKDOWN).sections[1]

    assert "### The Fresnel lens" in keepers.body
    assert "# this is not a heading" in keepers.body
    assert keepers.body.startswith("A keeper trimmed the wicks")


def test_markdown_several_h1_headings_are_all_sections():
    article = parse_article(
        "# One\n\nText one.\n\n# Two\n\nText two.\n\n## Three\n\nText three."
    )

    assert article.title == ""
    assert titles(article.sections) == ["One", "Two", "Three"]


def test_markdown_single_h1_without_h2_is_a_section():
    article = parse_article("# Only Part\n\nSome text.")

    assert article.title == ""
    assert titles(article.sections) == ["Only Part"]


def test_markdown_title_line_without_hash_is_the_title():
    article = parse_article("River Trade\n\n## Barges\n\nThey float.")

    assert article.title == "River Trade"
    assert titles(article.sections) == ["Barges"]


def test_markdown_introduction_without_words_is_dropped():
    article = parse_article("# Title\n\n---\n\n## Barges\n\nThey float.")

    assert titles(article.sections) == ["Barges"]


def test_markdown_crlf_and_byte_order_mark_give_the_same_article():
    assert parse_article("\ufeff" + MARKDOWN.replace("\n", "\r\n")) == parse_article(
        MARKDOWN
    )


# Errors


@pytest.mark.parametrize("text", ["", "  \n\n\t\n", "\ufeff\r\n"])
def test_empty_text_is_an_error(text):
    with pytest.raises(ValidationError) as error:
        parse_article(text)

    assert error.value.code == "empty"
    assert "empty" in str(error.value)


@pytest.mark.parametrize(
    "text",
    [
        "Just one paragraph of text, with no headings at all.",
        "A Title\n\nThen a paragraph.\nAnd another line of it.",
    ],
)
def test_text_without_sections_is_an_error(text):
    with pytest.raises(ValidationError) as error:
        parse_article(text)

    assert error.value.code == "no_sections"
    assert "No sections found" in str(error.value)


def test_markdown_heading_without_text_is_an_error():
    with pytest.raises(ValidationError) as error:
        parse_article("# Title\n\n## First\n\nText.\n\n##\n\nMore.")

    assert error.value.code == "empty_heading"
    assert "line 7" in str(error.value)


# The import_article command


@pytest.mark.django_db
def test_import_creates_the_article_and_its_lessons_in_order():
    import_article(DATA / "plain-article.txt")

    article = Article.objects.get(slug=PLAIN_SLUG)
    assert article.title == PLAIN_TITLE
    assert list(article.sections.values_list("position", "title", "slug")) == [
        (1, "Introduction", "introduction"),
        (2, "Where the Salt Came From", "where-the-salt-came-from"),
        (
            3,
            "The Economic Angle: Gold, Salt, and Credit",
            "the-economic-angle-gold-salt-and-credit",
        ),
        (4, "Caravans Today", "caravans-today"),
    ]


@pytest.mark.django_db
def test_imported_lessons_have_rendered_bodies_and_word_counts():
    import_article(DATA / "markdown-article.md")

    keepers = Section.objects.get(slug="keepers-and-their-lamps-oil-wicks-and-lenses")
    assert "<h3>The Fresnel lens</h3>" in keepers.body_html
    assert keepers.word_count == parse_article(MARKDOWN).sections[1].word_count > 0


@pytest.mark.django_db
def test_import_is_unpublished_by_default():
    import_article(DATA / "plain-article.txt")

    article = Article.objects.get(slug=PLAIN_SLUG)
    assert not article.is_published
    assert not article.sections.filter(is_published=True).exists()


@pytest.mark.django_db
def test_import_prints_the_title_and_each_lesson_with_its_word_count():
    output = import_article(DATA / "markdown-article.md")

    lines = output.splitlines()
    assert MARKDOWN_TITLE in lines[0]
    counts = [section.word_count for section in parse_article(MARKDOWN).sections]
    assert lines[1:] == [
        f"   1. Introduction ({counts[0]} words)",
        f"   2. Keepers and Their Lamps: Oil, Wicks, and Lenses ({counts[1]} words)",
        f"   3. Automation ({counts[2]} words)",
        f"   4. Closing Thoughts ({counts[3]} words)",
    ]


@pytest.mark.django_db
def test_publish_publishes_the_article_and_its_lessons():
    import_article(DATA / "plain-article.txt", "--publish")

    article = Article.objects.get(slug=PLAIN_SLUG)
    assert article.is_published
    assert titles(article.sections.published()) == PLAIN_SECTIONS


@pytest.mark.django_db
def test_title_option_overrides_the_title_and_slug():
    output = import_article(DATA / "plain-article.txt", "--title", "Desert Trade")

    article = Article.objects.get(slug="desert-trade")
    assert article.title == "Desert Trade"
    assert not Article.objects.filter(slug=PLAIN_SLUG).exists()
    assert "Desert Trade" in output


@pytest.mark.django_db
def test_file_without_a_title_needs_the_title_option(tmp_path):
    path = write(tmp_path, "# One\n\nText one.\n\n# Two\n\nText two.", "parts.md")

    with pytest.raises(CommandError, match="--title"):
        import_article(path)
    import_article(path, "--title", "Parts")

    assert titles(Article.objects.get(slug="parts").sections.all()) == ["One", "Two"]


@pytest.mark.django_db
def test_repeated_section_titles_get_distinct_slugs(tmp_path):
    path = write(
        tmp_path, "# Title\n\n## Notes\n\nOne.\n\n## Notes\n\nTwo.", "notes.md"
    )

    import_article(path)

    article = Article.objects.get(slug="title")
    assert list(article.sections.values_list("slug", flat=True)) == ["notes", "notes-2"]


@pytest.mark.django_db
def test_existing_slug_is_an_error_and_changes_nothing():
    article = make_article(title="Old", slug=PLAIN_SLUG)
    make_section(article, title="Old lesson")

    with pytest.raises(CommandError, match="already exists"):
        import_article(DATA / "plain-article.txt")

    assert titles(article.sections.all()) == ["Old lesson"]


@pytest.mark.django_db
def test_replace_replaces_the_lessons_of_an_unpublished_article():
    article = make_article(
        title="Old",
        slug=PLAIN_SLUG,
        is_published=False,
    )
    make_section(article, title="Old lesson", slug="old-lesson")

    output = import_article(DATA / "plain-article.txt", "--replace")

    article.refresh_from_db()
    assert article.title == PLAIN_TITLE
    assert titles(article.sections.all()) == PLAIN_SECTIONS
    assert "Replaced" in output


@pytest.mark.django_db
def test_replace_refuses_a_published_article():
    article = make_article(slug=PLAIN_SLUG)
    make_section(article, title="Old lesson")

    with pytest.raises(CommandError, match="published"):
        import_article(DATA / "plain-article.txt", "--replace")

    assert titles(article.sections.all()) == ["Old lesson"]


@pytest.mark.django_db
def test_replace_refuses_lessons_with_learner_progress():
    article = make_article(slug=PLAIN_SLUG, is_published=False)
    section = make_section(article, title="Old lesson")
    Progress.objects.create(learner=make_user(), section=section)

    with pytest.raises(CommandError, match="learner activity"):
        import_article(DATA / "plain-article.txt", "--replace")

    assert titles(article.sections.all()) == ["Old lesson"]


@pytest.mark.django_db
def test_crlf_file_with_byte_order_mark_imports_like_the_original(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(("\ufeff" + PLAIN.replace("\n", "\r\n")).encode("utf-8"))

    import_article(path)

    article = Article.objects.get(slug=PLAIN_SLUG)
    assert article.title == PLAIN_TITLE
    assert titles(article.sections.all()) == PLAIN_SECTIONS


@pytest.mark.django_db
def test_non_utf8_file_is_an_error_and_writes_nothing(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(PLAIN.replace("Sahara", "Sahara café").encode("latin-1"))
    before = row_counts()

    with pytest.raises(CommandError, match="not UTF-8"):
        import_article(path)

    assert row_counts() == before


@pytest.mark.django_db
def test_empty_file_is_an_error_and_writes_nothing(tmp_path):
    path = write(tmp_path, "")
    before = row_counts()

    with pytest.raises(CommandError, match="empty"):
        import_article(path)

    assert row_counts() == before


@pytest.mark.django_db
def test_file_without_sections_is_an_error_and_writes_nothing(tmp_path):
    path = write(tmp_path, "A Title\n\nOne paragraph of text, and nothing more.")
    before = row_counts()

    with pytest.raises(CommandError, match="No sections found"):
        import_article(path)

    assert row_counts() == before


@pytest.mark.django_db
def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        import_article(tmp_path / "missing.txt")
