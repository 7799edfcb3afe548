from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The project's user. Add fields here; AUTH_USER_MODEL points at this model."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username
