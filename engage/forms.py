"""Form pieces shared by every domain."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from wtforms import Field, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

# The date field every form uses, given from here with the other shared pieces.
from engage.date_input import DateInputField as DateInputField


def clean_text(value: Any) -> Any:
    """Normalise Unicode (NFC) and drop control characters other than newlines and tabs.

    Stored text is rendered escaped anyway; this keeps invisible characters (bidi overrides,
    NULs that PostgreSQL refuses) out of the database.
    """
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    return "".join(
        ch
        for ch in value
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    ).strip()


class NotBlank:
    """DataRequired that gives the field's own message and accepts only visible text."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: Any, field: Field) -> None:
        if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
            field.errors[:] = []
            raise ValidationError(self.message)


def int_or_none(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def show_service_error(form: Any, error: Any) -> None:
    """Put a service's ValidationFailed beside its field (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*list(field.errors), error.message]
    else:
        form.form_errors.append(error.message)


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """Choices for select, radio and checkbox fields, from (value, label) pairs."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def written(
    field: type[Field],
    label: str,
    *,
    noun: str,
    maximum: int,
    blank: str | None = None,
    description: str = "",
    too_long: str | None = None,
    field_id: str | None = None,
) -> Any:
    """A text field as every engage form has it: cleaned of invisible characters, refused
    when blank (if `blank` says how to ask), and limited with the same message everywhere,
    "Title must be 120 characters or fewer". Optional ones get no Optional() validator, which
    would stop the form's own `validate_<field>` checks from running on an empty value.
    `field_id` is for two forms on one page with fields of one name: ids must differ."""
    validators: list[Any] = [NotBlank(blank)] if blank else []
    message = too_long or f"{noun} must be {maximum} characters or fewer"
    validators.append(Length(max=maximum, message=message))
    return field(
        label, description=description, validators=validators, filters=[clean_text], id=field_id
    )
