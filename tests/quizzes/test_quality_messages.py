"""What a teacher reads for each quality warning: its code, title and full sentence.

The sentences are the advice itself (why the cue lets a test-wise learner in and how to
reword), so each is pinned word for word, with the question it is attached to.
"""

import pytest

from quizzes.quality import (
    Item,
    Option,
    Report,
    check_answers_another,
    check_patterns,
    check_question,
    check_quiz,
    key_words,
    undismissed,
)
from tests.factories import make_question, make_quiz

MESSAGES = {
    "longest_right": (
        "The right option is much longer than the others. Learners who have not read "
        "the lesson pick the longest option, because right answers tend to carry the "
        "most qualifications. Shorten it, or make the wrong options just as specific."
    ),
    "absolute_words_false": (
        "The statement is false and uses an absolute word (always, never, only…). "
        "Learners know such statements are usually false, so it can be answered "
        "without the lesson. Reword it without the absolute, or make a true statement "
        "that uses one."
    ),
    "absolute_words": (
        "Absolute words (always, never, only, all…) appear only in wrong options. "
        "Learners rule such options out on sight. Remove them, or use them in a right "
        "option too."
    ),
    "of_the_above": (
        "An option reads “all/none of the above”. Options are shuffled, so “above” may "
        "point at nothing, and a learner who spots two right options knows the answer "
        "without knowing the rest. Replace it with a real option."
    ),
    "negative_stem": (
        "The question asks for what is not so, but the negative word is easy to miss, "
        "and learners who know the answer then pick a true statement. Write the "
        "negative in capitals or bold (NOT, **except**), or ask the question the "
        "positive way."
    ),
    "duplicate_options": (
        "Two options say the same thing, or almost. A learner can rule both out (or "
        "in) together, so the question has one option fewer than it seems. Make every "
        "option a distinct idea."
    ),
    "option_repeats_stem": (
        "The right option repeats key words of the question that no wrong option "
        "uses, so it can be matched by its words alone. Reword the right option, or "
        "let the wrong options echo the question as well."
    ),
    "all_or_none_right": (
        "In this multiple-answers question every option is right, or none is. Ticking "
        "everything (or nothing) then earns full marks without reading. Have at least "
        "two right options and one wrong one."
    ),
    "single_accepted_form": (
        "Only one typed answer is accepted. Learners who know the answer often write "
        "it another way (an abbreviation, a synonym the lesson uses, a “the …” form) "
        "and are marked wrong. Add the forms a reader would type."
    ),
    "answered_by_another": (
        "Another question in this quiz contains this question's answer in its "
        "wording, so a learner can copy it from there. Reword one of them."
    ),
    "same_pattern_multiple": (
        "Every multiple-answers question in this quiz has the same number of right "
        "options, so learners learn to tick that many. Vary it (two to four right "
        "options)."
    ),
    "same_pattern_true_false": (
        "Every true/false question in this quiz has the same answer, so learners who "
        "notice can answer without reading. Mix true and false statements."
    ),
    "same_pattern_single": (
        "The right option sits in the same place in every single-choice question of "
        "this quiz. Options are shuffled for learners, but a printed or exported copy "
        "keeps the order: vary where you write it."
    ),
}


def item(kind, prompt, *options, key="q1"):
    return Item(
        key, kind, prompt, tuple(Option(text, right) for text, right in options)
    )


ONE_CUE_EACH = [
    (
        "longest_right",
        "longest_right",
        item(
            "single",
            "Why does Iran value the partnership?",
            ("Russia can help it cope with sanctions and political isolation", True),
            ("Russia buys its oil", False),
            ("Russia sells it grain", False),
        ),
    ),
    (
        "absolute_words_false",
        "absolute_words",
        item(
            "true_false",
            "Russia always sides with Iran.",
            ("True", False),
            ("False", True),
        ),
    ),
    (
        "absolute_words",
        "absolute_words",
        item(
            "single",
            "Who supplies the drones?",
            ("Iran", True),
            ("Syria always does", False),
            ("Turkey", False),
        ),
    ),
    (
        "of_the_above",
        "of_the_above",
        item(
            "single",
            "Who supplies the drones?",
            ("Iran", True),
            ("Syria", False),
            ("Both of these", False),
        ),
    ),
    (
        "negative_stem",
        "negative_stem",
        item(
            "single",
            "Who does not supply drones?",
            ("Syria", True),
            ("Iran", False),
            ("Turkey", False),
        ),
    ),
    (
        "duplicate_options",
        "duplicate_options",
        item(
            "single",
            "Who supplies the drones?",
            ("Iran", True),
            ("Syria", False),
            ("syria.", False),
        ),
    ),
    (
        "option_repeats_stem",
        "option_repeats_stem",
        item(
            "single",
            "What do joint naval drills improve?",
            ("Joint naval drills improve coordination", True),
            ("Grain prices across the whole region", False),
            ("Arms sales to the Syrian government", False),
        ),
    ),
    (
        "all_or_none_right",
        "all_or_none_right",
        item("multiple", "Which ties?", ("Trade", True), ("Energy", True)),
    ),
    (
        "single_accepted_form",
        "single_accepted_form",
        item("short", "Which forum?", ("GECF", True)),
    ),
]


