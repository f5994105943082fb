"""The first course as learners get it: every quiz well formed, every answer anchored."""

import pytest

from quizzes.course import FIRST_COURSE, load_course, read_course
from quizzes.models import Question
from relations.markup import contains_quote
from relations.models import Article, Section

pytestmark = pytest.mark.django_db

SEED_TITLES = [
    "The Genesis of a Bond: Shared Challenges and Mutual Interests",
    "Navigating the Rapids: Points of Agreement and Disagreement",
    "The Economic Angle: Trade, Energy, and Infrastructure",
    "Military Cooperation: Arms, Exercises, and Strategic Alignment",
    "The Syrian Conflict: A Crucible of Partnership",
    "Looking Ahead: The Future of Russia-Iran Relations",
]


@pytest.fixture
def article():
    load_course()
    return Article.objects.get(slug="russia-and-iran")


def published_questions(section):
    return list(section.quiz.questions.published().prefetch_related("choices"))


def test_the_course_has_the_articles_sections_in_order(article):
    titles = list(article.sections.order_by("position").values_list("title", flat=True))
    assert titles == SEED_TITLES
    assert article.is_published
    assert (
        "Russia And Iran: A Deep Dive Into Their Complex Relationship" in article.source
    )
    assert article.summary


def test_every_lesson_is_300_to_700_words_and_ends_with_key_points(article):
    for section in article.sections.all():
        assert 300 <= section.word_count <= 700, section.title
        assert "## Key points" in section.body, section.title
        assert section.body.rstrip().splitlines()[-1].startswith("- "), section.title


def test_every_published_lesson_has_a_published_quiz_of_ten_or_more(article):
    total = 0
    for section in Section.objects.published().filter(article=article):
        assert section.quiz.is_published
        questions = published_questions(section)
        assert len(questions) >= 10, section.title
        assert len({q.kind for q in questions}) >= 3, section.title
        total += len(questions)
    assert total >= 70


def test_choice_questions_have_the_right_number_of_right_choices(article):
    for question in Question.objects.filter(
        quiz__section__article=article
    ).prefetch_related("choices"):
        choices = list(question.choices.all())
        right = [c for c in choices if c.is_correct]
        wrong = [c for c in choices if not c.is_correct]
        if question.kind in {"single", "true_false"}:
            assert len(right) == 1, question.external_id
        if question.kind == "true_false":
            assert [c.text for c in choices] == ["True", "False"], question.external_id
        if question.kind == "multiple":
            assert 2 <= len(right) <= 4 and wrong, question.external_id
        if question.kind == "short":
            assert right and not wrong and question.incorrect_feedback, (
                question.external_id
            )
        for choice in wrong:
            assert choice.feedback.strip(), f"{question.external_id}: {choice.text}"
        assert question.explanation.strip(), question.external_id


def test_every_source_quote_occurs_verbatim_in_its_lesson(article):
    for question in Question.objects.filter(
        quiz__section__article=article
    ).select_related("quiz__section"):
        words = len(question.source_quote.split())
        assert 5 <= words <= 25, question.external_id
        assert contains_quote(question.quiz.section.body, question.source_quote), (
            question.external_id
        )


def test_no_all_or_none_of_the_above(article):
    texts = Question.objects.filter(quiz__section__article=article).values_list(
        "choices__text", flat=True
    )
    assert not [t for t in texts if t and "of the above" in t.lower()]


def test_question_keys_are_unique_across_the_course():
    keys = [
        q["key"]
        for s in read_course(FIRST_COURSE)["sections"]
        for q in s["quiz"]["questions"]
    ]
    assert len(keys) == len(set(keys))


def test_loading_again_creates_nothing_new(article):
    counts = (Section.objects.count(), Question.objects.count())
    report = load_course()
    assert report.created == []
    assert (Section.objects.count(), Question.objects.count()) == counts


def test_loading_again_keeps_what_a_teacher_edited(article):
    section = article.sections.get(position=1)
    section.title = "Edited by a teacher"
    section.save()
    question = Question.objects.get(external_id="genesis-01")
    question.prompt = "A teacher's better wording?"
    question.save()
    load_course()
    assert article.sections.get(position=1).title == "Edited by a teacher"
    assert (
        Question.objects.get(external_id="genesis-01").prompt
        == "A teacher's better wording?"
    )


