"""The question form and the credit field, shared by the teacher's editor (Teach) and
the admin."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quizzes.models import Question
from relations.markup import contains_quote


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
