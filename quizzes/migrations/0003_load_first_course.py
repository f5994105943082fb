from django.db import migrations


def load_first_course(apps, schema_editor):
    from quizzes.course import load_course

    load_course(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0002_teachers_group")]

    # Loading is idempotent; unapplying keeps the content (it may have been edited since).
    operations = [migrations.RunPython(load_first_course, migrations.RunPython.noop)]
