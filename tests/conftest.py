import pytest

from tests.factories import PASSWORD, make_quiz_with_questions, make_user


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests serve static files from the app folders, without a collected manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is slow by design; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: ids repeat from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def student(db):
    return make_user("student")


@pytest.fixture
def other_student(db):
    return make_user("other")


@pytest.fixture
def teacher(db):
    return make_user("teacher", teacher=True)


@pytest.fixture
def admin_user(db):
    from django.contrib.auth.models import User

    return User.objects.create_superuser("admin", "admin@example.com", PASSWORD)


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def quiz(db):
    return make_quiz_with_questions(4)


@pytest.fixture
def section(quiz):
    return quiz.section
