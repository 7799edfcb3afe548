"""The request id on every log record (production formats records as JSON: python-json-logger)."""

import logging

from .middleware import request_id


class RequestIDFilter(logging.Filter):
    """Adds `request_id` to every record (the current request's, or "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True
