from django.db import migrations


def tag_first_course(apps, schema_editor):
    from quizzes.course import tag_misconceptions

    tag_misconceptions(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_classroom_membership_misconception")]

    # Fills empty tags only; unapplying keeps them (a teacher may have edited them since).
    operations = [migrations.RunPython(tag_first_course, migrations.RunPython.noop)]
