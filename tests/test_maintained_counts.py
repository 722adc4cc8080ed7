"""The maintained counts (submissions.supporter_count, units.publication_count, kept by
triggers) equal a recount after every operation that changes them (issue 15)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.extensions import db
from engage.organisation.models import Unit
from engage.responses.models import Publication
from engage.submissions import social, workflow
from engage.submissions.models import Submission, Support
from tests.factories.accounts import make_user
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission


def _supporter_drift() -> list[tuple[str, int, int]]:
    """(reference, maintained, recounted) for every submission where they differ."""
    db.session.expire_all()
    recount = (
        select(func.count(Support.id))
        .where(Support.submission_id == Submission.id)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Submission.reference, Submission.supporter_count, recount))
    return [(ref, kept, counted) for ref, kept, counted in rows if kept != counted]


def _publication_drift() -> list[tuple[str, int, int]]:
    db.session.expire_all()
    recount = (
        select(func.count(Publication.id)).where(Publication.unit_id == Unit.id).scalar_subquery()
    )
    rows = db.session.execute(select(Unit.name, Unit.publication_count, recount))
    return [(name, kept, counted) for name, kept, counted in rows if kept != counted]


def _count(submission: Submission) -> int:
    db.session.expire_all()
    return db.session.get(Submission, submission.id).supporter_count  # type: ignore[union-attr]


def test_supporter_count_follows_support_withdraw_merge_moderation_and_deletion(
    app_context: None,
) -> None:
    ward = make_unit()
    leader = make_user(Role.LEADER, unit=ward, leads_units=(ward,))
    admin = make_user(Role.ADMIN)
    original = make_submission(make_user(unit=ward), title="Original idea")
    duplicate = make_submission(make_user(unit=ward), title="Duplicate idea")
    colleagues = [make_user(unit=ward) for _ in range(4)]
    for colleague in colleagues[:3]:
        social.support(colleague, original.id)
        assert _supporter_drift() == []
    social.support(colleagues[0], original.id)  # a second click changes nothing
    assert _count(original) == 3 and _supporter_drift() == []
    social.withdraw_support(colleagues[2], original.id)
    assert _count(original) == 2 and _supporter_drift() == []
    for colleague in colleagues[1:]:
        social.support(colleague, duplicate.id)
    assert _count(duplicate) == 3 and _supporter_drift() == []
    workflow.merge_idea(leader, duplicate.id, original.reference)
    # colleagues 1 (already there), 2 and 3 and the duplicate's own submitter move across
    assert (_count(original), _count(duplicate)) == (5, 0) and _supporter_drift() == []
    social.hide_submission(admin, original.id, "Names a patient")
    assert _count(original) == 5 and _supporter_drift() == []
    social.unhide_submission(admin, original.id)
    db.session.delete(db.session.get(type(colleagues[3]), colleagues[3].id))
    db.session.commit()  # the supporter's account goes; their support cascades away
    assert _count(original) == 4 and _supporter_drift() == []


def test_unit_publication_count_follows_publishing_moving_and_removal(app_context: None) -> None:
    ward, other = make_unit(), make_unit()
    raiser = make_user(unit=ward)
    ideas = [make_submission(raiser, title=f"Published idea {i}") for i in range(3)]
    publications = []
    for idea in ideas:
        publication = Publication(
            submission_id=idea.id,
            unit_id=ward.id,
            theme_id=idea.theme_id,
            you_said="You said",
            we_did="We did",
            published_on=date(2026, 11, 2),
        )
        db.session.add(publication)
        db.session.commit()
        publications.append(publication)
        assert _publication_drift() == []
    publications[0].unit_id = other.id
    db.session.commit()
    assert _publication_drift() == []
    db.session.delete(publications[1])
    db.session.commit()
    counts = dict(db.session.execute(select(Unit.id, Unit.publication_count)).all())
    assert (counts[ward.id], counts[other.id]) == (1, 1) and _publication_drift() == []
