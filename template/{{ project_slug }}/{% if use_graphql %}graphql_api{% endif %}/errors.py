"""How failures reach GraphQL clients: never as a 500, always with a code to act on.

Services raise Django's exceptions; here they become GraphQL errors whose `extensions.code` is the
code the JSON views answer with (`invalid`, `permission_denied`, `not_found`), and a
ValidationError's messages per field go under `extensions.fields`. Any other exception is a bug:
it is logged with its traceback and, unless DEBUG is on, its message is replaced so that no
internals reach the client.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension


def client_error(error: BaseException) -> tuple[str, dict[str, Any]] | None:
    """The message and extensions of an error the client caused; None for any other error."""
    if isinstance(error, ValidationError):
        fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return "The data is not valid.", {"code": "invalid", "fields": fields}
    if isinstance(error, PermissionDenied):
        return str(error) or "Not allowed.", {"code": "permission_denied"}
    if isinstance(error, ObjectDoesNotExist):
        return "No such object.", {"code": "not_found"}
    return None


def is_unexpected(error: GraphQLError) -> bool:
    """A resolver failed with something other than a client's mistake: worth logging."""
    original = error.original_error
    return (
        original is not None
        and not isinstance(original, GraphQLError)
        and client_error(original) is None
    )


class DjangoErrors(SchemaExtension):
    """Rewrites the errors of each operation once it has run (after they have been logged)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [translate(error) for error in result.errors]


def translate(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error  # a syntax, validation or permission error: already meant for the client
    known = client_error(original)
    if known is None:
        if settings.DEBUG:
            return error
        known = "Unexpected error.", {"code": "internal_error"}
    message, extensions = known
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )
