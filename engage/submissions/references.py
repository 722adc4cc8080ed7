"""Public reference codes, and the private follow-up codes of anonymous submissions.

The reference (CN-7KQ4-M2XD) names an item wherever it is shown: /ideas, the inbox, the audit
log. An anonymous submitter also gets a follow-up code, shown to them once, that with their
passphrase opens the item at /check; only its digest is kept.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select

from engage.extensions import db
from engage.submissions.models import Kind, Submission

# Crockford's base32 without I, L, O and U: nothing to misread when copied from a screen.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOK_ALIKES = str.maketrans("OIL", "011")
_PREFIX = {Kind.IDEA: "ID", Kind.CONCERN: "CN"}


def random_reference(kind: Kind) -> str:
    """A reference of the form CN-7KQ4-M2XD, not yet checked against those in use."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{_PREFIX[kind]}-{body[:4]}-{body[4:]}"


def new_reference(kind: Kind) -> str:
    while True:
        reference = random_reference(kind)
        if (
            db.session.scalar(select(Submission.id).where(Submission.reference == reference))
            is None
        ):
            return reference


def _cleaned(text: str) -> str:
    """What people type, made comparable: lower case, spaces, missing dashes, O for 0 and
    I/L for 1."""
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOK_ALIKES)


def new_followup_code() -> str:
    """Twelve characters (60 bits), in threes of four: unguessable, and unlike a reference."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


def followup_digest(code: str) -> str:
    """What is stored of a follow-up code. Codes given out before follow-up codes existed
    were the item's reference, and keep working: they are digested the same way."""
    return hashlib.sha256(_cleaned(code).encode()).hexdigest()


def normalise_reference(text: str) -> str:
    cleaned = _cleaned(text)
    if len(cleaned) != 10:
        return cleaned
    prefix = cleaned[:2].replace("0", "O").replace("1", "I")
    return f"{prefix}-{cleaned[2:6]}-{cleaned[6:]}"


_BODY = f"[{_ALPHABET}]{{4}}-[{_ALPHABET}]{{4}}"
_REFERENCE = re.compile(f"(?:ID|CN)-{_BODY}")
_BARE = re.compile(r"\s*\w{4}\s*-\s*\w{4}\s*")
# A reference of letters only, typed in its three parts with spaces ("id gkgv epzr"): a single
# word of ten letters ("identifies") is a word, not a reference.
_SPACED = re.compile(r"\s*\w{2}\s+\w{4}\s+\w{4}\s*")


def could_be_words(text: str) -> bool:
    """Whether text that references_in reads as a reference may be words all the same: three
    parts of letters only ("id card lost" is ID-CARD-10ST, and a search for the lost ID card),
    so a search for it looks for both."""
    return not any(ch.isdigit() or ch == "-" for ch in text)


def references_in(text: str) -> tuple[str, ...]:
    """The references a search for `text` means, if it is one: a whole reference, typed any
    way normalise_reference reads, or its last eight characters with their dash and a digit
    (an idea's or a concern's). Text without a digit or a dash ("identifies") is words, unless
    it is typed in a reference's three parts."""
    if could_be_words(text) and not _SPACED.fullmatch(text):
        return ()
    cleaned = _cleaned(text)
    if len(cleaned) == 8 and _BARE.fullmatch(text) and any(ch.isdigit() for ch in text):
        body = f"{cleaned[:4]}-{cleaned[4:]}"
        if re.fullmatch(_BODY, body):
            return tuple(f"{prefix}-{body}" for prefix in _PREFIX.values())
        return ()
    reference = normalise_reference(text)
    return (reference,) if len(cleaned) == 10 and _REFERENCE.fullmatch(reference) else ()
