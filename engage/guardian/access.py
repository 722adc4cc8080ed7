"""Who may use the guardian's workspace: Freedom to Speak Up guardians only.

Leaders, staff and administrators are refused every page and export here; administrators
read the audit of identity reveals through the audit log, which never holds an identity.
"""

from __future__ import annotations

from engage.accounts.models import Role, User
from engage.errors import NotFound, PermissionDenied
from engage.extensions import get_by_id
from engage.guardian.models import GuardianCase

REFUSAL = (
    "Only the Freedom to Speak Up guardian can see this: case records and the figures drawn "
    "from them are confidential."
)


def require_guardian(actor: User) -> None:
    if not actor.has_role(Role.GUARDIAN):
        raise PermissionDenied(REFUSAL)


def get_case(actor: User, case_id: int) -> GuardianCase:
    require_guardian(actor)
    case = get_by_id(GuardianCase, case_id)
    if case is None:
        raise NotFound("There is no case record with that number.")
    return case
