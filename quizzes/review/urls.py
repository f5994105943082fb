from django.urls import path

from quizzes.review import views

app_name = "review"

urlpatterns = [
    path("", views.index, name="index"),
    path("start", views.start, name="start"),
    path("practice/<int:attempt_id>", views.practice, name="practice"),
    path("cards/<int:card_id>/", views.check, name="check"),
    path("answers/<int:log_id>/", views.answer, name="answer"),
    path("add/<int:attempt_id>/<int:question_id>", views.add, name="add"),
]
