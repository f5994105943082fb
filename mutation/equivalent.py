"""Surviving mutants that no test can kill, and why.

Key: (module path, function, the mutant's changed line(s) as `mutmut show` prints them
after "+", stripped). Keyed by content, not by mutant number, so an entry survives
renumbering; an entry that no longer matches simply stops applying, and its survivor
shows up as unexplained in MUTATION.md.
"""

EQUIVALENT: dict[tuple[str, str, str], str] = {
    (
        "quizzes/models.py",
        "Progress.count_attempt",
        "if self.best_score is None or attempt.score >= self.best_score:",
    ): "Equal scores: the best score is set to the value it already has.",
    (
        "quizzes/classes/statistics.py",
        "covariance",
        "mx, my = sum(xs) * n, sum(ys) / n",
    ): "Σ(x − mx)(y − my) = Σx(y − my) − mx·Σ(y − my), and Σ(y − my) = 0: whatever stands in for the mean of one series, the sum of products is the same (to rounding in the last digits), so every covariance, variance and figure is too.",
    (
        "quizzes/classes/statistics.py",
        "covariance",
        "mx, my = sum(xs) / n, sum(ys) * n",
    ): "Σ(x − mx)(y − my) = Σx(y − my) − mx·Σ(y − my), and Σ(y − my) = 0: whatever stands in for the mean of one series, the sum of products is the same (to rounding in the last digits), so every covariance, variance and figure is too.",
    (
        "quizzes/classes/statistics.py",
        "covariance",
        "return sum((x + mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)",
    ): "Σ(x − mx)(y − my) = Σx(y − my) − mx·Σ(y − my), and Σ(y − my) = 0: whatever stands in for the mean of one series, the sum of products is the same (to rounding in the last digits), so every covariance, variance and figure is too.",
    (
        "quizzes/classes/statistics.py",
        "covariance",
        "return sum((x - mx) * (y + my) for x, y in zip(xs, ys, strict=True)) / (n - 1)",
    ): "Σ(x − mx)(y − my) = Σx(y − my) − mx·Σ(y − my), and Σ(y − my) = 0: whatever stands in for the mean of one series, the sum of products is the same (to rounding in the last digits), so every covariance, variance and figure is too.",
    (
        "quizzes/classes/statistics.py",
        "item_statistics",
        "if cov is not None and max_cov and max_cov >= 0:",
    ): "`max_cov and` already rules out 0, the only value where `>= 0` and `> 0` differ.",
    (
        "quizzes/classes/statistics.py",
        "quiz_statistics",
        "100 * total / top for total, top in zip(totals, possible, strict=None) if top",
    ): "Both lists are built from the same matrix, one item per row, so they always have the same length and `strict` never has anything to check.",
    (
        "quizzes/classes/statistics.py",
        "quiz_statistics",
        "100 * total / top for total, top in zip(totals, possible, ) if top",
    ): "Both lists are built from the same matrix, one item per row, so they always have the same length and `strict` never has anything to check.",
    (
        "quizzes/classes/statistics.py",
        "quiz_statistics",
        "100 * total / top for total, top in zip(totals, possible, strict=False) if top",
    ): "Both lists are built from the same matrix, one item per row, so they always have the same length and `strict` never has anything to check.",
    (
        "quizzes/classes/statistics.py",
        "quiz_statistics",
        "for row, total in zip(matrix, totals, strict=None)",
    ): "Both lists are built from the same matrix, one item per row, so they always have the same length and `strict` never has anything to check.",
    (
        "quizzes/classes/statistics.py",
        "quiz_statistics",
        "for row, total in zip(matrix, totals, )",
    ): "Both lists are built from the same matrix, one item per row, so they always have the same length and `strict` never has anything to check.",
    (
        "quizzes/classes/statistics.py",
        "quiz_statistics",
        "for row, total in zip(matrix, totals, strict=False)",
    ): "Both lists are built from the same matrix, one item per row, so they always have the same length and `strict` never has anything to check.",
    (
        "quizzes/models.py",
        "AttemptQuerySet.start",
        "learner=None, section_id=quiz.section_id",
    ): "The explicit row lock is redundant: the line before it, `mark_read`, is an INSERT … ON CONFLICT DO UPDATE on the same Progress row in the same transaction, and that already locks the row until the transaction ends, so simultaneous starts queue either way (SQLite's IMMEDIATE transactions queue them too). Checked by hand on PostgreSQL: `tests/quizzes/test_concurrency.py::test_eight_threads_starting_one_quiz_share_one_attempt` passes with the lock's filter broken and fails (8 attempts instead of 1) when neither statement is there.",
    (
        "quizzes/models.py",
        "AttemptQuerySet.start",
        "learner=learner, section_id=None",
    ): "The explicit row lock is redundant: the line before it, `mark_read`, is an INSERT … ON CONFLICT DO UPDATE on the same Progress row in the same transaction, and that already locks the row until the transaction ends, so simultaneous starts queue either way (SQLite's IMMEDIATE transactions queue them too). Checked by hand on PostgreSQL: `tests/quizzes/test_concurrency.py::test_eight_threads_starting_one_quiz_share_one_attempt` passes with the lock's filter broken and fails (8 attempts instead of 1) when neither statement is there.",
    (
        "quizzes/models.py",
        "AttemptQuerySet.start",
        "section_id=quiz.section_id",
    ): "The explicit row lock is redundant: the line before it, `mark_read`, is an INSERT … ON CONFLICT DO UPDATE on the same Progress row in the same transaction, and that already locks the row until the transaction ends, so simultaneous starts queue either way (SQLite's IMMEDIATE transactions queue them too). Checked by hand on PostgreSQL: `tests/quizzes/test_concurrency.py::test_eight_threads_starting_one_quiz_share_one_attempt` passes with the lock's filter broken and fails (8 attempts instead of 1) when neither statement is there.",
    (
        "quizzes/models.py",
        "AttemptQuerySet.start",
        "learner=learner, ).exists()",
    ): "The explicit row lock is redundant: the line before it, `mark_read`, is an INSERT … ON CONFLICT DO UPDATE on the same Progress row in the same transaction, and that already locks the row until the transaction ends, so simultaneous starts queue either way (SQLite's IMMEDIATE transactions queue them too). Checked by hand on PostgreSQL: `tests/quizzes/test_concurrency.py::test_eight_threads_starting_one_quiz_share_one_attempt` passes with the lock's filter broken and fails (8 attempts instead of 1) when neither statement is there.",
    (
        "quizzes/models.py",
        "Attempt.finish",
        "if not Attempt.objects.filter(pk=self.pk, ).update(",
    ): "Unreachable: a few lines above, `open_for_update(self).exists()` took the attempt's row lock and found it open, in the same transaction, so the guarded UPDATE always changes exactly one row; finishing twice is refused by that check (tests/quizzes/test_attempt_rules.py::test_finishing_twice_changes_nothing_the_second_time).",
    (
        "quizzes/models.py",
        "Attempt.finish",
        "return True",
    ): "Unreachable: a few lines above, `open_for_update(self).exists()` took the attempt's row lock and found it open, in the same transaction, so the guarded UPDATE always changes exactly one row; finishing twice is refused by that check (tests/quizzes/test_attempt_rules.py::test_finishing_twice_changes_nothing_the_second_time).",
    (
        "quizzes/models.py",
        "ProgressQuerySet.mark_read",
        '"values (%s, %s, %s, 0) on conflict (learner_id, section_id) "',
    ): "SQL keywords are case-insensitive: the same statement.",
    (
        "quizzes/quality.py",
        "check_absolute_words",
        'right = item.right[0].text.strip().casefold() if item.right else "XXXX"',
    ): 'With no right option, any text other than "false" means the same thing: the statement is not known to be false, so no warning.',
    (
        "quizzes/quality.py",
        "_right_positions",
        "index for index, option in enumerate(item.options, ) if option.is_correct",
    ): "The positions are only compared with one another (is there one position for every question?); numbering from 0 or 2 instead of 1 shifts them all alike.",
    (
        "quizzes/quality.py",
        "_right_positions",
        "index for index, option in enumerate(item.options, start=2) if option.is_correct",
    ): "The positions are only compared with one another (is there one position for every question?); numbering from 0 or 2 instead of 1 shifts them all alike.",
    (
        "quizzes/quality.py",
        "check_quiz",
        "return sorted(warnings, key=lambda warning: order.get(warning.key, None))",
    ): "Every warning in the list belongs to one of the quiz's items, so its key is always in `order` and the default is never used.",
    (
        "quizzes/quality.py",
        "check_quiz",
        "return sorted(warnings, key=lambda warning: order.get(warning.key, ))",
    ): "Every warning in the list belongs to one of the quiz's items, so its key is always in `order` and the default is never used.",
    (
        "quizzes/grading.py",
        "normalize_typed",
        "if text.startswith(article) and len(text) >= len(article):",
    ): "Each article ends in a space and the text was stripped just before, so a text that starts with an article is always longer than it: `>` and `>=` never differ.",
    (
        "quizzes/grading.py",
        "_ungroup",
        'sign = candidate[:1] if candidate[:1] in "XX+-XX" else ""',
    ): "`candidate[:1]` is one character or empty; the only extra character the mutant accepts as a sign is X, and a number starting with X is refused either way (it is not a grouped number, and `_NUMBER` refuses the X afterwards).",
    (
        "quizzes/grading.py",
        "parse_number",
        'if not re.fullmatch(r"[+-]?\\d{1,3}(?:\\u066C\\d{3})+(?:[.,]\\d+)?", text):',
    ): "`\\u066C` and `\\u066c` are the same escape in a regular expression: the same character.",
    (
        "quizzes/grading.py",
        "parse_number",
        'decimal_sign = "," if text.find(",") > text.rfind(".") else "."',
    ): "Both signs are present, so their last positions differ; and since a decimal sign that appears twice is refused on the next line, the decimal sign is the only one of its kind: first and last occurrence are the same, and any mix the mutant reads differently is refused by the original and the mutant alike.",
    (
        "quizzes/grading.py",
        "parse_number",
        'decimal_sign = "," if text.rfind(",") >= text.rfind(".") else "."',
    ): "Both signs are present, so their last positions differ; and since a decimal sign that appears twice is refused on the next line, the decimal sign is the only one of its kind: first and last occurrence are the same, and any mix the mutant reads differently is refused by the original and the mutant alike.",
    (
        "quizzes/grading.py",
        "parse_number",
        'decimal_sign = "," if text.rfind(",") > text.find(".") else "."',
    ): "Both signs are present, so their last positions differ; and since a decimal sign that appears twice is refused on the next line, the decimal sign is the only one of its kind: first and last occurrence are the same, and any mix the mutant reads differently is refused by the original and the mutant alike.",
    (
        "quizzes/grading.py",
        "parse_number",
        "integer, _, fraction = text.partition(decimal_sign)",
    ): "Both signs are present, so their last positions differ; and since a decimal sign that appears twice is refused on the next line, the decimal sign is the only one of its kind: first and last occurrence are the same, and any mix the mutant reads differently is refused by the original and the mutant alike.",
    (
        "quizzes/grading.py",
        "parse_number",
        'group_sign = "." if (decimal_sign == ",") or True else ","',
    ): "`_ungroup` turns the group sign into a comma before checking the groups; a comma group sign is thus a no-op replace, and so is the mutant's when the text is grouped with commas (the only case where the original passes a comma), so the same text is checked and the same number comes out.",
    (
        "quizzes/grading.py",
        "parse_number",
        'group_sign = "." if decimal_sign == "," else "XX,XX"',
    ): "`_ungroup` turns the group sign into a comma before checking the groups; a comma group sign is thus a no-op replace, and so is the mutant's when the text is grouped with commas (the only case where the original passes a comma), so the same text is checked and the same number comes out.",
    (
        "quizzes/grading.py",
        "parse_number",
        'sign = "," if ("," in text) and False else "."',
    ): "`_ungroup` turns the group sign into a comma before checking the groups; a comma group sign is thus a no-op replace, and so is the mutant's when the text is grouped with commas (the only case where the original passes a comma), so the same text is checked and the same number comes out.",
    (
        "quizzes/grading.py",
        "parse_number",
        'sign = "XX,XX" if "," in text else "."',
    ): "`_ungroup` turns the group sign into a comma before checking the groups; a comma group sign is thus a no-op replace, and so is the mutant's when the text is grouped with commas (the only case where the original passes a comma), so the same text is checked and the same number comes out.",
    (
        "quizzes/grading.py",
        "parse_number",
        'sign = "," if "XX,XX" in text else "."',
    ): "`_ungroup` turns the group sign into a comma before checking the groups; a comma group sign is thus a no-op replace, and so is the mutant's when the text is grouped with commas (the only case where the original passes a comma), so the same text is checked and the same number comes out.",
    (
        "quizzes/grading.py",
        "parse_number",
        "return value if (value.is_finite()) or True else None",
    ): "Unreachable: `_NUMBER` admits only digits (no inf or NaN), and an exponent too large for Decimal raises InvalidOperation, which returns None above; every value here is finite.",
    (
        "quizzes/grading.py",
        "edit_distance",
        "previous2: list[int] = None",
    ): "Read only from the second letter on (`i > 1`), when it already holds the row before last.",
    (
        "quizzes/grading.py",
        "edit_distance",
        "current = [i] + [1] * len(b)",
    ): "Every cell after the first is written before it is read (`current[j - 1]` is the cell just written), so its starting value never counts.",
    (
        "quizzes/grading.py",
        "_slip_in_long_word",
        "(i for i, (x, y) in enumerate(zip(typed, expected, strict=None)) if x != y),",
    ): "`zip` without `strict` and with `strict=False` or `strict=None` are the same thing.",
    (
        "quizzes/grading.py",
        "_slip_in_long_word",
        "(i for i, (x, y) in enumerate(zip(typed, expected, )) if x != y),",
    ): "`zip` without `strict` and with `strict=False` or `strict=None` are the same thing.",
    (
        "quizzes/grading.py",
        "near_miss",
        "words = normalize_typed(choice.text).split(None)",
    ): 'The normalised text has single spaces and no spaces at either end, so splitting on whitespace gives the same words, except for an empty text ([] against [""]), where both join to "" and no word is long enough for a near miss.',
    (
        "quizzes/interchange/gift.py",
        "_Invalid.__init__",
        "super().__init__(None)",
    ): "The exception's own args are never read: `_parse_block` reports `exc.message` and `exc.code`.",
    (
        "quizzes/interchange/gift.py",
        "parse_gift",
        'question = ""',
    ): 'Only tested for truth (`if question and not errors`): "" and None are both false.',
    (
        "quizzes/interchange/gift.py",
        "_blocks",
        "start = None",
    ): "`start` is always set at a block's first line, before a block can be yielded; the first value is never used.",
    (
        "quizzes/interchange/gift.py",
        "_blocks",
        "start = 1",
    ): "`start` is always set at a block's first line, before a block can be yielded; the first value is never used.",
    (
        "quizzes/interchange/gift.py",
        "_parse_block",
        'line=line, name=None, kind="", idnumber=idnumber, tags=tags, category=category',
    ): "A placeholder: `_parse_question` always sets the kind and, when the block had no `::name::`, the name, before the question is used; on an error the question is dropped and its title computed separately.",
    (
        "quizzes/interchange/gift.py",
        "_parse_block",
        'line=line, name="", kind=None, idnumber=idnumber, tags=tags, category=category',
    ): "A placeholder: `_parse_question` always sets the kind and, when the block had no `::name::`, the name, before the question is used; on an error the question is dropped and its title computed separately.",
    (
        "quizzes/interchange/gift.py",
        "_parse_block",
        'line=line, name="", kind="XXXX", idnumber=idnumber, tags=tags, category=category',
    ): "A placeholder: `_parse_question` always sets the kind and, when the block had no `::name::`, the name, before the question is used; on an error the question is dropped and its title computed separately.",
    (
        "quizzes/interchange/gift.py",
        "_parse_question",
        "elif start < 0 or end <= start:",
    ): "`{` and `}` are different characters, so their first positions are never equal.",
    (
        "quizzes/interchange/gift.py",
        "_parse_question",
        'elif answers.split("#", )[0].strip(PHP_WHITESPACE) in _TRUE_FALSE:',
    ): "Only the first piece of the split is used, and it is the same whatever the limit.",
    (
        "quizzes/interchange/gift.py",
        "_parse_question",
        'elif answers.split("#", 2)[0].strip(PHP_WHITESPACE) in _TRUE_FALSE:',
    ): "Only the first piece of the split is used, and it is the same whatever the limit.",
    (
        "quizzes/interchange/gift.py",
        "_answer",
        "answer = ParsedAnswer(None, fraction)",
    ): "A placeholder: the next line replaces the text before anything reads it.",
    (
        "quizzes/interchange/gift.py",
        "_answer",
        'answer = ParsedAnswer("XXXX", fraction)',
    ): "A placeholder: the next line replaces the text before anything reads it.",
    (
        "quizzes/interchange/gift.py",
        "_short",
        'None, "A short-answer question needs at least 1 answer."',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"answer-count", None',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"A short-answer question needs at least 1 answer."',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"answer-count", )',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"XXanswer-countXX", "A short-answer question needs at least 1 answer."',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"ANSWER-COUNT", "A short-answer question needs at least 1 answer."',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"answer-count", "XXA short-answer question needs at least 1 answer.XX"',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"answer-count", "a short-answer question needs at least 1 answer."',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_short",
        '"answer-count", "A SHORT-ANSWER QUESTION NEEDS AT LEAST 1 ANSWER."',
    ): 'Unreachable: splitting on = always gives at least one piece, and each piece is either an answer or an "empty-answer" error, so a short-answer question never reaches this check without answers ("Q{=}" is reported as "An answer has no text.").',
    (
        "quizzes/interchange/gift.py",
        "_plain",
        'return "0" if number == 0 else format(number.normalize(), "F")',
    ): '"F" differs from "f" only for infinity and NaN, which no parsed or stored number is.',
    (
        "quizzes/interchange/gift.py",
        "_export",
        'return "XXXX".join(out) + f"$CATEGORY: {_one_line(question.category)}\\n\\n"',
    ): "At that point `out` holds at most the one header line, and joining one item uses no separator.",
    (
        "quizzes/interchange/gift.py",
        "_write_essay",
        'return "{" + _general_feedback(question, None) + "}\\n"',
    ): 'The indent is only tested for truth: None and "" both write the feedback without one.',
    (
        "quizzes/interchange/gift.py",
        "_write_multichoice",
        "right[-1] = None",
    ): "Only tested for truth (`if is_right`): None and False both write the answer with ~.",
    (
        "quizzes/interchange/gift.py",
        "_write_multichoice",
        "for answer, is_right in zip(question.answers, right, strict=None):",
    ): "`right` is built from `question.answers`, one item each, so the lengths always match and `strict` has nothing to check.",
    (
        "quizzes/interchange/gift.py",
        "_write_multichoice",
        "for answer, is_right in zip(question.answers, right, ):",
    ): "`right` is built from `question.answers`, one item each, so the lengths always match and `strict` has nothing to check.",
    (
        "quizzes/interchange/gift.py",
        "_write_multichoice",
        "for answer, is_right in zip(question.answers, right, strict=False):",
    ): "`right` is built from `question.answers`, one item each, so the lengths always match and `strict` has nothing to check.",
    (
        "quizzes/models.py",
        "AttemptQuerySet._start_locked",
        "attempt.save(force_insert=False)",
    ): "The new attempt has no primary key yet, so Django inserts it straight away either way; `force_insert` only skips the UPDATE tried first for a row that already has a key.",
    (
        "quizzes/interchange/aiken.py",
        "_escape",
        "return html.escape(text, quote=None)",
    ): "`quote` is only tested for truth: None and False both leave quotes as they are.",
    (
        "quizzes/interchange/aiken.py",
        "parse_aiken",
        "def parse_aiken(data: str | bytes, *, nearest_grade: bool = True) -> ParseResult:",
    ): "Aiken has no weights, so `nearest_grade` is accepted (for the same call as GIFT's) and never read.",
    (
        "quizzes/interchange/aiken.py",
        "parse_aiken",
        'index = ord(letter) - ord("A") if letter else -2',
    ): "Any negative index is refused the same way (`not 0 <= index`): -1 and -2 give the same error.",
    (
        "quizzes/interchange/gift.py",
        "_comment_marks",
        "return _COMMENT_TAG.findall(comment, 0, )",
    ): "The same marks: every mark ends with a `]`, so none lies past the last one. Searching the whole line only costs time on a line of many unclosed `[tag:` (quadratic instead of linear), not a different result.",
    (
        "quizzes/interchange/gift.py",
        "_comment_marks",
        'return _COMMENT_TAG.findall(comment, 1, comment.rfind("]") + 1)',
    ): "A comment line starts with `//`, so no mark can start at its first character.",
    (
        "quizzes/interchange/gift.py",
        "_comment_marks",
        'return _COMMENT_TAG.findall(comment, 0, comment.rfind("]") + 2)',
    ): "Every mark ends with a `]`, so one more character after the last `]` adds no match.",
    (
        "quizzes/interchange/gift.py",
        "_write_true_false",
        'return out + _general_feedback(question, None) + "}\\n"',
    ): "`_general_feedback` only tests its indent for truth: None and an empty string both write `####text` with no indent and no line break.",
    (
        "quizzes/interchange/gift.py",
        "_true_false",
        "correct = _TRUE_FALSE[token.strip(None)]",
    ): "The caller sends a block here only when this token, trimmed as PHP trims, is T, TRUE, F or FALSE; stripping every kind of whitespace instead removes nothing more from it.",
    (
        "quizzes/interchange/gift.py",
        "_parse_block",
        "name=None,",
    ): "A question without `::name::` is always named after its text (`if not question.name:` in `_parse_question`, which treats None and an empty string alike); a question that fails is discarded, so the starting value is never seen.",
    (
        "quizzes/interchange/gift.py",
        "_parse_block",
        "kind=None,",
    ): "Every way through `_parse_question` sets the kind, and a question it refuses is discarded: the starting value is never seen.",
    (
        "quizzes/interchange/gift.py",
        "_parse_block",
        'kind="XXXX",',
    ): "Every way through `_parse_question` sets the kind, and a question it refuses is discarded: the starting value is never seen.",
}
