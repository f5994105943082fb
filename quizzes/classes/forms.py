"""Forms of the classes feature: a class, a join code, a co-teacher."""

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quizzes.models import Classroom, normalize_join_code
from quizzes.roles import is_teacher
from relations.models import Article


class ClassroomForm(forms.ModelForm):
    articles = forms.ModelMultipleChoiceField(
        queryset=Article.objects.order_by("title"),
        widget=forms.CheckboxSelectMultiple,
        label=_("Articles the class studies"),
        error_messages={"required": _("Choose at least one article.")},
    )

    class Meta:
        model = Classroom
        fields = ["name", "articles"]
        labels = {"name": _("Name of the class")}
        help_texts = {"name": _("For example “Year 11 history, group B”.")}


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=40)

    def clean_code(self) -> str:
        code = normalize_join_code(self.cleaned_data["code"])
        classroom = Classroom.objects.filter(join_code=code).first()
        if classroom is None:
            raise ValidationError(
                _("No class has this code. Check it with your teacher."),
                code="unknown_code",
            )
        self.classroom = classroom
        return code


class CoTeacherForm(forms.Form):
    teacher = forms.CharField(label=_("Username or email of a teacher"), max_length=254)

    def clean_teacher(self) -> User:
        name = self.cleaned_data["teacher"].strip()
        users = list(
            User.objects.filter(
                Q(username__iexact=name) | Q(email__iexact=name), is_active=True
            )[:2]
        )
        if len(users) != 1 or not is_teacher(users[0]):
            raise ValidationError(
                _("No single teacher has this username or email."),
                code="not_a_teacher",
            )
        return users[0]
