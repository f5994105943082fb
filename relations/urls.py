from django.contrib import admin
from django.urls import include, path

from relations import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("teach/", include("quizzes.teach.urls")),
    # Before quizzes.urls: "classes/" would otherwise read as an article's slug.
    path("", include("quizzes.classes.urls")),
    path("", include("quizzes.urls")),
]

handler400 = "relations.views.bad_request"
