from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from relations.forms import EMAIL_TAKEN, SignupForm


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: touches neither the database nor the session."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("quizzes:home")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        next_url = ""
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    user = form.save()
            except IntegrityError:
                # Someone signed up with the same address a moment ago (the unique index).
                form.add_error("email", EMAIL_TAKEN)
            else:
                login(request, user, backend="quizzes.roles.RoleBackend")
                return redirect(next_url or "quizzes:home")
    else:
        form = SignupForm()
    return TemplateResponse(
        request, "registration/signup.html", {"form": form, "next": next_url}
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links point at the configured site (DJANGO_SITE_URL), not the Host header."""

    def form_valid(self, form):
        if settings.SITE_URL:
            self.extra_email_context = {"site_url": settings.SITE_URL}
            self.domain_override = urlsplit(settings.SITE_URL).netloc
        return super().form_valid(form)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return TemplateResponse(request, "400.html", status=400)
