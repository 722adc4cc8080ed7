"""Factories for ideas and concerns, made through the service so every invariant holds."""

from __future__ import annotations

from itertools import count

from sqlalchemy import select

from engage.accounts.models import User
from engage.extensions import db
from engage.organisation.models import Unit
from engage.submissions import services
from engage.submissions.models import Kind, SpeakUpMode, Submission, Theme

PASSPHRASE = "purple elephants dance"
_sequence = count(1)


def theme(name: str = "Staffing and workload") -> Theme:
    found = db.session.scalar(select(Theme).where(Theme.name == name))
    assert found is not None, f"no theme {name}"
    return found


def make_submission(
    submitter: User,
    *,
    kind: Kind = Kind.IDEA,
    mode: SpeakUpMode = SpeakUpMode.OPEN,
    unit: Unit | None = None,
    title: str | None = None,
    description: str = "What happens now and what could be better.",
    theme_name: str = "Staffing and workload",
    to_guardian: bool = False,
    patient_safety: bool = False,
) -> Submission:
    receipt = services.submit(
        submitter,
        services.NewSubmission(
            kind=kind,
            title=title or f"Submission {next(_sequence)}",
            description=description,
            unit_id=(unit or submitter.unit).id,  # type: ignore[union-attr]
            theme_id=theme(theme_name).id,
            patient_safety=patient_safety,
            mode=mode,
            to_guardian=to_guardian,
            passphrase=PASSPHRASE if mode is SpeakUpMode.ANONYMOUS else None,
        ),
    )
    submission = db.session.get(Submission, receipt.submission_id)
    assert submission is not None
    return submission


def page_text(html: str) -> str:
    """A page's words as a reader sees them: tags dropped, white space collapsed."""
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
