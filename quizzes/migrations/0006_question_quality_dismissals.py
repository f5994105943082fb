from django.db import migrations, models


def apply_course_dismissals(apps, schema_editor):
    from quizzes.course import load_course

    # Creates nothing that exists; gives unedited course questions their dismissals.
    load_course(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0005_tag_first_course_misconceptions")]

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
        migrations.RunPython(apply_course_dismissals, migrations.RunPython.noop),
    ]
