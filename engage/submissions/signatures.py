"""How a reply is signed: by the role of whoever wrote it and the area they answer for
("Leader, Ward 9", "Freedom to Speak Up guardian") and, on an open item, their name too:
"Sam Jones (Leader, Ward 9)".

An open item's submitter is named to the people handling it, so naming the handler back is
fair and lets the two talk. On a confidential or anonymous item the reply is signed by the
role only: the submitter still knows who is answering for the area, and nothing on the page
(which an anonymous submitter may read on a shared computer) names a colleague.
"""

from __future__ import annotations

from collections.abc import Iterable

from engage.accounts.models import Role, User
from engage.submissions.models import Message, Submission

GUARDIAN_TITLE = "Freedom to Speak Up guardian"
FORMER_HANDLER = "a former member of the team handling it"


def role_title(author: User, submission: Submission) -> str:
    """The author's role for this item: the guardian, or the leader of its unit or
    directorate (their own scope that covers it, the unit first)."""
    role = author.role_enum
    if role is Role.GUARDIAN:
        return GUARDIAN_TITLE
    if role is Role.LEADER:
        unit = submission.unit
        for scope in author.scopes:
            if scope.unit_id == unit.id:
                return f"Leader, {unit.name}"
        for scope in author.scopes:
            if scope.directorate_id == unit.directorate_id:
                return f"Directorate leader, {unit.directorate.name}"
        return f"Leader, {unit.name}"
    return role.label


def signature(author: User | None, submission: Submission) -> str:
    if author is None:
        return FORMER_HANDLER
    title = role_title(author, submission)
    return title if submission.hides_submitter else f"{author.name} ({title})"


def sign_replies(submission: Submission, messages: Iterable[Message]) -> dict[int, str]:
    """The signature of each handler's reply in a conversation, by message id."""
    return {m.id: signature(m.author, submission) for m in messages if m.author_role == "handler"}
