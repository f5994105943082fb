from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0008_mastery_review")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="quality_dismissals",
            field=models.JSONField(
                blank=True,
                db_default={},
                default=dict,
                editable=False,
                help_text="Warning code → why it does not apply, who said so and when.",
                verbose_name="dismissed quality warnings",
            ),
        ),
    ]
