from typing import Any

from rest_framework import serializers

from ..models import User


class UserOutputSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    date_joined = serializers.DateTimeField()


class TokenPairSerializer(serializers.Serializer[Any]):
    access = serializers.CharField(help_text="Send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(help_text="Trade for a new pair before it expires.")


class RefreshTokenSerializer(serializers.Serializer[Any]):
    refresh = serializers.CharField()