def test_loading_restores_a_lesson_deleted_without_touching_the_others(article):
    article.sections.get(slug="looking-ahead").delete()
    report = load_course()
    assert "lesson looking-ahead" in report.created
    assert article.sections.count() == 6
    assert article.sections.get(slug="looking-ahead").quiz.questions.count() == 12


def course_quizzes():
    return [
        section["quiz"]["questions"]
        for section in read_course(FIRST_COURSE)["sections"]
    ]


def right_indexes(question):
    return [i for i, c in enumerate(question["choices"]) if c["is_correct"]]


def test_multiple_answer_questions_do_not_all_have_the_same_number_of_right_options():
    for questions in course_quizzes():
        counts = [len(right_indexes(q)) for q in questions if q["kind"] == "multiple"]
        assert len(counts) >= 2
        assert len(set(counts)) > 1, counts


def test_the_right_option_is_rarely_the_longest():
    singles = [
        q for questions in course_quizzes() for q in questions if q["kind"] == "single"
    ]
    longest = [
        q["key"]
        for q in singles
        if len(q["choices"][right_indexes(q)[0]]["text"])
        >= max(len(c["text"]) for c in q["choices"])
    ]
    assert len(longest) <= len(singles) // 4, longest


def test_the_right_option_is_not_always_in_the_same_place():
    for questions in course_quizzes():
        positions = {right_indexes(q)[0] for q in questions if q["kind"] == "single"}
        assert len(positions) >= 3, positions


def test_true_false_answers_are_not_in_the_same_order_in_every_lesson():
    orders = {
        tuple(
            q["choices"][right_indexes(q)[0]]["text"]
            for q in questions
            if q["kind"] == "true_false"
        )
        for questions in course_quizzes()
    }
    assert len(orders) >= 3, orders
    answers = [answer for order in orders for answer in order]
    assert "True" in answers and "False" in answers


def test_every_lesson_has_at_least_two_apply_or_connect_questions():
    for questions in course_quizzes():
        applied = [q["key"] for q in questions if "apply" in q.get("tags", [])]
        assert len(applied) >= 2, [q["key"] for q in questions][:1]


def test_no_distractor_is_recycled_across_the_course():
    texts = [
        " ".join(c["text"].casefold().split())
        for questions in course_quizzes()
        for q in questions
        for c in q.get("choices", [])
        if not c["is_correct"] and q["kind"] != "true_false"
    ]
    assert len(texts) == len(set(texts))


def test_misconception_tags_mark_a_few_wrong_options_per_lesson_and_recur():
    lessons_per_tag: dict[str, set[int]] = {}
    for index, questions in enumerate(course_quizzes()):
        tagged = [
            c for q in questions for c in q.get("choices", []) if c.get("misconception")
        ]
        assert 3 <= len(tagged) <= 5, index
        assert not [c for c in tagged if c["is_correct"]]
        for choice in tagged:
            lessons_per_tag.setdefault(choice["misconception"], set()).add(index)
    assert max(len(lessons) for lessons in lessons_per_tag.values()) >= 3


def test_short_answers_accept_the_forms_a_reader_would_type():
    short = {
        q["key"]: [a.casefold() for a in q["accepted_answers"]]
        for questions in course_quizzes()
        for q in questions
        if q["kind"] == "short"
    }
    assert all(len(forms) >= 3 for forms in short.values())
    assert {"opec", "organization of the petroleum exporting countries"} <= set(
        short["genesis-11"]
    )
    assert {"instc", "the international north-south transport corridor"} <= set(
        short["economy-11"]
    )
    assert {"tartus", "tartous"} <= set(short["syria-11"])
    assert {"the west", "west"} <= set(short["rapids-11"])


def test_the_course_passes_its_own_quality_checks(article):
    reports = Question.objects.filter(quiz__section__article=article).quality_reports()
    assert len(reports) == 72
    open_warnings = {
        Question.objects.get(pk=pk).external_id: [w.code for w in report.open]
        for pk, report in reports.items()
        if report.open
    }
    assert open_warnings == {}
    for report in reports.values():
        assert all(dismissed.reason.strip() for dismissed in report.dismissed)
