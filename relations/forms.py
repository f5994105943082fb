from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EMAIL_TAKEN = _(
    "An account already uses this email address. Log in, or reset its password."
)


class UniqueEmailMixin:
    """One account per email address, whatever its case (the database holds it too)."""

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "").strip()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if email and others.exists():
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class SignupForm(UniqueEmailMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
        help_texts = {"email": _("Optional: used only to reset a forgotten password.")}


class AccountAdminForm(UniqueEmailMixin, UserChangeForm):
    """The admin's user form: the same email rule as signing up."""
