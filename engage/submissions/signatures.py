"""How a reply is signed: by the role of whoever wrote it and the area they answer for
("Leader, Ward 9", "Freedom to Speak Up guardian") and, on an open item, their name too:
"Sam Jones (Leader, Ward 9)".

An open item's submitter is named to the people handling it, so naming the handler back is
fair and lets the two talk. On a confidential or anonymous item the reply is signed by the
role only: the submitter still knows who is answering for the area, and nothing on the page
(which an anonymous submitter may read on a shared computer) names a colleague.

The signature is worked out once, when the reply is written, and kept on the message
(`Message.signed_as`): a leader who later moves to another ward, or becomes the guardian, does
not change what their old replies were signed as.
"""

from __future__ import annotations

from sqlalchemy import text

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.submissions.models import Submission

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


# signature() in SQL, for replies and decisions written in bulk (the demo seed): the same words,
# read from the author's role and scopes as they are now. The migrations that added `signed_as`
# backfilled existing rows with their own copies of this statement.
_TITLE = """CASE users.role
    WHEN 'guardian' THEN :guardian
    WHEN 'leader' THEN CASE
        WHEN EXISTS (SELECT 1 FROM leader_scopes WHERE leader_scopes.user_id = users.id
                     AND leader_scopes.unit_id = units.id) THEN 'Leader, ' || units.name
        WHEN EXISTS (SELECT 1 FROM leader_scopes WHERE leader_scopes.user_id = users.id
                     AND leader_scopes.directorate_id = units.directorate_id)
            THEN 'Directorate leader, ' || directorates.name
        ELSE 'Leader, ' || units.name END
    {labels} END"""
_SIGN_UNSIGNED = """UPDATE {table} SET signed_as = (
    SELECT CASE WHEN users.id IS NULL THEN :former
                WHEN submissions.mode <> 'open' THEN {title}
                ELSE users.name || ' (' || {title} || ')' END
    FROM submissions
    JOIN units ON units.id = submissions.unit_id
    JOIN directorates ON directorates.id = units.directorate_id
    LEFT JOIN users ON users.id = {table}.{author}
    WHERE submissions.id = {table}.submission_id)
WHERE signed_as IS NULL{only}"""
# What is signed: handlers' replies (not submitters' messages), and decisions.
_SIGNED = (
    ("messages", "author_id", " AND author_role = 'handler'"),
    ("decisions", "decided_by_id", ""),
)


def sign_unsigned() -> None:
    """Sign, one statement a table, every handler's reply and every decision that has no
    signature yet (those written in bulk, by the demo seed)."""
    labels = " ".join(f"WHEN '{role.value}' THEN '{role.label}'" for role in Role)
    title = _TITLE.format(labels=labels)
    for table, author, only in _SIGNED:
        statement = _SIGN_UNSIGNED.format(table=table, author=author, only=only, title=title)
        db.session.execute(text(statement), {"guardian": GUARDIAN_TITLE, "former": FORMER_HANDLER})
