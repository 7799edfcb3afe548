"""OpenAPI generation: every operation gets a summary and its error responses, in one place.

Views describe their happy path with @extend_schema; the errors every endpoint shares (bad input,
no or bad credentials, not allowed, not found, wrong content type, throttled) are added here from
what the operation is, all with the one error body of the project.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


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
        return responses

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
