"""Item-quality checks: each one warns on a cue and stays quiet on its near miss."""

import pytest

from quizzes.quality import (
    CODES,
    Item,
    Option,
    Report,
    check_answers_another,
    check_patterns,
    check_question,
    check_quiz,
    check_rows,
    undismissed,
)


def single(prompt, right, *wrong, key="q1"):
    options = (Option(right, True), *(Option(text, False) for text in wrong))
    return Item(key, "single", prompt, options)


def multiple(prompt, right, wrong, key="q1"):
    options = tuple(Option(t, True) for t in right) + tuple(
        Option(t, False) for t in wrong
    )
    return Item(key, "multiple", prompt, options)


def true_false(prompt, answer: bool, key="q1"):
    return Item(
        key, "true_false", prompt, (Option("True", answer), Option("False", not answer))
    )


def short(prompt, *accepted, key="q1"):
    return Item(key, "short", prompt, tuple(Option(t, True) for t in accepted))


def codes(item):
    return [warning.code for warning in check_question(item)]


# Right option much longer than the others.


def test_a_right_option_far_longer_than_the_rest_warns():
    item = single(
        "Why does Iran value the partnership?",
        "Russia can help it cope with sanctions and with political isolation",
        "Russia buys its oil",
        "Russia needs its ports",
        "Russia sells it grain",
    )
    assert "longest_right" in codes(item)


def test_a_right_option_slightly_longest_does_not_warn():
    item = single(
        "Why does Iran value the partnership?",
        "Russia helps it cope with sanctions",
        "Russia is the main buyer of its oil",
        "Russia needs its Gulf ports",
        "Russia sells it grain cheaply",
    )
    assert "longest_right" not in codes(item)


def test_multiple_answers_whose_right_options_all_outrun_the_wrong_ones_warn():
    item = multiple(
        "Which tie them together?",
        [
            "Opposition to Western influence in the region",
            "Cooperation in energy markets and ventures",
        ],
        ["Arms from Iran", "Trade in tea"],
    )
    assert "longest_right" in codes(item)
    balanced = multiple(
        "Which tie them together?",
        ["Opposition to Western influence", "Energy"],
        ["Arms supplied by Iran to Russia", "Tea"],
    )
    assert "longest_right" not in codes(balanced)


# Absolute words only in wrong options.


def test_absolute_words_only_in_wrong_options_warn():
    item = single(
        "What does Russia think of Iran's nuclear programme?",
        "It backs peaceful nuclear energy",
        "It always opposes it",
        "It never discusses it",
    )
    assert "absolute_words" in codes(item)


def test_absolute_words_in_a_right_option_too_do_not_warn():
    item = single(
        "What does Russia think of Iran's nuclear programme?",
        "It backs only peaceful nuclear energy",
        "It always opposes it",
        "It wants weapons built",
    )
    assert "absolute_words" not in codes(item)


def test_a_false_statement_with_an_absolute_word_warns_but_a_true_one_does_not():
    assert "absolute_words" in codes(
        true_false("True or false: They always agree on Syria.", False)
    )
    assert "absolute_words" not in codes(
        true_false("True or false: They always backed Assad.", True)
    )


def test_words_that_merely_contain_an_absolute_do_not_warn():
    item = single(
        "Who backs whom?",
        "Russia backs Iran",
        "Iran is an ally of nobody",
        "Russia is overall neutral",
    )
    assert "absolute_words" not in codes(item)


# "All/none of the above".


@pytest.mark.parametrize(
    "text", ["All of the above", "None of the above.", "both of the above"]
)
def test_of_the_above_options_warn(text):
    item = single("Which?", "Trade", "Energy", text)
    assert "of_the_above" in codes(item)


def test_an_option_that_only_mentions_above_does_not_warn():
    item = single("Which?", "Trade", "Energy", "Prices above the world average")
    assert "of_the_above" not in codes(item)


# Negative stems.


def test_an_unemphasised_negative_stem_warns():
    item = single("Which is not a pillar of their ties?", "Arms", "Trade", "Energy")
    assert "negative_stem" in codes(item)
    contracted = single("Which isn't a pillar of their ties?", "Arms", "Trade")
    assert "negative_stem" in codes(contracted)


@pytest.mark.parametrize(
    "prompt",
    [
        "Which is NOT a pillar of their ties?",
        "Which is **not** a pillar of their ties?",
        "Each is a pillar EXCEPT which one?",
        "Which is a pillar of their ties?",
    ],
)
def test_an_emphasised_or_positive_stem_does_not_warn(prompt):
    assert "negative_stem" not in codes(single(prompt, "Arms", "Trade", "Energy"))


# Duplicate or near-duplicate options.


def test_duplicate_and_near_duplicate_options_warn():
    assert "duplicate_options" in codes(
        single("Which?", "Air support", "air support.", "Troops")
    )
    assert "duplicate_options" in codes(
        single("Which?", "Joint military exercise", "Joint military exercises", "Trade")
    )


def test_options_with_the_same_words_in_another_order_do_not_warn():
    item = single(
        "Who supplies whom?",
        "Russia supplies Iran with weapons",
        "Iran supplies Russia with weapons",
        "Neither supplies weapons",
    )
    assert "duplicate_options" not in codes(item)


# An option repeating the stem's key words.


def test_a_right_option_echoing_the_stem_warns():
    item = single(
        "What do the joint military exercises improve?",
        "The joint military exercises improve coordination",
        "Arms deliveries",
        "Trade in carpets",
    )
    assert "option_repeats_stem" in codes(item)


def test_an_echo_shared_by_a_wrong_option_does_not_warn():
    item = single(
        "What do the joint military exercises improve?",
        "The joint military exercises improve coordination",
        "The joint military exercises improve arms sales",
        "Trade in carpets",
    )
    assert "option_repeats_stem" not in codes(item)


