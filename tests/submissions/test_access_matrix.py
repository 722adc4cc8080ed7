"""The access matrix: every role, queue, mode, kind, scope and own-or-not, for every ability.

The expected answers are written out here, plainly and independently of engage's code, as
the promises users rely on. For each ability the test asks engage twice, through the SQL
condition that list pages filter by and through the one-item check that a page or a service
uses, and both must agree with the promise for every (person, submission) pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import product

import pytest
from sqlalchemy import ColumnElement, select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.organisation.models import Unit
from engage.submissions import access
from engage.submissions.models import Kind, Queue, SpeakUpMode, Status, Submission
from tests.factories.accounts import make_user
from tests.factories.organisation import make_directorate, make_unit
from tests.factories.submissions import make_submission

pytestmark = pytest.mark.usefixtures("app_context")


@dataclass
class World:
    people: dict[str, User]
    items: dict[str, Submission]
    led: dict[str, set[int]]  # the units each person leads, written out by hand
    home_directorate: dict[str, int]


def _world() -> World:
    here, there = make_directorate("Surgery"), make_directorate("Medicine")
    ward = make_unit("Ward A", here)  # where most things are raised
    next_door = make_unit("Ward B", here)  # same directorate, a different unit
    far = make_unit("Ward C", there)
    people = {
        "raiser": make_user(unit=ward, name="Rae Raiser"),
        "colleague": make_user(unit=next_door),
        "outsider": make_user(unit=far),
        # Leads Ward A but works in another directorate: handles, yet cannot discuss.
        "unit leader": make_user(Role.LEADER, unit=far, leads_units=(ward,)),
        # Leads the whole of Surgery, and raises things too.
        "directorate lead": make_user(
            Role.LEADER, unit=ward, name="Dee Lead", leads_directorates=(here,)
        ),
        # Works in Surgery, leads only in Medicine.
        "leader elsewhere": make_user(Role.LEADER, unit=next_door, leads_units=(far,)),
        "guardian": make_user(Role.GUARDIAN, unit=ward),
        "admin": make_user(Role.ADMIN, unit=far),
        # The board reads figures only: no item at all, not even a shared idea.
        "board member": make_user(Role.BOARD),
    }
    led = {
        "unit leader": {ward.id},
        "directorate lead": {ward.id, next_door.id},
        "leader elsewhere": {far.id},
    }
    items: dict[str, Submission] = {}
    for unit, kind, mode in product((ward, far), Kind, SpeakUpMode):
        name = f"{mode.value} {kind.value} in {unit.name}"
        items[name] = make_submission(people["raiser"], kind=kind, mode=mode, unit=unit)
    for unit in (ward, far):
        items[f"open concern sent to the guardian in {unit.name}"] = make_submission(
            people["raiser"], kind=Kind.CONCERN, to_guardian=True, unit=unit
        )
    items["open idea in Ward B"] = make_submission(people["raiser"], unit=next_door)
    items["open concern in Ward B"] = make_submission(
        people["raiser"], kind=Kind.CONCERN, unit=next_door
    )
    items["escalated open concern in Ward A"] = escalated = make_submission(
        people["raiser"], kind=Kind.CONCERN, unit=ward
    )
    escalated.guardian_escalated_on = date(2026, 3, 2)
    # Only concerns are escalated to the guardian; an idea carrying the date gains nothing.
    odd = items["open idea in Ward A marked escalated"] = make_submission(people["raiser"])
    odd.guardian_escalated_on = date(2026, 3, 2)
    items["hidden idea in Ward A"] = hidden = make_submission(people["raiser"], unit=ward)
    hidden.hidden_reason = "Names a colleague"
    for status in (Status.CLOSED, Status.NOT_TAKEN_FORWARD, Status.MERGED):
        items[f"{status.value} idea in Ward A"] = ended = make_submission(
            people["raiser"], unit=ward
        )
        ended.status = status.value
    for mode in (SpeakUpMode.OPEN, SpeakUpMode.CONFIDENTIAL):
        items[f"{mode.value} idea in Ward A by the directorate lead"] = make_submission(
            people["directorate lead"], mode=mode, unit=ward
        )
    items["confidential concern in Ward A by the directorate lead"] = make_submission(
        people["directorate lead"], kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL, unit=ward
    )
    db.session.commit()
    homes = {name: _directorate_of(person.unit) for name, person in people.items()}
    return World(people, items, led, homes)


def _directorate_of(unit: Unit | None) -> int:
    assert unit is not None
    return unit.directorate_id


# The promises, one small function per ability, in the words of the privacy page.


def _own(w: World, who: str, s: Submission) -> bool:
    return s.submitter_id == w.people[who].id


def _role(w: World, who: str) -> Role:
    return w.people[who].role_enum


def expect_handle(w: World, who: str, s: Submission) -> bool:
    if _role(w, who) is Role.GUARDIAN:
        escalated_concern = s.kind == "concern" and s.guardian_escalated_on is not None
        return s.queue == Queue.GUARDIAN.value or escalated_concern
    if _role(w, who) is Role.LEADER:
        return s.queue == Queue.LEADERS.value and s.unit_id in w.led[who]
    return False


def expect_discuss(w: World, who: str, s: Submission) -> bool:
    same_directorate = s.unit.directorate_id == w.home_directorate[who]
    return s.kind == "idea" and s.hidden_reason is None and same_directorate


def expect_see(w: World, who: str, s: Submission) -> bool:
    role = _role(w, who)
    return (
        _own(w, who, s)
        or expect_handle(w, who, s)
        or expect_discuss(w, who, s)
        or (role is Role.GUARDIAN and s.kind == "concern")
        or (role is Role.ADMIN and s.kind == "idea")
    )


def expect_support(w: World, who: str, s: Submission) -> bool:
    still_open = s.status in ("submitted", "acknowledged", "under_review", "decision_made")
    return expect_discuss(w, who, s) and still_open and not _own(w, who, s)


def expect_moderate(w: World, who: str, s: Submission) -> bool:
    if s.kind != "idea":
        return False
    return _role(w, who) is Role.ADMIN or (_role(w, who) is Role.LEADER and s.unit_id in w.led[who])


def expect_identify(w: World, who: str, s: Submission) -> bool:
    if s.mode == "anonymous":
        return False
    # The guardian sees a confidential name only after revealing it (engage.guardian).
    return _own(w, who, s) or s.mode == "open"


Promise = Callable[[World, str, Submission], bool]
ABILITIES: dict[str, tuple[Promise, Callable[[User], ColumnElement[bool]], Callable[..., bool]]] = {
    "see": (expect_see, access.visible_to, access.can_see),
    "handle": (expect_handle, access.handled_by, access.can_handle),
    "see the submitter": (
        expect_identify,
        access.identifies_submitter_to,
        access.can_identify_submitter,
    ),
    "support": (expect_support, access.supportable_by, access.can_support),
    "comment on": (expect_discuss, access.shared_ideas_for, access.can_discuss),
    "moderate": (expect_moderate, access.moderated_by, access.can_moderate),
    "publish": (expect_handle, access.publishable_by, access.can_publish),
}


def _name_shown(w: World, who: str, s: Submission) -> str:
    if s.mode == "anonymous":
        return "Anonymous"
    assert s.submitter is not None
    if _own(w, who, s) and s.mode == "confidential":
        return f"{s.submitter.name} (you), confidentially: only the guardian can learn it"
    if _own(w, who, s):
        return f"{s.submitter.name} (you)"
    if s.mode == "open":
        return s.submitter.name
    if _role(w, who) is Role.GUARDIAN:
        return "Confidential: hidden until you reveal it on the case record, with a reason"
    return "Confidential: known only to the Freedom to Speak Up guardian"


def test_every_ability_agrees_with_the_promise_in_sql_and_for_one_item() -> None:
    w = _world()
    ids = {s.id: name for name, s in w.items.items()}
    wrong: list[str] = []
    for ability, (promise, condition, check) in ABILITIES.items():
        for who, person in w.people.items():
            listed = set(
                db.session.scalars(
                    select(Submission.id).where(Submission.id.in_(ids), condition(person))
                )
            )
            for name, s in w.items.items():
                expected = promise(w, who, s)
                in_sql, one_item = s.id in listed, check(person, s)
                if not expected == in_sql == one_item:
                    wrong.append(
                        f"{who} may {ability} the {name}: promised {expected}, "
                        f"SQL says {in_sql}, the one-item check says {one_item}"
                    )
    assert not wrong, "\n".join(wrong)


def test_the_submitters_name_is_shown_only_to_those_who_may_know_it() -> None:
    w = _world()
    wrong = [
        f"{who} on the {name}: shown {shown!r}, promised {promised!r}"
        for who, name in product(w.people, w.items)
        if (shown := access.submitter_name_for(w.people[who], w.items[name]))
        != (promised := _name_shown(w, who, w.items[name]))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_role_queue_mode_kind_and_own_or_not() -> None:
    w = _world()
    items = w.items.values()
    assert {p.role_enum for p in w.people.values()} == set(Role)
    assert {s.queue_enum for s in items} == set(Queue)
    assert {s.mode_enum for s in items} == set(SpeakUpMode)
    assert {s.kind_enum for s in items} == set(Kind)
    assert {(s.queue_enum, s.kind_enum) for s in items} == set(product(Queue, Kind)) - {
        (Queue.GUARDIAN, Kind.IDEA)  # ideas always go to the unit's leaders
    }
    assert len({s.unit.directorate_id for s in items}) == 2
    assert {s.submitter_id for s in items} >= {
        w.people["raiser"].id,
        w.people["directorate lead"].id,
        None,
    }


def test_a_request_asks_for_a_directorates_units_once() -> None:
    from sqlalchemy import event

    here = make_directorate()
    make_unit(directorate=here)
    lead = make_user(Role.LEADER, leads_directorates=(here,))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        first, second = access.led_unit_ids(lead), access.led_unit_ids(lead)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert first == second and len(first) == 1
    assert len([s for s in statements if "FROM units" in s]) == 1
