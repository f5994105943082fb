"""The teacher's question editor's choice rows (the question's own form is
`quizzes.forms.QuestionForm`), and the import form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quizzes import services
from quizzes.forms import QuestionForm
from quizzes.interchange import FORMATS
from quizzes.kinds import KINDS
from quizzes.models import Choice, Question

ROW_FIELDS = (
    "id",
    "text",
    "is_correct",
    "feedback",
    "value",
    "tolerance",
    "match_text",
    "misconception",
)
MISCONCEPTION_LIST = "misconception-tags"


class ChoiceForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text"), max_length=1000, required=False)
    is_correct = forms.BooleanField(label=_("Right"), required=False)
    feedback = forms.CharField(
        label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    value = forms.DecimalField(
        label=_("Value"), required=False, max_digits=20, decimal_places=6
    )
    tolerance = forms.DecimalField(
        label=_("Tolerance (±)"),
        required=False,
        max_digits=20,
        decimal_places=6,
        min_value=0,
    )
    match_text = forms.CharField(label=_("Matches"), max_length=1000, required=False)
    misconception = forms.CharField(
        label=_("Misconception"),
        max_length=120,
        required=False,
        # Suggests the tags already used in the course (a <datalist>, no script).
        widget=forms.TextInput(
            attrs={"list": MISCONCEPTION_LIST, "autocomplete": "off"}
        ),
    )

    def clean(self):
        data = super().clean()
        data["misconception"] = " ".join((data.get("misconception") or "").split())
        if data.get("is_correct") and data["misconception"]:
            self.add_error(
                "misconception",
                ValidationError(
                    _(
                        "A right option holds no misconception: clear it or untick Right."
                    ),
                    code="misconception_on_right",
                ),
            )
        return data

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (
            data.get("text") or data.get("match_text") or data.get("value") is not None
        )


class BaseChoiceFormSet(forms.BaseFormSet):
    kind = Question.Kind.SINGLE

    @property
    def editor(self):
        return KINDS[self.kind].editor

    def rows(self) -> list[dict]:
        """Cleaned, non-blank rows in order, as Choice field values."""
        rows = []
        for form in self.forms:
            if not form.is_valid() or form.is_blank():
                continue
            data = {name: form.cleaned_data.get(name) for name in ROW_FIELDS}
            data["text"] = data["text"] or ""
            data["match_text"] = data["match_text"] or ""
            data["feedback"] = data["feedback"] or ""
            if "misconception" not in self.editor.fields:
                data["misconception"] = ""
            if self.editor.is_right is not None:
                data["is_correct"] = self.editor.is_right(data)
            rows.append(data)
        return rows

    def clean(self) -> None:
        if any(form.errors for form in self.forms):
            return
        if "value" in self.editor.fields:
            for form in self.forms:
                if (
                    form.cleaned_data.get("text")
                    and form.cleaned_data.get("value") is None
                ):
                    raise ValidationError(
                        _("Give each answer as a number."), code="no_number"
                    )
        choices = [
            Choice(**{k: v for k, v in row.items() if k != "id"}) for row in self.rows()
        ]
        Question(kind=self.kind).clean_choices(choices)


ChoiceFormSet = forms.formset_factory(
    ChoiceForm, formset=BaseChoiceFormSet, extra=0, max_num=30, absolute_max=40
)


def rows_from_post(data, prefix: str = "choices") -> list[dict]:
    """The choice rows as posted, in order, before validation (for row actions)."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 40)
    except ValueError:
        total = 0
    return [
        {name: data.get(f"{prefix}-{index}-{name}", "") for name in ROW_FIELDS}
        for index in range(total)
    ]


def rows_from_question(question: Question) -> list[dict]:
    return [
        {
            "id": choice.pk,
            "text": choice.text,
            "is_correct": choice.is_correct,
            "feedback": choice.feedback,
            "value": choice.value,
            "tolerance": choice.tolerance,
            "match_text": choice.match_text,
            "misconception": choice.misconception,
        }
        for choice in question.choices.all()
    ]


def apply_row_action(rows: list[dict], action: str, kind: str) -> list[dict]:
    """Add, remove or move a choice row; reset the rows when the kind changes."""
    fixed = KINDS[kind].editor.fixed_texts
    if fixed:
        if [row.get("text") for row in rows] != list(fixed):
            right = next(
                (row.get("text") for row in rows if row.get("is_correct")), fixed[0]
            )
            return [{"text": text, "is_correct": text == right} for text in fixed]
        return rows
    name, _, raw_index = action.partition("-")
    index = int(raw_index) if raw_index.isdigit() else -1
    if name == "add":
        rows = [*rows, {}]
    elif name == "remove" and 0 <= index < len(rows):
        rows = rows[:index] + rows[index + 1 :]
    elif name == "up" and 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif name == "down" and 0 <= index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return rows


def choice_formset(kind: str, *, data=None, initial=None) -> BaseChoiceFormSet:
    formset = ChoiceFormSet(data=data, initial=initial, prefix="choices")
    formset.kind = kind
    return formset


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=list(FORMATS.items()), initial="gift"
    )
    file = forms.FileField(label=_("File"), required=False)
    content = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            raw = upload.read()
            data["raw"] = raw
        elif data.get("content"):
            data["raw"] = data["content"].encode("utf-8")
        else:
            raise ValidationError(_("Choose a file to import."), code="no_file")
        return data


class QuestionEditor:
    """The teacher's editor: the question's form and its kind's choice rows.

    Unbound (GET), bound to a row action (add, remove, move a row, apply a kind: the
    rows change, nothing is saved), or bound to a save.
    """

    def __init__(self, question: Question, data=None):
        self.question = question
        self.section = question.quiz.section
        kind = data.get("kind", question.kind) if data is not None else question.kind
        self.kind = kind if kind in Question.Kind.values else question.kind
        self.editor = KINDS[self.kind].editor
        self.is_bound = data is not None
        self.row_action = data.get("row_action") if data is not None else None
        if data is None:
            self.form = QuestionForm(instance=question, section=self.section)
            rows = (
                rows_from_question(question)
                if question.pk
                else self.editor.default_rows
            )
            self.formset = choice_formset(self.kind, initial=rows)
        elif self.row_action is not None:
            rows = apply_row_action(rows_from_post(data), self.row_action, self.kind)
            self.form = QuestionForm(
                initial=data.dict(), instance=question, section=self.section
            )
            self.formset = choice_formset(self.kind, initial=rows)
        else:
            self.form = QuestionForm(data, instance=question, section=self.section)
            self.formset = choice_formset(self.kind, data=data)

    def is_valid(self) -> bool:
        return (
            self.is_bound
            and self.row_action is None
            and self.form.is_valid()
            and self.formset.is_valid()
        )

    def save(self, *, user) -> Question:
        """Save the question and its rows (a new version if learners answered it)."""
        return services.save_question(
            question=self.form.save(commit=False),
            choices=self.formset.rows(),
            user=user,
        )

    def context(self) -> dict:
        return {
            "quiz": self.question.quiz,
            "section": self.section,
            "question": self.question,
            "form": self.form,
            "formset": self.formset,
            "kind": self.kind,
            "editor": self.editor,
            "kinds": Question.Kind.choices,
            # Lazy: only the whole page lists them, not the htmx rows.
            "misconception_tags": Choice.objects.misconception_tags(
                self.section.article_id
            ),
            "misconception_list": MISCONCEPTION_LIST,
        }
