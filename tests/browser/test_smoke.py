import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_without_errors_and_is_accessible(
    page, live_server, assert_accessible
):
    from quizzes.course import load_course

    load_course()
    page.goto(live_server.url + "/")
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Russia and Iran")
    )
    assert page.get_by_role("link", name="Sign up").first.is_visible()
    assert_accessible(page)


def test_login_page_loads_without_errors_and_is_accessible(
    page, live_server, assert_accessible
):
    page.goto(live_server.url + "/accounts/login/")
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert_accessible(page)
