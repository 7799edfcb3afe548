"""Request fields that take exactly what the OpenAPI schema says, and nothing that would fail.

REST framework's fields convert what they can: a CharField takes 5 as "5", an IntegerField takes
"5" and 5.0, a DecimalField takes the float 9.99. The schema says string, integer and a decimal
string, so a client generated from it never sends anything else; a body of another type is a
client's bug, and accepting it makes the schema wrong about the server. These fields answer 400
instead. Input serializers use them in place of REST framework's; output serializers need not.
"""

import re
from decimal import Decimal
from typing import Any

from rest_framework import serializers

# The largest id a BigAutoField (DEFAULT_AUTO_FIELD) holds.
MAX_ID = 2**63 - 1


class CharField(serializers.CharField):
    """A JSON string. As REST framework's: trimmed, and never blank unless allow_blank."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RegexField(serializers.RegexField):
    """A JSON string that matches `regex` once trimmed (the schema gives the same pattern)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    """A JSON integer: not a string of digits, a float or a boolean."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(IntegerField):
    """An object's id: a JSON integer from 1 to MAX_ID (a larger one would overflow the query)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class DecimalField(serializers.DecimalField):
    """A decimal number as a JSON string of digits, such as "9.99": never a JSON number, which
    clients parse as a binary float and round.

    `pattern` is what the schema documents (core/api/schema.py) and what is checked here: up to
    max_digits - decimal_places digits before the point, up to decimal_places after it, and a
    minus sign only when min_value allows negative numbers.
    """

    default_error_messages = {
        "invalid": 'Send the number as a string of digits, such as "9.99".',
    }

    def __init__(self, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        super().__init__(max_digits, decimal_places, **kwargs)
        sign = "" if self.min_value is not None and self.min_value >= 0 else "-?"
        whole = "[0-9]{1," + str(max_digits - decimal_places) + "}"
        fraction = r"(?:\.[0-9]{1," + str(decimal_places) + "})?" if decimal_places else ""
        self.pattern = "^" + sign + whole + fraction + "$"

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or not re.search(self.pattern, data):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONObjectField(serializers.DictField):
    """A JSON object of any depth, without the NUL character in any key or text.

    PostgreSQL stores no NUL in a JSON column (nor in a text one, which REST framework's
    CharField guards): it would fail the write with a 500. Here it is a 400.
    """

    default_error_messages = {"nul": "No key or text may hold the NUL character (\\u0000)."}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value: dict[str, Any] = super().to_internal_value(data)
        if _holds_nul(value):
            self.fail("nul")
        return value


def _holds_nul(value: Any) -> bool:
    # A loop, not a recursion: the body may nest as deep as the JSON parser allows.
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, str) and "\x00" in current:
            return True
        if isinstance(current, dict):
            pending += [*current.keys(), *current.values()]
        elif isinstance(current, list):
            pending += current
    return False
