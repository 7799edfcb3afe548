"""OpenAPI generation: every operation gets a summary and its error responses, in one place,
and the schema says exactly what the server takes, so that clients generated from it are right.

Views describe their happy path with @extend_schema; the errors every endpoint shares (bad input,
no or bad credentials, not allowed, not found, wrong content type, throttled) are added here from
what the operation is, all with the one error body of the project. Where drf-spectacular's
defaults say less or other than the server does, this module says it instead: ids in paths are
integers, the ordering is a list sent as repeated parameters, a decimal string has the pattern
the server checks, a text field that is trimmed may not be only whitespace, and a request line
too long for the server (414) is an answer of every operation that takes parameters.
"""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from . import fields
from .filters import OrderingFilter

# What a route's lookup_value_regex = "[0-9]+" becomes in the schema without this module.
DIGITS = "^[0-9]+$"
# What the HTTP server says to a request line longer than it reads (gunicorn: 4094 bytes).
TOO_LONG = "The path and query string are too long: send shorter parameters."
# A text field REST framework trims (trim_whitespace) and refuses blank: some non-space in it.
NOT_BLANK = r"\S"


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="A stable, machine-readable error code.")
    message = serializers.CharField(help_text="What went wrong, for a human.")
    # Declared fields are collected by the metaclass: this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "For invalid data: the messages of each field (`non_field_errors` for others); "
            "nested fields by their dotted path, such as `tags.0`."
        ),
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="When throttled: seconds to wait before trying again."
    )


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()


class AutoSchema(openapi.AutoSchema):
    def get_summary(self) -> str | None:
        """The first line of the action's docstring (the rest stays the description)."""
        return self._docstring().partition("\n")[0].strip() or None

    def get_description(self) -> str:  # type: ignore[override]
        return self._docstring().partition("\n")[2].strip()

    def _docstring(self) -> str:
        action = getattr(self.view, getattr(self.view, "action", None) or self.method.lower())
        return (action.__doc__ or self.view.__class__.__doc__ or "").strip()

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status, description in self._error_statuses().items():
            if str(status) not in responses:
                response = OpenApiResponse(ErrorSerializer, description=description)
                code = str(status)
                responses[code] = self._get_response_for_code(response, code)  # type: ignore[no-untyped-call]
        if "{" in self.path or self._is_list_view():
            # Answered by the server in front of Django (gunicorn, uvicorn), not in JSON.
            responses.setdefault("414", {"description": TOO_LONG})
        return responses

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)  # type: ignore[no-untyped-call]
        for parameter in parameters:
            # An id in a route that only matches digits: an integer, as in <int:pk> routes, so
            # that every operation of a generated client takes ids of one type.
            if parameter["schema"].get("pattern") == DIGITS:
                parameter["schema"] = build_basic_type(OpenApiTypes.INT)
        return parameters

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(  # type: ignore[no-untyped-call]
            field, direction, bypass_extensions
        )
        trimmed_and_required = (
            isinstance(field, serializers.CharField)
            and field.trim_whitespace
            and not field.allow_blank
        )
        # A field with a pattern of its own (a RegexField) gets that one, from its validator.
        has_pattern = "pattern" in schema or any(
            isinstance(validator, RegexValidator) for validator in field.validators
        )
        if direction == "request" and trimmed_and_required and not has_pattern:
            schema["pattern"] = NOT_BLANK
        return schema

    def _error_statuses(self) -> dict[int, str]:
        has_body = self.method in ("POST", "PUT", "PATCH")
        permissions = self.view.get_permissions()
        public = not permissions or any(isinstance(p, AllowAny) for p in permissions)
        statuses: dict[int, str] = {}
        filters = self._get_filter_parameters()  # type: ignore[no-untyped-call]
        if has_body or filters or self._is_list_view():
            statuses[400] = "The data or a query parameter is not valid (see `fields`)."
        statuses[401] = "No credentials, or invalid or expired ones."
        if not public:
            statuses[403] = "Signed in, but not allowed to do this."
        if "{" in self.path or self._is_list_view():
            statuses[404] = "No such object (or no such page)."
        if has_body:
            statuses[415] = "The body is not application/json."
        statuses[429] = "Too many requests: wait `retry_after` seconds."
        return statuses


class DecimalStringExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """fields.DecimalField: the pattern it checks, rather than drf-spectacular's looser one
    (which lets through "", "-" and negative numbers)."""

    target_class = fields.DecimalField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return {"type": "string", "format": "decimal", "pattern": self.target.pattern}


class FilterExtension(DjangoFilterExtension):
    """django-filter's parameters as drf-spectacular documents them, except the ordering of
    filters.py: repeated (`explode`, OpenAPI's default, the way generated clients send a list),
    with as many keys at most as there are fields, and names for each key."""

    priority = 1

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().resolve_filter_field(  # type: ignore[no-untyped-call]
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            # An annotated filter's help text, which drf-spectacular reads only for the others.
            if not parameter.get("description") and filter_field.extra.get("help_text"):
                parameter["description"] = str(filter_field.extra["help_text"])
        if isinstance(filter_field, OrderingFilter):
            for parameter in parameters:
                parameter["explode"] = True
                parameter["schema"]["maxItems"] = filter_field.max_keys
                # Names for generated enums: PRICE_DESC rather than VALUE_2 for "-price".
                keys = parameter["schema"]["items"]["enum"]
                parameter["schema"]["items"]["x-enum-varnames"] = [
                    key.lstrip("-").upper() + ("_DESC" if key.startswith("-") else "")
                    for key in keys
                ]
        return parameters
