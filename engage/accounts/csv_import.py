"""CSV imports in the shape an ESR extract gives. All rows are checked first; one bad row
means nothing is imported, and every bad row is reported by its line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from engage.accounts.models import LeaderScope, Role, User
from engage.audit.services import record
from engage.errors import PermissionDenied
from engage.extensions import db
from engage.organisation.models import Directorate, StaffGroup, Unit

STAFF_COLUMNS = ("name", "email", "unit", "staff group", "role")
UNIT_COLUMNS = ("unit", "directorate", "headcount")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[:1].upper() + text[1:]


def _normalise_header(name: str) -> str:
    return " ".join(name.replace("_", " ").strip().lower().split())


def _rows(
    data: bytes, required: tuple[str, ...], result: ImportResult
) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(
            (0, "The file is not UTF-8. In Excel, save it as 'CSV UTF-8 (Comma delimited)'.")
        )
        return
    if "\x00" in text:
        result.errors.append((0, "The file is not a CSV file"))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_normalise_header(cell) for cell in next(reader)]
    except StopIteration:
        result.errors.append((0, "The file is empty"))
        return
    except csv.Error as exc:
        result.errors.append((1, f"The header row could not be read: {exc}"))
        return
    missing = [column for column in required if column not in header]
    if missing:
        result.errors.append((1, "The file is missing columns: " + ", ".join(missing)))
        return
    limit = current_app.config["CSV_IMPORT_MAX_ROWS"]
    try:
        for line_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if line_number - 1 > limit:
                result.errors.append((line_number, f"The file has more than {limit} rows"))
                return
            padded = cells + [""] * (len(header) - len(cells))
            yield line_number, {column: padded[i].strip() for i, column in enumerate(header)}
    except csv.Error as exc:
        result.errors.append((reader.line_num, f"This line could not be read: {exc}"))


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators can import staff and units.")


def import_units(actor: User, data: bytes) -> ImportResult:
    _require_admin(actor)
    result = ImportResult()
    directorates = {d.name.lower(): d for d in db.session.scalars(select(Directorate))}
    units = {u.name.lower(): u for u in db.session.scalars(select(Unit))}
    planned: list[tuple[str, str, int]] = []
    seen: dict[str, int] = {}
    for line, row in _rows(data, UNIT_COLUMNS, result):
        unit_name, directorate_name = row["unit"], row["directorate"]
        problems = []
        if not unit_name or len(unit_name) > 120:
            problems.append("unit name must be 1 to 120 characters")
        if not directorate_name or len(directorate_name) > 120:
            problems.append("directorate must be 1 to 120 characters")
        typed = row["headcount"]
        if not (typed.isascii() and typed.isdigit()) or int(typed) > 100000:
            problems.append("headcount must be a whole number from 0 to 100000")
        if unit_name.lower() in seen:
            problems.append(f"unit {unit_name} is also on line {seen[unit_name.lower()]}")
        seen.setdefault(unit_name.lower(), line)
        if problems:
            result.errors.append((line, _sentence(problems)))
        else:
            planned.append((unit_name, directorate_name, int(row["headcount"])))
    if result.errors:
        db.session.rollback()
        return result
    for unit_name, directorate_name, headcount in planned:
        directorate = directorates.get(directorate_name.lower())
        if directorate is None:
            directorate = Directorate(name=directorate_name)
            db.session.add(directorate)
            directorates[directorate_name.lower()] = directorate
        unit = units.get(unit_name.lower())
        if unit is None:
            db.session.add(Unit(name=unit_name, directorate=directorate, headcount=headcount))
            result.created += 1
        else:
            unit.directorate = directorate
            unit.headcount = headcount
            result.updated += 1
    record(
        actor,
        "import.units",
        None,
        f"Imported units: {result.created} new, {result.updated} updated",
    )
    db.session.commit()
    return result


def _role(value: str) -> Role | None:
    value = value.strip().lower() or "staff"
    aliases = {"ftsu guardian": "guardian", "administrator": "admin"}
    try:
        return Role(aliases.get(value, value))
    except ValueError:
        return None


def _scope_names(user: User) -> list[str]:
    return sorted(str(scope) for scope in user.scopes)


def _follow_the_move(user: User, old_unit_id: int | None, unit: Unit, role: Role) -> None:
    """Keep a leader's scopes in step with the extract. A leader who moves unit stops leading
    the old one (they would otherwise still see its concerns, with names) and leads the new;
    scopes an administrator added for other units or directorates stay, and the audit record
    shows them. Someone who is no longer a leader leads nothing."""
    if role is not Role.LEADER:
        user.scopes = []
        return
    if not user.scopes:
        user.scopes = [LeaderScope(unit=unit)]
        return
    if old_unit_id is None or old_unit_id == unit.id:
        return
    kept = [scope for scope in user.scopes if scope.unit_id != old_unit_id]
    if not any(scope.unit_id == unit.id for scope in kept):
        kept.append(LeaderScope(unit=unit))
    user.scopes = kept


def import_staff(actor: User, data: bytes) -> ImportResult:
    _require_admin(actor)
    result = ImportResult()
    units = {u.name.lower(): u for u in db.session.scalars(select(Unit))}
    groups = {g.name.lower(): g for g in db.session.scalars(select(StaffGroup))}
    existing = {u.email: u for u in db.session.scalars(select(User))}
    planned: list[tuple[str, str, Unit, StaffGroup, Role]] = []
    seen: dict[str, int] = {}
    for line, row in _rows(data, STAFF_COLUMNS, result):
        problems = []
        name = row["name"]
        if not name or len(name) > 120:
            problems.append("name must be 1 to 120 characters")
        try:
            email = validate_email(row["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            email = row["email"].lower()
            problems.append(f"'{row['email'][:80]}' is not a valid email address")
        if email in seen:
            problems.append(f"email {email} is also on line {seen[email]}")
        seen.setdefault(email, line)
        unit = units.get(row["unit"].lower())
        if unit is None:
            problems.append(f"unit '{row['unit'][:80]}' is not known: import it first")
        group = groups.get(row["staff group"].lower())
        if group is None:
            problems.append(f"staff group '{row['staff group'][:80]}' is not known")
        role = _role(row["role"])
        if role is None:
            problems.append("role must be staff, leader, guardian or admin")
        if problems:
            result.errors.append((line, _sentence(problems)))
        elif unit is not None and group is not None and role is not None:
            planned.append((name, email, unit, group, role))
    if result.errors:
        db.session.rollback()
        return result
    for name, email, unit, group, role in planned:
        user = existing.get(email)
        if user is None:
            user = User(email=email, scopes=[])
            db.session.add(user)
            result.created += 1
        else:
            result.updated += 1
        before = _scope_names(user)
        old_unit_id = user.unit_id
        user.name, user.unit, user.staff_group, user.role = name, unit, group, role.value
        _follow_the_move(user, old_unit_id, unit, role)
        after = _scope_names(user)
        if user.id is not None and after != before:
            record(
                actor,
                "user.scopes_changed",
                user,
                f"Staff import changed what {email} leads",
                detail={"before": before, "after": after},
            )
    record(
        actor,
        "import.staff",
        None,
        f"Imported staff: {result.created} new, {result.updated} updated",
    )
    db.session.commit()
    return result
