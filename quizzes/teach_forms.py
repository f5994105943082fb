"""The teacher's question editor: one form for the question, one formset for its choices."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quizzes.models import Choice, Question
from relations.markup import contains_quote

TRUE_FALSE_ROWS = [{"text": "True"}, {"text": "False"}]
ROW_FIELDS = (
    "id",
    "text",
    "is_correct",
    "feedback",
    "value",
    "tolerance",
    "match_text",
    "credit",
)


class CreditField(forms.DecimalField):
    """A right option's credit in percent, 0 to 100; empty means the default (full)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Credit (%)"))
        kwargs.setdefault(
            "help_text", _("Empty for full credit; 50 for a partly right answer.")
        )
        super().__init__(
            required=False,
            min_value=0,
            max_value=100,
            max_digits=8,
            decimal_places=5,
            **kwargs,
        )

    def prepare_value(self, value):
        # "50" or "33.33333", not the column's "50.00000".
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "kind",
            "title",
            "prompt",
            "points",
            "explanation",
            "incorrect_feedback",
            "source_quote",
        ]
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
            "incorrect_feedback": forms.Textarea(attrs={"rows": 2}),
            "source_quote": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.fields["source_quote"].required = True

    def clean_source_quote(self) -> str:
        quote = self.cleaned_data["source_quote"].strip()
        if not contains_quote(self.section.body, quote):
            raise ValidationError(
                _(
                    "This phrase does not occur in the lesson “%(lesson)s”. Copy it exactly "
                    "from the lesson text shown below the form."
                ),
                params={"lesson": self.section.title},
                code="not_in_lesson",
            )
        return quote


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
    credit = CreditField()

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (
            data.get("text") or data.get("match_text") or data.get("value") is not None
        )


class BaseChoiceFormSet(forms.BaseFormSet):
    kind = Question.Kind.SINGLE

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
            if self.kind == Question.Kind.SHORT:
                data["is_correct"] = True
            if self.kind == Question.Kind.MATCHING:
                data["is_correct"] = bool(data["text"])
            if self.kind == Question.Kind.NUMERICAL:
                data["is_correct"] = data["value"] is not None
            if self.kind not in Question.CREDITED_KINDS:
                data["credit"] = None
            rows.append(data)
        return rows

    def clean(self) -> None:
        if any(form.errors for form in self.forms):
            return
        if self.kind == Question.Kind.NUMERICAL:
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
            "credit": choice.credit,
        }
        for choice in question.choices.all()
    ]


def apply_row_action(rows: list[dict], action: str, kind: str) -> list[dict]:
    """Add, remove or move a choice row; reset the rows when the kind changes."""
    if kind == Question.Kind.TRUE_FALSE:
        texts = [row.get("text") for row in rows]
        if texts != ["True", "False"]:
            right = next(
                (row.get("text") for row in rows if row.get("is_correct")), "True"
            )
            return [
                {**row, "is_correct": row["text"] == right} for row in TRUE_FALSE_ROWS
            ]
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
    FORMATS = [("gift", "GIFT"), ("aiken", "Aiken")]
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="gift")
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
