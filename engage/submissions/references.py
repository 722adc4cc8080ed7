"""Reference codes and passphrases for following a submission up."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from engage.extensions import db
from engage.submissions.models import Kind, Submission

# Crockford's base32 without I, L, O and U: nothing to misread when copied from a screen.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOK_ALIKES = str.maketrans("OIL", "011")
_PREFIX = {Kind.IDEA: "ID", Kind.CONCERN: "CN"}


def new_reference(kind: Kind) -> str:
    while True:
        body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        reference = f"{_PREFIX[kind]}-{body[:4]}-{body[4:]}"
        if (
            db.session.scalar(select(Submission.id).where(Submission.reference == reference))
            is None
        ):
            return reference


def normalise_reference(text: str) -> str:
    """Accept what people type: lower case, spaces, missing dashes, O for 0 and I/L for 1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(_LOOK_ALIKES)
    if len(cleaned) != 10:
        return cleaned
    prefix = cleaned[:2].replace("0", "O").replace("1", "I")
    return f"{prefix}-{cleaned[2:6]}-{cleaned[6:]}"
