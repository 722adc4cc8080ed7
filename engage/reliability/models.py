"""A claimed one-time submit token: what makes a repeated POST create nothing twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db


class SubmitToken(db.Model):  # type: ignore[name-defined,misc]
    """One row per form that created something. The key is the SHA-256 of the token the form
    carried (the token itself is only ever in the browser's page), so the unique primary key
    is the claim: two requests with the same token cannot both insert it.

    Anonymity: no user id and only the day (never a time), for every row alike, so a row
    beside an anonymous submission says no more than the submission itself; no serial id
    either, whose order would hint at the order of submissions."""

    __tablename__ = "submit_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Where the first request sent the browser (a path in this app); empty when the first
    # result cannot be shown again (an anonymous receipt's follow-up code is shown once).
    result_path: Mapped[str] = mapped_column(String(500), default="")
    created_on: Mapped[date] = mapped_column(Date, index=True)
