import uuid

from django.db import migrations, models

import quizzes.models


def give_each_chain_one_identity(apps, schema_editor):
    """Every version of a question shares the identity of its first version."""
    Question = apps.get_model("quizzes", "Question")
    identities = {}
    changed = []
    # A version always comes after its previous one in (version, pk) order.
    for question in Question.objects.order_by("version", "pk").only(
        "pk", "previous_version_id"
    ):
        identity = identities.get(question.previous_version_id) or uuid.uuid4()
        identities[question.pk] = identity
        question.identity = identity
        changed.append(question)
    Question.objects.bulk_update(changed, ["identity"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0006_import_upload"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="identity",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_chain_one_identity, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="question",
            name="identity",
            field=models.UUIDField(
                db_default=quizzes.models.RandomUUID(),
                db_index=True,
                default=uuid.uuid4,
                editable=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)),
                fields=("identity",),
                name="question_one_current_version",
            ),
        ),
    ]
