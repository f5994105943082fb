"""The teacher's question editor's choice rows (the question's own form is
`quizzes.forms.QuestionForm`), and the import form."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from quizzes import quality, services
from quizzes.forms import CreditField, QuestionForm
from quizzes.interchange import FORMATS
from quizzes.kinds import KINDS
from quizzes.models import Choice, Question, Quiz
from relations.text import too_big_message

ROW_FIELDS = (
    "id",
    "text",
    "is_correct",
    "feedback",
    "value",
    "tolerance",
    "match_text",
    "credit",
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
    credit = CreditField()
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
            if "credit" not in self.editor.fields:
                data["credit"] = None
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
            "credit": choice.credit,
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


def paste_limit() -> int:
    """The most bytes of pasted text: the import limit, and within what Django reads of
    a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE) with room for the rest of the form."""
    return min(settings.IMPORT_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 4096)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class ImportForm(forms.Form):
    """A file or pasted text to preview, or (to import it) the previewed one kept on
    the server."""

    format = forms.ChoiceField(
        label=_("Format"), choices=list(FORMATS.items()), initial="gift"
    )
    file = forms.FileField(label=_("File"), required=False)
    text = forms.CharField(
        label=_("Or paste the questions"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
    upload = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("UTF-8, up to %(size)s.") % {
            "size": _megabytes(settings.IMPORT_MAX_BYTES)
        }
        self.fields["text"].help_text = _(
            "Up to %(size)s; a larger bank as a file."
        ) % {"size": _megabytes(paste_limit())}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            # Its size is known before a byte of it is read.
            too_big = too_big_message(upload.size, settings.IMPORT_MAX_BYTES)
            if too_big:
                raise ValidationError(too_big, code="too_big")
        return upload

    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        size = len(text.encode())
        if size > paste_limit():
            raise ValidationError(
                _(
                    "The pasted text is %(size)s; up to %(limit)s can be pasted."
                    " Upload it as a file, or split it."
                )
                % {"size": _megabytes(size), "limit": _megabytes(paste_limit())},
                code="too_big",
            )
        return text if text.strip() else ""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("file") and data.get("text"):
            raise ValidationError(
                _("Choose a file or paste text, not both."), code="file_and_text"
            )
        if not (data.get("file") or data.get("text") or data.get("upload")):
            raise ValidationError(
                _("Choose a file or paste the questions to import."), code="no_file"
            )
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


class DismissWarningForm(forms.Form):
    """One quality warning, and why it does not apply to this question."""

    code = forms.ChoiceField(
        label=_("Warning"),
        choices=[(code, title) for code, title in quality.TITLES.items()],
        error_messages={"invalid_choice": _("Choose one of the quality warnings.")},
    )
    reason = forms.CharField(
        label=_("Why it does not apply here"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the warning does not apply to this question.")
        },
    )


class QuestionFilterForm(forms.Form):
    """The question list's search and filters (a GET form: the URL says what is shown)."""

    q = forms.CharField(
        label=_("Search the questions"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Question.Status.choices],
        widget=forms.Select(attrs={"class": "auto-filter"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *Question.Kind.choices],
        widget=forms.Select(attrs={"class": "auto-filter"}),
    )
    # With htmx, a change of these reloads the table at once (the search box waits
    # for a pause in typing); without it, the Filter button does.
    review = forms.BooleanField(
        label=_("Needs review"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "auto-filter"}),
    )
    warnings = forms.BooleanField(
        label=_("Quality warnings"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "auto-filter"}),
    )

    FIELDS = ("q", "status", "kind", "review", "warnings")

    def filters(self) -> dict:
        """The valid filters (an invalid one is dropped, and its error shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.FIELDS if name in data and data[name]}

    def apply(self, questions):
        """The questions (a QuerySet) that the database can filter."""
        found = self.filters()
        if text := found.get("q", "").strip():
            questions = questions.filter(
                models.Q(prompt__icontains=text) | models.Q(title__icontains=text)
            )
        if found.get("status"):
            questions = questions.filter(status=found["status"])
        if found.get("kind"):
            questions = questions.filter(kind=found["kind"])
        if found.get("review"):
            questions = questions.filter(needs_review=True)
        return questions

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters())


class BulkStatusForm(forms.Form):
    """Checked rows of the question list, and what to do with them."""

    ACTIONS = {
        "publish": Question.Status.PUBLISHED,
        "archive": Question.Status.ARCHIVED,
    }
    action = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("archive", _("Archive"))],
        error_messages={"invalid_choice": _("Choose publish or archive.")},
    )
    question = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={"required": _("Tick at least one question first.")},
    )

    def __init__(self, *args, quiz, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this quiz's current questions can be chosen: any other id is refused.
        self.fields["question"].choices = [
            (pk, pk) for pk in quiz.questions.current().values_list("pk", flat=True)
        ]


class QuizSettingsForm(forms.ModelForm):
    """What a teacher sets for a quiz: pass mark, feedback, attempts, visibility."""

    class Meta:
        model = Quiz
        fields = ["pass_mark", "feedback_mode", "max_attempts", "is_published"]
        widgets = {"feedback_mode": forms.RadioSelect}
        help_texts = {
            "pass_mark": _("The score, in percent, that passes the lesson (0 to 100)."),
            "is_published": _("Unticked, learners do not see the quiz."),
        }
