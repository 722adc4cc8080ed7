"""Factories for the trust's structure."""

from __future__ import annotations

from itertools import count

from sqlalchemy import select

from engage.extensions import db
from engage.organisation.models import Directorate, StaffGroup, Unit

_sequence = count(1)


def make_directorate(name: str | None = None) -> Directorate:
    directorate = Directorate(name=name or f"Directorate {next(_sequence)}")
    db.session.add(directorate)
    db.session.commit()
    return directorate


def make_unit(
    name: str | None = None, directorate: Directorate | None = None, headcount: int = 40
) -> Unit:
    unit = Unit(
        # Not "Ward <n>": tests name units like that, and a clash depends on test order.
        name=name or f"Test ward {next(_sequence)}",
        directorate=db.session.merge(directorate) if directorate else make_directorate(),
        headcount=headcount,
    )
    db.session.add(unit)
    db.session.commit()
    return unit


def staff_group(name: str = "Registered Nurses and Midwives") -> StaffGroup:
    """The worker groups come from the migration; tests use them as they are."""
    group = db.session.scalar(select(StaffGroup).where(StaffGroup.name == name))
    assert group is not None, f"no staff group {name}"
    return group
