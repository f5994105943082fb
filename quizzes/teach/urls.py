from django.urls import path

from quizzes.teach import views

app_name = "teach"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.gift", views.export_all, name="export_all"),
    path("lessons/<int:section_id>/quiz", views.quiz_create, name="quiz_create"),
    path("quizzes/<int:quiz_id>/", views.quiz_detail, name="quiz_detail"),
    path("quizzes/<int:quiz_id>/results", views.quiz_results, name="quiz_results"),
    path("quizzes/<int:quiz_id>/settings", views.quiz_settings, name="quiz_settings"),
    path("quizzes/<int:quiz_id>/bulk", views.questions_bulk, name="questions_bulk"),
    path("quizzes/<int:quiz_id>/new", views.question_edit, name="question_new"),
    path("quizzes/<int:quiz_id>/import", views.import_file, name="import_file"),
    path(
        "quizzes/<int:quiz_id>/export.<str:file_format>",
        views.export_quiz,
        name="export_quiz",
    ),
    path("questions/<int:question_id>/edit", views.question_edit, name="question_edit"),
    path(
        "questions/<int:question_id>/preview",
        views.question_preview,
        name="question_preview",
    ),
    path(
        "questions/<int:question_id>/status",
        views.question_status,
        name="question_status",
    ),
    path(
        "questions/<int:question_id>/delete",
        views.question_delete,
        name="question_delete",
    ),
    path(
        "questions/<int:question_id>/dismiss-warning",
        views.question_dismiss_warning,
        name="question_dismiss_warning",
    ),
]
