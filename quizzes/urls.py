from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.my_progress, name="my_progress"),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<int:attempt_id>/questions/<int:question_id>/",
        views.check_answer,
        name="check_answer",
    ),
    path(
        "attempts/<int:attempt_id>/finish", views.finish_attempt, name="finish_attempt"
    ),
    path(
        "attempts/<int:attempt_id>/results",
        views.attempt_results,
        name="attempt_results",
    ),
    path("<slug:article_slug>/", views.article_detail, name="article_detail"),
    path("<slug:article_slug>/<slug:section_slug>/", views.lesson, name="lesson"),
    path(
        "<slug:article_slug>/<slug:section_slug>/read",
        views.mark_read,
        name="mark_read",
    ),
    path(
        "<slug:article_slug>/<slug:section_slug>/quiz/start",
        views.start_quiz,
        name="start_quiz",
    ),
]
