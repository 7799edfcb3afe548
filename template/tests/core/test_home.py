import pytest
from django.test import Client


@pytest.mark.django_db
def test_home_page_renders_the_project_name(client: Client, settings):
    response = client.get("/")
    assert response.status_code == 200
    assert settings.PROJECT_NAME in response.content.decode()
