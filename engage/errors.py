"""Exceptions that services raise and the app turns into clear pages."""

from __future__ import annotations

import traceback


class PermissionDenied(Exception):
    """The acting user may not do this; shown as a 403 page with the message."""

    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    """The record does not exist, or its existence must not be revealed."""

    def __init__(self, message: str = "Page not found.") -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(Exception):
    """A business rule refused the input; `field` names the form field it belongs beside."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def describe_for_log(error: BaseException) -> str:
    """The error's type and where it happened, without its message: a database error's message
    can quote what someone wrote (PostgreSQL's "Key (title)=(...) already exists"), and logs
    carry times that could join it to a person."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"{frames}{type(error).__module__}.{type(error).__qualname__}"
