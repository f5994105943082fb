from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def flag_questions_of_edited_lesson(sender, instance, raw=False, **kwargs):
    """A lesson edit may remove a question's source quote: keep "Needs review" true.

    A signal because `relations` may not import `quizzes`, and lessons are saved from
    several places (admin, its inlines, import_article, the shell).
    """
    if raw:
        return
    from quizzes.models import Question

    Question.objects.current().filter(quiz__section=instance).refresh_review_flags()


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes and progress")

    def ready(self):
        from django.db.backends.signals import connection_created

        from quizzes import pages

        connection_created.connect(pages.install, dispatch_uid="quizzes.pages.install")
        post_save.connect(
            flag_questions_of_edited_lesson,
            sender="relations.Section",
            dispatch_uid="quizzes.flag_questions_of_edited_lesson",
        )
