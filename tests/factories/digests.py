"""A digest as the digest run keeps it, for pages that show one."""

from __future__ import annotations

from datetime import date

from engage.accounts.models import User
from engage.digests.models import Digest, DigestKind
from engage.extensions import db


def make_digest(recipient: User, *, kind: DigestKind = DigestKind.STAFF) -> Digest:
    digest = Digest(
        kind=kind.value,
        recipient_id=recipient.id,
        period="weekly:2026-11-23",
        covers_from=date(2026, 11, 16),
        covers_to=date(2026, 11, 23),
        subject="Your weekly digest",
        body_text="You said, we did",
        body_html="<h1>You said, we did</h1><p>Nothing new.</p>",
    )
    db.session.add(digest)
    db.session.commit()
    return digest
