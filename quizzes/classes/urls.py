"""Included at the site root: teachers' pages under teach/classes/, learners' under classes/."""

from django.urls import path, register_converter

from quizzes.classes import views


class ScopeConverter:
    """A class id, or "all" for every learner."""

    regex = "all|[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(ScopeConverter, "scope")

app_name = "classes"

urlpatterns = [
    path("classes/", views.my_classes, name="my_classes"),
    path("classes/join/", views.join, name="join"),
    path("classes/join/<str:code>/", views.join_link, name="join_link"),
    path("classes/<int:classroom_id>/leave", views.leave, name="leave"),
    path("teach/classes/", views.classroom_list, name="classroom_list"),
    path("teach/classes/new", views.classroom_create, name="classroom_create"),
    path(
        "teach/classes/<int:classroom_id>/",
        views.classroom_detail,
        name="classroom_detail",
    ),
    path(
        "teach/classes/<int:classroom_id>/edit",
        views.classroom_edit,
        name="classroom_edit",
    ),
    path(
        "teach/classes/<int:classroom_id>/delete",
        views.classroom_delete,
        name="classroom_delete",
    ),
    path(
        "teach/classes/<int:classroom_id>/teachers/<int:teacher_id>/remove",
        views.remove_teacher,
        name="remove_teacher",
    ),
    path(
        "teach/classes/<int:classroom_id>/code",
        views.regenerate_code,
        name="regenerate_code",
    ),
    path(
        "teach/classes/<int:classroom_id>/teachers",
        views.add_teacher,
        name="add_teacher",
    ),
    path(
        "teach/classes/<int:classroom_id>/learners/<int:learner_id>/remove",
        views.remove_learner,
        name="remove_learner",
    ),
    path("teach/classes/<scope:scope>/progress", views.progress, name="progress"),
    path(
        "teach/classes/<scope:scope>/progress.csv",
        views.progress_csv,
        name="progress_csv",
    ),
    path(
        "teach/classes/<scope:scope>/learners/<int:learner_id>/",
        views.learner_detail,
        name="learner_detail",
    ),
    path(
        "teach/classes/<scope:scope>/learners/<int:learner_id>/lessons/<int:section_id>/",
        views.learner_lesson,
        name="learner_lesson",
    ),
    path(
        "teach/classes/<scope:scope>/attempts/<int:attempt_id>/",
        views.attempt_review,
        name="attempt_review",
    ),
    path(
        "teach/classes/<scope:scope>/quizzes/<int:quiz_id>/statistics",
        views.quiz_statistics,
        name="quiz_statistics",
    ),
    path(
        "teach/classes/<scope:scope>/misconceptions",
        views.misconception_list,
        name="misconception_list",
    ),
    path(
        "teach/classes/<scope:scope>/lessons/<int:section_id>/coverage",
        views.lesson_coverage,
        name="lesson_coverage",
    ),
]
