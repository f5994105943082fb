"""generate_demo_data can place its learners in classes a demo teacher can open."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from quizzes.models import Classroom, Membership
from quizzes.roles import is_teacher
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = StringIO()
    call_command(
        "generate_demo_data", stdout=out, **{"learners": 7, "seed": 1, **options}
    )
    return out.getvalue()


def test_learners_are_dealt_into_classes_in_turn(client):
    output = generate(classes=3)
    rooms = list(Classroom.objects.order_by("name"))
    assert [room.name for room in rooms] == [
        "demo class 1",
        "demo class 2",
        "demo class 3",
    ]
    assert [room.memberships.count() for room in rooms] == [3, 2, 2]
    teacher = rooms[0].teachers.get()
    assert teacher.username == "demo-teacher" and is_teacher(teacher)
    assert rooms[0].join_code in output
    assert set(rooms[0].learners.values_list("username", flat=True)) == {
        "demo0001",
        "demo0004",
        "demo0007",
    }
    client.force_login(teacher)
    grid = client.get(reverse("classes:progress", args=[rooms[0].pk])).context["grid"]
    assert len(grid.rows) == 3 and grid.sections
    assert any(cell.state != "not_started" for row in grid.rows for cell in row.cells)


def test_running_again_adds_no_class_or_membership():
    generate(classes=2)
    generate(classes=2)
    assert Classroom.objects.count() == 2
    assert Membership.objects.count() == 7


def test_an_existing_teacher_can_own_the_classes():
    owner = make_user("ms-lee", teacher=True)
    generate(classes=1, teacher="ms-lee")
    assert Classroom.objects.get().teachers.get() == owner


def test_a_student_cannot_own_the_classes():
    make_user("pupil")
    with pytest.raises(CommandError, match="No teacher"):
        generate(classes=1, teacher="pupil")


def test_without_the_option_no_class_is_made():
    generate()
    assert not Classroom.objects.exists()