# Multiple answers with all or no options right.


def test_a_multiple_answer_question_with_every_option_right_warns():
    item = multiple("Which?", ["Trade", "Energy", "Infrastructure"], [])
    assert "all_or_none_right" in codes(item)
    assert "all_or_none_right" in codes(multiple("Which?", [], ["Arms", "Tea"]))


def test_a_multiple_answer_question_with_right_and_wrong_options_does_not_warn():
    item = multiple("Which?", ["Trade", "Energy"], ["Arms"])
    assert "all_or_none_right" not in codes(item)


# Short answers with a single accepted form.


def test_a_short_answer_with_one_accepted_form_warns():
    assert "single_accepted_form" in codes(short("Which forum?", "GECF"))


def test_a_short_answer_with_several_forms_does_not_warn():
    item = short("Which forum?", "GECF", "Gas Exporting Countries Forum")
    assert "single_accepted_form" not in codes(item)


# A question whose wording answers another.


def test_a_prompt_containing_another_questions_typed_answer_warns():
    asked = short("Which base does Russia keep in Syria?", "Tartus", key="a")
    giver = single(
        "Why does Russia care about Tartus?", "Its naval base", "Oil", key="b"
    )
    warnings = check_answers_another([asked, giver])
    assert [(w.key, w.code, w.others) for w in warnings] == [
        ("a", "answered_by_another", ("b",))
    ]


def test_a_word_inside_a_longer_word_does_not_give_an_answer_away():
    asked = short("Which body?", "OPEC", "the OPEC", key="a")
    other = single("Who are the OPECish states?", "Gulf states", "None", key="b")
    assert check_answers_another([asked, other]) == []


def test_a_prompt_holding_the_right_options_words_but_not_the_wrong_ones_warns():
    asked = single(
        "Why did Russia back Assad?",
        "Protecting its naval base",
        "Backing its allies",
        "Countering Saudi Arabia",
        key="a",
    )
    giver = true_false(
        "True or false: Protecting its naval base mattered to Russia.", True, key="b"
    )
    near = true_false("True or false: Russia has a naval base.", True, key="c")
    assert [w.key for w in check_answers_another([asked, giver])] == ["a"]
    assert check_answers_another([asked, near]) == []


# The same pattern across a quiz.


def test_the_same_right_position_in_every_single_choice_question_warns():
    items = [
        single(f"Question {n}?", f"Right {n}", "Wrong a", "Wrong b", key=f"q{n}")
        for n in range(3)
    ]
    warnings = check_patterns(items)
    assert [(w.key, w.code, w.others) for w in warnings] == [
        ("q2", "same_pattern", ("q0", "q1"))
    ]


def test_varied_positions_or_too_few_questions_do_not_warn():
    first = single("One?", "Right", "Wrong", key="q1")
    second = Item(
        "q2", "single", "Two?", (Option("Wrong", False), Option("Right", True))
    )
    third = single("Three?", "Right", "Wrong", key="q3")
    assert check_patterns([first, second, third]) == []
    assert check_patterns([first, third]) == []


def test_the_same_number_of_right_options_in_every_multiple_answer_question_warns():
    items = [
        multiple(f"Q{n}?", ["A", "B", "C"], ["D", "E"], key=f"m{n}") for n in range(3)
    ]
    assert [w.code for w in check_patterns(items)] == ["same_pattern"]
    items[1] = multiple("Q1?", ["A", "B"], ["C", "D", "E"], key="m1")
    assert check_patterns(items) == []


def test_the_same_true_false_answer_throughout_warns():
    items = [true_false(f"Statement {n}.", False, key=f"t{n}") for n in range(3)]
    assert [w.code for w in check_patterns(items)] == ["same_pattern"]
    items[0] = true_false("Statement 0.", True, key="t0")
    assert check_patterns(items) == []


# Putting it together.


def test_a_clean_quiz_has_no_warnings_and_every_message_explains_itself():
    quiz = [
        single("Who supplies arms?", "Russia", "Iran", "Syria", key="a"),
        Item(
            "b",
            "single",
            "Which forum is for gas?",
            (Option("OPEC", False), Option("GECF", True), Option("The UN", False)),
        ),
        short("Name the corridor.", "INSTC", "North-South Transport Corridor", key="c"),
    ]
    assert check_quiz(quiz) == []
    noisy = [single("Which is not right?", "x" * 80, "All of the above", "y", key="a")]
    for warning in check_quiz(noisy):
        assert warning.code in CODES
        assert len(warning.message.split()) >= 15, warning.code
        assert warning.title


def test_dismissed_warnings_are_set_aside_with_their_reason():
    warnings = check_question(short("Which forum?", "GECF", key="7"))
    assert undismissed(warnings, {"7": {"single_accepted_form": {"reason": "x"}}}) == []
    report = Report.of(
        warnings,
        {"single_accepted_form": {"reason": "Only one form exists.", "by": "t"}},
    )
    assert report.open == ()
    assert [(d.warning.code, d.reason) for d in report.dismissed] == [
        ("single_accepted_form", "Only one form exists.")
    ]


def test_rows_not_yet_saved_get_their_own_warnings_in_order():
    rows = [
        (
            {"kind": "short", "prompt": "Capital of Iran?"},
            [{"text": "Tehran", "is_correct": True}],
        ),
        (
            {"kind": "single", "prompt": "Which?"},
            [
                {"text": "Oslo", "is_correct": False},
                {"text": "Rome", "is_correct": True},
            ],
        ),
    ]
    assert [[w.code for w in found] for found in check_rows(rows)] == [
        ["single_accepted_form"],
        [],
    ]
