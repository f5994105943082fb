"""Every GIFT error a teacher can meet: its line, its code and the exact sentence shown."""

from decimal import Decimal

import pytest

from quizzes.interchange.gift import parse_gift

CATEGORY = (
    "Write `$CATEGORY: path` alone, with a category path, followed by a blank line."
)


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("$CATEGORY:   ", "category", CATEGORY),
        ("$CATEGORY: a/b extra\nrest", "category", CATEGORY),
        (
            "::Q1::Name a noble gas.{=Neon",
            "braces",
            "Error importing question Q1: The answer block opened with { is never closed with }.",
        ),
        (
            "::Q2::Name a noble gas.} =Neon",
            "braces",
            "Error importing question Q2: Found } without a { before it.",
        ),
        (
            "::Q3::Oxygen is {=O} and hydrogen is {=H}.",
            "braces",
            "Error importing question Q3: Only one answer block is allowed; "
            "write \\{ and \\} for literal braces.",
        ),
        (
            "::Empty::{=nothing}",
            "empty-text",
            "Error importing question Empty: The question has no text.",
        ),
        (
            "::Q5::Pick one.{=Oak ~ ~Pine}",
            "empty-answer",
            "Error importing question Q5: An answer has no text.",
        ),
        (
            "::Q6::Pick one.{~Oak}",
            "answer-count",
            "Error importing question Q6: A multiple-choice question needs at least 2 answers.",
        ),
        (
            "::Q7::Pick one.{=%50%Oak ~Pine}",
            "weight-after-equals",
            "Error importing question Q7: In multiple choice = always means 100 %; "
            "write partial credit as ~%50%answer.",
        ),
        (
            "::Q8::Match.{France -> Paris}",
            "matching",
            "Error importing question Q8: Write each matching pair as =left -> right, "
            "with at least 2 pairs.",
        ),
        (
            "::Q10::Match.{=France -> Paris}",
            "answer-count",
            "Error importing question Q10: A matching question needs at least 2 pairs.",
        ),
        (
            "::Q11::Match.{=France -> Paris =Japan}",
            "matching",
            "Error importing question Q11: A matching pair needs a ->: 'Japan'.",
        ),
        (
            "::Q12::Match.{=France -> Paris =Japan -> }",
            "empty-answer",
            "Error importing question Q12: The matching pair 'Japan ->' has nothing after ->.",
        ),
        (
            "::Q13::How many?{#}",
            "answer-count",
            "Error importing question Q13: A numerical question needs at least one numeric answer.",
        ),
        (
            "::Q14::How many?{#5 ~junk}",
            "numerical",
            "Error importing question Q14: In a numerical question ~ may only introduce "
            "#feedback for other answers.",
        ),
        (
            "::Q15::How many?{#5..3}",
            "numerical",
            "Error importing question Q15: The range '5..3' ends below its start.",
        ),
        (
            "::Q16::How many?{#5:-1}",
            "numerical",
            "Error importing question Q16: The tolerance in '5:-1' is negative.",
        ),
        (
            "::Q17::How many?{#abc}",
            "not-a-number",
            "Error importing question Q17: 'abc' is not a number.",
        ),
        (
            "::Q18::How many?{#5:abc}",
            "not-a-number",
            "Error importing question Q18: 'abc' is not a number.",
        ),
        (
            "::Q22::How many?{#1..2..3}",
            "not-a-number",
            "Error importing question Q22: '2..3' is not a number.",
        ),
        (
            "::Q23::How many?{#1:2:3}",
            "not-a-number",
            "Error importing question Q23: '2:3' is not a number.",
        ),
    ],
)
def test_each_error_names_its_line_code_and_reason(text, code, message):
    result = parse_gift(("// a comment first\n\n" + text).encode())
    assert result.questions == []
    assert [(error.line, error.code, str(error)) for error in result.errors] == [
        (3, code, message)
    ]


def test_a_bad_weight_names_the_answer_and_the_nearest_allowed_weight():
    result = parse_gift(b"::Q19::Pick.{~%35%A ~%65%B}")
    assert [str(error) for error in result.errors] == [
        "Error importing question Q19: The weight 35 % of answer 'A' is not allowed; "
        "the nearest allowed weight is 33.33333 %.",
        "Error importing question Q19: The weight 65 % of answer 'B' is not allowed; "
        "the nearest allowed weight is 66.66667 %.",
    ]


def test_a_category_line_keeps_its_line_number_and_has_no_name():
    result = parse_gift(b"// intro\n\n$CATEGORY: $course$/Rivers\n\n::Q::Text{=A ~B}")
    category = result.questions[0]
    assert (category.kind, category.line, category.name) == ("category", 3, "")
    assert category.category == "$course$/Rivers"


def test_true_false_feedback_keeps_a_third_hash():
    (question,) = parse_gift(b"True?{TRUE#wrong#right#extra}").questions
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("True", Decimal(1), "right#extra"),
        ("False", Decimal(0), "wrong"),
    ]
