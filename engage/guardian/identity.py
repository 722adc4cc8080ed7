"""Confidential identity on demand.

A confidential submitter's name (or the person recorded on a case raised outside engage) is
hidden from the guardian too, until the guardian reveals it with a reason. Each reveal is kept
on the case and in the audit log (who, when, why; never the identity itself), and shows the
identity for that one response only: looking again is another, audited, reveal.
"""

from __future__ import annotations

from flask import g

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import ValidationFailed
from engage.extensions import db
from engage.guardian.access import get_case
from engage.guardian.models import REASON_MAX, GuardianCase, IdentityReveal
from engage.submissions.access import (
    HIDDEN_FROM_GUARDIAN,
    reveal_for_this_response,
    submitter_name_for,
)
from engage.timeutil import utcnow

HIDDEN = HIDDEN_FROM_GUARDIAN


def reveal_identity(actor: User, case_id: int, reason: str) -> GuardianCase:
    """Record the reveal, then let this response show the identity."""
    case = get_case(actor, case_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why you need to see who raised it", "reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"Reason must be {REASON_MAX} characters or fewer", "reason")
    if not has_hidden_identity(case):
        raise ValidationFailed("There is no confidential identity to reveal on this case", "reason")
    now = utcnow()
    db.session.add(
        IdentityReveal(case_id=case.id, revealed_by_id=actor.id, revealed_at=now, reason=reason)
    )
    record(
        actor,
        "guardian.identity_revealed",
        case,
        f"Identity on case {case.reference} revealed to {actor.name}",
        detail={"reason": reason},
    )
    db.session.commit()
    if case.submission_id is not None:
        reveal_for_this_response(case.submission_id)
    g.ftsu_revealed_case = case.id
    return case


def has_hidden_identity(case: GuardianCase) -> bool:
    if case.mode != "confidential":
        return False
    if case.submission is not None:
        return case.submission.submitter is not None
    return bool(case.person)


def person_on_case(actor: User, case: GuardianCase) -> str:
    """Who raised the case, as the guardian may see it right now."""
    if case.mode == "anonymous":
        return "Anonymous"
    if case.submission is not None:
        return submitter_name_for(actor, case.submission)
    if not case.person:
        return "Not recorded"
    if case.mode == "open" or g.get("ftsu_revealed_case") == case.id:
        return case.person
    return HIDDEN


def reveals(case: GuardianCase) -> list[IdentityReveal]:
    return list(
        db.session.scalars(
            db.select(IdentityReveal)
            .where(IdentityReveal.case_id == case.id)
            .order_by(IdentityReveal.revealed_at.desc(), IdentityReveal.id.desc())
        )
    )
