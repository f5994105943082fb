from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHER_PERMISSIONS = [
    ("quizzes", "quiz", ["view", "change"]),
    ("quizzes", "question", ["view", "add", "change"]),
    ("quizzes", "choice", ["view", "add", "change", "delete"]),
    ("quizzes", "attempt", ["view"]),
    ("quizzes", "answer", ["view"]),
    ("quizzes", "progress", ["view"]),
    ("relations", "article", ["view"]),
    ("relations", "section", ["view"]),
]


def create_teachers_group(apps, schema_editor):
    # Permissions are normally created after migrate; teachers need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Teachers")
    for app_label, model, actions in TEACHER_PERMISSIONS:
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def remove_teachers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Teachers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("relations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_teachers_group, remove_teachers_group)]
