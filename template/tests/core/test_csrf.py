"""GET /csrf/: the CSRF cookie and its token, for a browser client served on its own."""

from django.test import Client


def test_csrf_sets_the_cookie_and_returns_its_token():
    browser = Client(enforce_csrf_checks=True)

    answer = browser.get("/csrf/")

    assert answer.status_code == 200
    assert answer.json()["csrf_token"]
    assert browser.cookies["csrftoken"].value


def test_csrf_answers_get_only():
    assert Client().post("/csrf/").status_code == 405
