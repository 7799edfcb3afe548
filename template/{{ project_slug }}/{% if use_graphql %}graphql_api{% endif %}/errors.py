"""How failures reach GraphQL clients: never as a 500, always with a code to act on.

Services raise Django's exceptions; core/errors.py says what each one answers, and here that
answer becomes a GraphQL error whose `extensions.code` is the code the rest of the project answers
with (`invalid`, `permission_denied`, `not_found`), with a ValidationError's messages per field
under `extensions.fields`. Any other exception is a bug: it is logged with its traceback and,
unless DEBUG is on, its message is replaced so that no internals reach the client. Both hold for
every result: a query's or mutation's, and each event of a subscription.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from ..core.errors import error_answer


def client_error(error: BaseException) -> tuple[str, dict[str, Any]] | None:
    """The message and extensions of an error the client caused; None for any other error."""
    answer = error_answer(error)
    if answer is None:
        return None
    extensions: dict[str, Any] = {"code": answer.code}
    if answer.fields is not None:
        extensions["fields"] = answer.fields
    return answer.message, extensions


def is_unexpected(error: GraphQLError) -> bool:
    """A resolver failed with something other than a client's mistake: worth logging."""
    original = error.original_error
    return (
        original is not None
        and not isinstance(original, GraphQLError)
        and client_error(original) is None
    )


class DjangoErrors(SchemaExtension):
    """Rewrites the errors of each result once they have been logged.

    A query's or mutation's result is rewritten when the operation ends, each event of a
    subscription before it is sent.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        self._translate(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._translate(result)
        yield

    @staticmethod
    def _translate(result: Any) -> None:
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