@pytest.mark.parametrize(
    ("message", "code", "question"), ONE_CUE_EACH, ids=[c[0] for c in ONE_CUE_EACH]
)
def test_each_question_check_says_what_is_wrong_and_how_to_fix_it(
    message, code, question
):
    (warning,) = check_question(question)
    assert (warning.key, warning.code, warning.message) == (
        "q1",
        code,
        MESSAGES[message],
    )
    assert warning.others == ()
    assert warning.as_json() == {
        "question": "q1",
        "code": code,
        "title": warning.title,
        "message": MESSAGES[message],
    }


def test_the_warning_about_an_answer_in_another_question_names_both():
    asked = item("short", "Which base does Russia keep?", ("Tartus", True), key="a")
    giver = item(
        "single",
        "Why does Tartus matter?",
        ("Its naval base", True),
        ("Oil", False),
        key="b",
    )
    (warning,) = check_answers_another([asked, giver])
    assert (warning.key, warning.code, warning.others) == (
        "a",
        "answered_by_another",
        ("b",),
    )
    assert warning.message == MESSAGES["answered_by_another"]


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        (
            "same_pattern_single",
            [
                item("single", f"Q{n}?", ("Right", True), ("Wrong", False), key=f"s{n}")
                for n in range(3)
            ],
        ),
        (
            "same_pattern_true_false",
            [
                item(
                    "true_false",
                    f"S{n}.",
                    ("True", True),
                    ("False", False),
                    key=f"s{n}",
                )
                for n in range(3)
            ],
        ),
        (
            "same_pattern_multiple",
            [
                item(
                    "multiple",
                    f"Q{n}?",
                    ("A", True),
                    ("B", True),
                    ("C", False),
                    key=f"s{n}",
                )
                for n in range(3)
            ],
        ),
    ],
)
def test_a_pattern_across_the_quiz_is_told_on_its_last_question(message, questions):
    (warning,) = check_patterns(questions)
    assert (warning.key, warning.code, warning.others) == (
        "s2",
        "same_pattern",
        ("s0", "s1"),
    )
    assert warning.message == MESSAGES[message]


# The thresholds, each at its edge.


def longest(right, *wrong, kind="single"):
    options = [(text, True) for text in right] + [(text, False) for text in wrong]
    return "longest_right" in [
        w.code for w in check_question(item(kind, "Q?", *options))
    ]


def test_the_right_option_stands_out_by_length_from_a_third_longer_and_ten_letters():
    # Exactly 1.3 times the wrong options' average and exactly 10 letters longer: warns.
    assert longest(["r" * 65], "w" * 50, "v" * 50)
    assert longest(["r" * 30], "w" * 20, "v" * 20)
    # Ten letters longer but under 1.3 times: no cue.
    assert not longest(["r" * 51], "w" * 40, "v" * 40)
    # As long as the longest wrong option: no cue, even far above the average.
    assert not longest(["r" * 40], "w" * 40, "v" * 2)


def test_two_right_options_are_measured_by_their_average_length():
    # Right 12 and 12 against wrong 10 and 10: longer, but not by a third.
    assert not longest(["r" * 12, "s" * 12], "w" * 10, "v" * 10, kind="multiple")


def test_a_true_false_question_without_a_right_answer_gets_no_absolute_word_warning():
    question = item(
        "true_false",
        "Russia always sides with Iran.",
        ("True", False),
        ("False", False),
    )
    assert "absolute_words" not in [w.code for w in check_question(question)]


def test_options_exactly_nine_tenths_alike_are_duplicates():
    # "tehran air" and "tehran aid" share 9 of their 10 characters: a ratio of 0.9.
    question = item(
        "single", "Which?", ("Tehran air", True), ("Tehran aid", False), ("Oil", False)
    )
    assert "duplicate_options" in [w.code for w in check_question(question)]


def repeats_stem(right, *wrong):
    options = [(right, True), *((text, False) for text in wrong)]
    question = item("single", "Where do Russian naval drills happen?", *options)
    return "option_repeats_stem" in [w.code for w in check_question(question)]


def test_two_stem_words_more_than_any_wrong_option_make_an_echo():
    # Two stem words (naval, drill) in the right option and none in the wrong: warns.
    assert repeats_stem("Naval drills near Crimea", "Tehran", "Tartus")
    # Three (russian, naval, drill) against one (naval): still two more, warns.
    assert repeats_stem("Russian naval drills", "Naval yards", "Tartus")
    # Three against two: only one more, no cue.
    assert not repeats_stem("Russian naval drills", "Naval drills", "Tartus")


def test_key_words_drop_short_and_common_words_and_plural_s():
    assert key_words("The EU and gas ports press arms into a pipeline") == {
        "gas",
        "port",
        "press",
        "arms",
        "pipeline",
    }


def gives_away(asked, other_prompt):
    other = item("true_false", other_prompt, ("True", True), ("False", False), key="b")
    return [w.code for w in check_answers_another([asked, other])] == [
        "answered_by_another"
    ]


def test_a_typed_answer_of_four_letters_in_another_prompt_is_given_away():
    asked = item("short", "Which forum?", ("GECF", True), key="a")
    assert gives_away(asked, "The GECF meets in Doha.")


def test_a_single_choice_answer_of_two_key_words_in_another_prompt_is_given_away():
    asked = item(
        "single", "Why Syria?", ("Naval base", True), ("Oil fields", False), key="a"
    )
    # The prompt's key words are exactly the right option's.
    assert gives_away(asked, "True or false: a naval base.")


def test_a_prompt_holding_a_wrong_options_words_too_gives_nothing_away():
    asked = item(
        "single",
        "Why Syria?",
        ("Naval base", True),
        ("Naval base Tartus", False),
        key="a",
    )
    assert not gives_away(asked, "True or false: naval base Tartus.")


def test_a_multiple_answer_question_is_not_checked_for_answers_in_other_prompts():
    asked = item(
        "multiple",
        "Why Syria?",
        ("Naval base", True),
        ("Grain", True),
        ("Oil fields", False),
        key="a",
    )
    assert not gives_away(asked, "True or false: a naval base.")


def test_a_quiz_lists_its_warnings_in_the_order_of_its_questions():
    first = item("short", "Which forum?", ("GECF", True), ("the GECF", True), key="a")
    second = item(
        "single",
        "Where does the GECF meet?",
        ("Doha", True),
        ("Both of these", False),
        key="b",
    )
    found = [(w.key, w.code) for w in check_quiz([first, second])]
    assert found == [("a", "answered_by_another"), ("b", "of_the_above")]


def test_a_report_keeps_open_warnings_and_who_dismissed_the_others():
    warnings = check_question(
        item("single", "Which is not?", ("A", True), ("Both of these", False), key="7")
    )
    assert [w.code for w in warnings] == ["of_the_above", "negative_stem"]
    report = Report.of(
        warnings, {"negative_stem": {"reason": "Bold in print.", "by": "ana"}}
    )
    assert report.open == (warnings[0],)
    assert [(d.warning, d.reason, d.by) for d in report.dismissed] == [
        (warnings[1], "Bold in print.", "ana")
    ]
    bare = Report.of(warnings, {"of_the_above": {}})
    assert [(d.reason, d.by) for d in bare.dismissed] == [("", "")]


def test_dismissals_of_other_questions_leave_a_questions_warnings_open():
    warnings = check_question(item("short", "Which forum?", ("GECF", True), key="7"))
    assert undismissed(warnings, {"8": {"single_accepted_form": {}}}) == warnings


def test_plain_data_becomes_an_item_with_empty_text_where_none_is_given():
    given = Item.from_data(
        "k", {"kind": "single", "prompt": "Which?"}, [{"text": "A", "is_correct": 1}]
    )
    assert given == Item("k", "single", "Which?", (Option("A", True),))
    bare = Item.from_data("k", {"kind": "short"}, [{"is_correct": True}, {}])
    assert bare == Item("k", "short", "", (Option("", True), Option("", False)))


@pytest.mark.django_db
def test_a_saved_question_becomes_an_item_with_its_options_in_order():
    question = make_question(make_quiz(), "single", prompt="Which river?")
    assert Item.from_question(question) == Item(
        str(question.pk),
        "single",
        "Which river?",
        (Option("Danube", True), Option("Rhine", False), Option("Thames", False)),
    )
