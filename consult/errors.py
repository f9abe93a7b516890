"""The two ways an action refuses: bad input (Invalid, shown at its field) and no permission (Denied)."""
from __future__ import annotations


class Invalid(Exception):
    """Input that breaks a business rule; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Denied(Exception):
    """The actor may not do this (checked again at the moment of the write)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
