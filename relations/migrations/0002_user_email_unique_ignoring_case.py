"""One account per email address, whatever its case: a unique index on lower(email).

Django's User keeps email optional and not unique, so the rule is an index on auth's
table (partial: blank addresses may repeat). Accounts made before the rule may share an
address: the oldest account keeps it, the later ones have it cleared (their owners can
set it again on an account of their own), so that the index can be built.
"""

from django.db import migrations

INDEX = "auth_user_email_unique_ignoring_case"


def clear_repeated_emails(apps, schema_editor):
    User = apps.get_model("auth", "User")
    seen = set()
    repeated = []
    for pk, email in (
        User.objects.exclude(email="").order_by("pk").values_list("pk", "email")
    ):
        key = email.lower()
        if key in seen:
            repeated.append(pk)
        seen.add(key)
    User.objects.filter(pk__in=repeated).update(email="")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("relations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_repeated_emails, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (LOWER(email)) WHERE email <> ''",
            f"DROP INDEX {INDEX}",
        ),
    ]
