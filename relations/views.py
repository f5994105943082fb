from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from relations.forms import SignupForm


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
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "quizzes:home")
    else:
        form = SignupForm()
    return TemplateResponse(
        request, "registration/signup.html", {"form": form, "next": next_url}
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return TemplateResponse(request, "400.html", status=400)
