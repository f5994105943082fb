"""The question form, shared by the teacher's editor (Teach) and the admin."""

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
