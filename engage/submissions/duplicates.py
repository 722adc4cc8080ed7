"""Finding the idea a duplicate should be merged into."""

from __future__ import annotations

from sqlalchemy import and_, select

from engage.accounts.models import User
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.submissions import access, search
from engage.submissions.models import Kind, Submission
from engage.submissions.queries import OPEN_STATUSES
from engage.submissions.references import could_be_words, references_in

MERGE_CHOICES = 10


def merge_candidates(actor: User, duplicate_id: int, words: str) -> list[Submission]:
    """The ideas a handler may merge `duplicate_id` into that match what they typed: the
    idea with that reference, or up to MERGE_CHOICES whose titles are most like the words.
    The same ideas merge_idea accepts: visible to the handler, open, shown, not itself."""
    duplicate = access.get_visible(actor, duplicate_id)
    if not access.can_handle(actor, duplicate):
        raise PermissionDenied("Only the people handling this idea can merge it.")
    allowed = and_(
        access.visible_to(actor),
        Submission.kind == Kind.IDEA.value,
        Submission.hidden_reason.is_(None),
        Submission.status.in_(OPEN_STATUSES),
        Submission.id != duplicate.id,
    )
    references = references_in(words)
    if references:
        exact = select(Submission).where(allowed, Submission.reference.in_(references))
        found = list(db.session.scalars(exact))
        if found or not could_be_words(words):  # letters only, unknown: words ("id card lost")
            return found
    return search.similar(words, allowed, limit=MERGE_CHOICES)
