"""Quality warnings on saved questions: the command, dismissals, and the course loader."""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes import services
from quizzes.course import load_course
from quizzes.models import Answer, Attempt, Question
from tests.factories import make_question, make_quiz, make_section, make_user

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_questions", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def quiz():
    return make_quiz(make_section(slug="rivers"))


def one_form_question(quiz):
    return make_question(
        quiz, "short", prompt="Which river?", choices=[("Danube", True, "")]
    )


def test_a_clean_quiz_passes(quiz):
    make_question(quiz, "single")
    make_question(quiz, "short")
    status, out = run("--section", "rivers")
    assert status == 0
    assert "2 questions checked: 0 warnings, 0 dismissed." in out


def test_an_open_warning_is_listed_and_fails_the_command(quiz):
    one_form_question(quiz)
    status, out = run("--section", "rivers")
    assert status == 1
    assert "[single_accepted_form]" in out and "Which river?" in out


def test_json_output_lists_each_question_with_its_warnings(quiz):
    question = one_form_question(quiz)
    status, out = run("--section", "rivers", "--json")
    assert status == 1
    [row] = json.loads(out)
    assert row["id"] == question.pk
    assert [w["code"] for w in row["warnings"]] == ["single_accepted_form"]
    assert row["warnings"][0]["message"]


def test_section_filter_leaves_other_lessons_out(quiz):
    one_form_question(make_quiz(make_section(slug="mountains")))
    make_question(quiz, "single")
    assert run("--section", "rivers")[0] == 0
    assert run()[0] == 1


def test_an_unknown_section_is_an_error_not_a_crash():
    with pytest.raises(CommandError, match="No lesson"):
        call_command("check_questions", "--section", "nowhere", stdout=StringIO())


def test_archived_questions_are_not_checked(quiz):
    one_form_question(quiz).archive()
    assert run("--section", "rivers")[0] == 0


def test_a_dismissed_warning_no_longer_fails_and_shows_its_reason(quiz):
    question = one_form_question(quiz)
    teacher = make_user(teacher=True)
    question.dismiss_warning(
        code="single_accepted_form", reason="Only one spelling exists.", user=teacher
    )
    status, out = run("--section", "rivers")
    assert status == 0
    assert "dismissed [single_accepted_form] Only one spelling exists." in out
    question.refresh_from_db()
    assert question.quality_dismissals["single_accepted_form"]["by"] == teacher.username


@pytest.mark.parametrize(
    ("code", "reason", "error"),
    [
        ("single_accepted_form", "   ", "reason_required"),
        ("made_up", "A reason.", "unknown_warning"),
    ],
)
def test_a_dismissal_needs_a_known_code_and_a_reason(quiz, code, reason, error):
    question = one_form_question(quiz)
    with pytest.raises(ValidationError) as caught:
        question.dismiss_warning(code=code, reason=reason, user=None)
    assert caught.value.code == error
    question.refresh_from_db()
    assert question.quality_dismissals == {}


def test_a_dismissal_survives_a_new_version_of_the_question(quiz):
    question = one_form_question(quiz)
    question.dismiss_warning(
        code="single_accepted_form", reason="Only one spelling exists.", user=None
    )
    learner = make_user()
    attempt = Attempt.objects.create(
        learner=learner, quiz=quiz, feedback_mode="immediate"
    )
    Answer.objects.create(attempt=attempt, question=question, response={"text": "x"})
    question.prompt = "Which river, again?"
    new = services.save_question(
        question=question,
        choices=[{"text": "Danube", "is_correct": True}],
        user=None,
    )
    assert new.version == 2
    assert Question.objects.filter(pk=new.pk).quality_reports()[new.pk].open == ()


def test_quality_reports_check_each_question_against_its_whole_quiz(quiz):
    questions = [
        make_question(quiz, "true_false", prompt=f"Statement {n}.") for n in range(3)
    ]
    # One question asked for; the pattern needs its siblings to be seen.
    reports = Question.objects.filter(pk=questions[-1].pk).quality_reports()
    assert list(reports) == [questions[-1].pk]
    assert [w.code for w in reports[questions[-1].pk].open] == ["same_pattern"]


def test_quality_reports_take_four_queries_however_many_questions(
    quiz, django_assert_num_queries
):
    for _ in range(6):
        make_question(quiz, "single")
    with django_assert_num_queries(4):
        Question.objects.filter(quiz=quiz).quality_reports()


def write_course(directory, dismissed):
    (directory / "course.json").write_text(
        json.dumps(
            {
                "article": {"slug": "rivers-course", "title": "Rivers"},
                "sections": [{"slug": "danube", "title": "Danube", "file": "01"}],
            }
        )
    )
    (directory / "01.md").write_text(
        "The Danube flows through ten countries before the sea.\n"
    )
    (directory / "01.quiz.json").write_text(
        json.dumps(
            {
                "questions": [
                    {
                        "key": "danube-01",
                        "kind": "short",
                        "prompt": "Which river?",
                        "explanation": "The Danube.",
                        "source_quote": "The Danube flows through ten countries",
                        "accepted_answers": ["Danube"],
                        "wrong_feedback": "The Danube.",
                        "dismissed": dismissed,
                        "choices_note": "unknown keys are ignored",
                    }
                ]
            }
        )
    )


def test_the_course_loader_stores_dismissals_with_their_reasons(tmp_path):
    write_course(tmp_path, {"single_accepted_form": "No other spelling is used."})
    load_course(tmp_path)
    question = Question.objects.get(external_id="danube-01")
    assert question.quality_dismissals["single_accepted_form"]["reason"] == (
        "No other spelling is used."
    )
    assert (
        Question.objects.filter(pk=question.pk).quality_reports()[question.pk].open
        == ()
    )


def test_reloading_gives_an_unedited_question_the_courses_dismissals_only(tmp_path):
    write_course(tmp_path, {})
    load_course(tmp_path)
    write_course(tmp_path, {"single_accepted_form": "No other spelling is used."})
    load_course(tmp_path)
    question = Question.objects.get(external_id="danube-01")
    assert "single_accepted_form" in question.quality_dismissals

    question.quality_dismissals = {}
    question.prompt = "A teacher's own wording?"
    question.save()
    load_course(tmp_path)
    question.refresh_from_db()
    assert question.quality_dismissals == {}


def test_lesson_is_the_option_name_and_section_its_alias(quiz):
    one_form_question(quiz)
    assert run("--lesson", "rivers")[0] == 1


def test_import_questions_dry_run_prints_quality_warnings(tmp_path, quiz):
    path = tmp_path / "bank.gift.txt"
    path.write_text("::Capital:: Which city is the capital of Iran? {=Tehran}\n")
    out = StringIO()
    call_command(
        "import_questions",
        str(path),
        format="gift",
        section="rivers",
        dry_run=True,
        stdout=out,
    )
    assert "quality [single_accepted_form]" in out.getvalue()
    assert not Question.objects.filter(quiz=quiz).exists()
