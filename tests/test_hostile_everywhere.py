"""No route answers 500 to hostile input, whoever asks: every rule in the URL map, with real
and absurd ids, by each role and signed out. Hostile values go into every field at once, then
one field at a time into an otherwise valid form, so that they reach the services and not only
the validators. Mail goes out over real SMTP to a local server."""

from __future__ import annotations

import inspect
import itertools
import logging
import re
from dataclasses import dataclass
from datetime import date
from types import CodeType
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from engage.accounts.models import Role, User
from engage.accounts.passwords import make_reset_token
from engage.date_input import PARTS, DateInputField
from engage.extensions import db
from engage.mail.models import MailStatus
from engage.mail.services import send_mail
from engage.metrics.models import MetricRebase
from engage.responses import services as responses
from engage.responses.models import Outcome
from engage.submissions import social
from engage.submissions.anonymous_views import SESSION_KEY
from engage.submissions.models import ContentReport, Kind, SpeakUpMode
from engage.timeutil import utcnow
from tests.factories.accounts import PASSWORD, make_user, sign_in
from tests.factories.digests import make_digest
from tests.factories.guardian import make_case
from tests.factories.organisation import make_unit, staff_group
from tests.factories.responses import make_action
from tests.factories.smtp import Inbox
from tests.factories.submissions import PASSPHRASE, make_submission, theme
from tests.test_hostile_input import HOSTILE_VALUES

# What suits each type of field, sent one field at a time; the rest of VALUES go everywhere.
NUMBERS: list[str | bytes] = [str(2**63), "1e309", "-0"]
DATES: list[str | bytes] = ["9999-12-31", "0001-01-01", "2026-02-30"]
TEXTS: list[str | bytes] = [
    "x" * 20_000,
    "%00\x00 \u202e\u2066txt.exe\u2069 \U0001f4a5\U0001f469\U0001f3fd\u200d\u2695\ufe0f",
    b"\xed\xa0\x80",  # a lone surrogate as WTF-8: the test client will not send "\ud800"
]
OTHERS: list[str | bytes] = [str(-(2**63) - 1), "0000-00-00", b"\xff\xfe\xc0\xaf"]  # last: no UTF-8
VALUES = [*HOSTILE_VALUES, *NUMBERS, *DATES, *TEXTS, *OTHERS]
ABSURD_IDS = (0, 2**53, 2**63)
# Where every field is hostile at once, long values are cut to this: the one-field sweeps send
# them whole, and a megabyte of query string in every request would only slow the run.
LONG = 1000
# Every field suits at least three of NUMBERS, DATES and TEXTS: three sets of typed values.
TYPED_SETS = 3
# Read from request.args outside any form, with the values that suit each.
QUERY_ARGUMENTS = {"page": NUMBERS, "n": NUMBERS, "parent": NUMBERS, "kind": TEXTS, "next": TEXTS}
ARGUMENT = re.compile(r"<(?:[^:>]+:)?(\w+)>")
# Values the forms accept, besides those naming rows of the world.
PLAIN_VALID = dict(
    pair.split("=", 1)
    for pair in """
        kind=idea mode=open patient_safety=no outcome=adopt status=acknowledged role=staff
        progress=50 headcount=40 active=y improvement=increase target=12
        due_on-day=31 due_on-month=1 due_on-year=2031 older_than_days=1 sort=newest page=2
    """.split()
)
# Dates typed in three boxes (engage.date_input): a real day in the past, for every date but
# a due date (above).
TYPED_DATE = {"day": "31", "month": "1", "year": "2024"}
WORDS = ("title", "description", "body", "note", "reason", "response", "you_said", "we_did")


@dataclass
class World:
    users: dict[str, User]
    url_values: dict[str, list[Any]]  # a rule's argument -> real values to put in the URL
    valid: dict[str, str]  # a value every form accepts, per field name
    anonymous_case: int


@pytest.fixture
def world(app: Flask, db_session: object, smtp_inbox: Inbox) -> World:
    # test_route_permissions builds ids that every role is refused; hostile input must also
    # reach the roles allowed in, so this world has the staff member, their leader and all.
    with app.test_request_context():
        unit = make_unit()
        staff = make_user(Role.STAFF, unit=unit)
        leader = make_user(Role.LEADER, leads_units=(unit,))
        guardian, admin = make_user(Role.GUARDIAN), make_user(Role.ADMIN)
        bystander = make_user(unit=unit)
        idea = make_submission(staff)
        concern = make_submission(staff, kind=Kind.CONCERN)
        secret = make_submission(staff, kind=Kind.CONCERN, mode=SpeakUpMode.ANONYMOUS)
        details = responses.DecisionDetails(outcome=Outcome.ADOPT, response="We will")
        responses.decide(leader, idea.id, details)
        action = make_action(idea, owner=staff)
        comment = social.add_comment(bystander, idea.id, "Good idea")
        report = ContentReport(
            reporter_id=bystander.id, comment_id=comment.id, reason="Rude", created_at=utcnow()
        )
        db.session.add(report)
        digest = make_digest(staff)
        undelivered = send_mail(bystander.email, "Given up", "Body")
        undelivered.status = MailStatus.FAILED.value
        rebase = MetricRebase(
            metric="submissions",
            starts_on=date(2026, 4, 1),
            reason="New rota",
            created_at=utcnow(),
        )
        db.session.add(rebase)
        db.session.commit()
        token = make_reset_token(app.config["SECRET_KEY"], bystander.id, bystander.password_hash)
        case = make_case(utcnow().date(), mode="confidential", person="Someone", unit=unit)
    return World(
        users={
            "staff": staff,
            "leader": leader,
            "guardian": guardian,
            "admin": admin,
            "board": make_user(Role.BOARD),
        },
        url_values={
            "submission_id": [idea.id, concern.id, secret.id],
            "action_id": [action.id],
            "case_id": [case.id],
            "user_id": [staff.id],
            "unit_id": [unit.id],
            "directorate_id": [unit.directorate_id],
            "group_id": [staff_group().id],
            "theme_id": [theme().id],
            "comment_id": [comment.id],
            "report_id": [report.id],
            "digest_id": [digest.id],
            "message_id": [undelivered.id],
            "kind": ["unit", "directorate"],
            "scope_id": [unit.id, unit.directorate_id],
            "entity_id": [unit.id, unit.directorate_id, 0],
            "level": ["unit", "directorate", "trust"],
            "metric": ["submissions", "concerns_by_theme", "no_such_metric"],
            "rebase_id": [rebase.id],
            "token": [token, "x" * 5000, "../../etc/passwd", "\u202e%00"],
        },
        valid={
            **PLAIN_VALID,
            **dict.fromkeys((*WORDS, "name", "text", "q"), "Second bladder scanner"),
            **dict.fromkeys(("password", "current_password"), PASSWORD),
            **dict.fromkeys(("new_password", "confirm"), "a brand new long password"),
            **dict.fromkeys(("passphrase", "passphrase_confirm"), PASSPHRASE),
            "figures": "\n".join(f"2024-01-{day:02},{day}" for day in range(1, 29)),
            "unit_id": str(unit.id),
            "directorate_id": str(unit.directorate_id),
            "theme_id": str(theme().id),
            "staff_group_id": str(staff_group().id),
            "owner_id": str(staff.id),
            "original": idea.reference,
            "reference": secret.reference,
            "email": bystander.email,
        },
        anonymous_case=secret.id,
    )


def _every_field() -> dict[str, list[str | bytes]]:
    fields = {**QUERY_ARGUMENTS}
    todo = list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        fields.update(_fields(form) if form.__module__.startswith("engage.") else {})
    return fields


def _fields(form: type[FlaskForm]) -> dict[str, list[str | bytes]]:
    """Each field of the form, with the hostile values that suit its type."""

    def suited(field: UnboundField) -> list[str | bytes]:
        kind = field.field_class.__name__
        if "Date" in kind:
            return DATES + NUMBERS
        numeric = "Integer" in kind or "Number" in kind
        return NUMBERS if numeric or field.kwargs.get("coerce", str) is not str else TEXTS

    found = inspect.getmembers(form, lambda v: isinstance(v, UnboundField))
    return {
        box: suited(field)
        for name, field in found
        for box in (
            [f"{name}-{part}" for part in PARTS] if field.field_class is DateInputField else [name]
        )
    }


def _forms_of(view: Any) -> list[type[FlaskForm]]:
    """The forms a view uses, itself or through the helpers it calls in its own module (not
    deeper: the submission page's renderer would bring in every form on that page)."""
    view = inspect.unwrap(view)
    helpers = [view.__globals__.get(name) for name in _names(view.__code__)]
    helpers = [view, *(h for h in helpers if inspect.isfunction(h) and h is not view)]
    found = [h.__globals__.get(name) for h in helpers for name in sorted(_names(h.__code__))]
    return list(dict.fromkeys(f for f in found if inspect.isclass(f) and issubclass(f, FlaskForm)))


def _valid_form_for(forms: list[type[FlaskForm]], preferred: dict[str, str]) -> dict[str, str]:
    """A form these forms accept: the preferred value, or the first choice where the preferred
    one is not a choice (a submission's status is not an action's)."""
    valid = {}
    for form in forms:
        for name, field in inspect.getmembers(form, lambda v: isinstance(v, UnboundField)):
            if field.field_class is DateInputField:
                boxes = {f"{name}-{part}": TYPED_DATE[part] for part in PARTS}
                valid.update({box: preferred.get(box, value) for box, value in boxes.items()})
                continue
            choices = [str(c.value) for c in field.kwargs.get("choices") or () if c.value]
            value = preferred.get(name)
            if choices and value not in choices:
                value = choices[0]
            if value is not None:
                valid[name] = value
    return valid


def _names(code: CodeType) -> set[str]:
    nested = (_names(c) for c in code.co_consts if isinstance(c, CodeType))
    return set(code.co_names).union(*nested)


def _paths(rule: Rule, world: World) -> list[tuple[str, bool]]:
    """(path, whether its ids are real): all combinations of real values, then absurd ids."""
    names = sorted(rule.arguments)
    missing = [name for name in names if name not in world.url_values]
    assert not missing, f"give {rule.rule} real values for {missing} in the world fixture"

    def fill(values: dict[str, Any]) -> str:
        return ARGUMENT.sub(lambda m: quote(str(values[m.group(1)]), safe=""), rule.rule)

    combinations = itertools.product(*(world.url_values[name] for name in names))
    real = [dict(zip(names, combination, strict=True)) for combination in combinations]
    absurd = [
        fill({**real[0], name: number})
        for name in names
        if all(isinstance(v, int) for v in world.url_values[name])
        for number in ABSURD_IDS
    ]
    return [(fill(values), True) for values in real] + [(path, False) for path in absurd]


def _typed_sets_for(index: int, real_paths: int) -> list[int]:
    """Which sets of typed values (every field at once, each with a value that suits its type)
    the route's real path number `index` gets: the sets shared out over the paths, so that each
    set is sent once per route, and every path gets at least one."""
    shared = [k for k in range(TYPED_SETS) if k % real_paths == index]
    return shared or [index % TYPED_SETS]


# Routes that may end the walker's server-side session (signing out, everywhere).
SESSION_ENDING = {"accounts.sign_out", "admin_users.sign_out_everywhere", "accounts.account"}


@pytest.mark.parametrize("role", [*Role, "signed out"])
def test_no_route_answers_500_to_hostile_input(
    role: str, app: Flask, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    every_field = _every_field()
    turn = itertools.count()
    problems: list[str] = []

    def send(client: Any, method: str, path: str, data: dict[str, Any], hostile: Any) -> bool:
        """Send it, note any server error, and say whether the request was let in."""
        caplog.clear()
        if method == "GET":
            response = client.get(path, query_string=urlencode(data))
        else:
            form = "application/x-www-form-urlencoded"
            response = client.post(path, data=urlencode(data), content_type=form)
        if response.status_code >= 500:
            errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
            cause = errors[-1].strip().splitlines()[-3:] if errors else []
            problems.append(f"{method} {path[:80]} as {role} with {hostile!r:.70}: {cause}")
        refused = response.status_code in (403, 404, 405) or "/sign-in" in (response.location or "")
        return not refused

    cookie_name = app.config["SESSION_COOKIE_NAME"]

    def starting_cookie() -> Any:
        first = app.test_client()
        if role in world.users:
            sign_in(first, world.users[role])
        with first.session_transaction() as session:  # and an anonymous case unlocked
            session[SESSION_KEY] = {"id": world.anonymous_case, "until": 2**40}
        return first.get_cookie(cookie_name)

    start = starting_cookie()

    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = sorted(rule.methods & {"GET", "POST"})
        clients: dict[str, Any] = {}  # a client per path: each path starts afresh (may sign out)
        entered: dict[str, list[str]] = {method: [] for method in methods}
        paths = _paths(rule, world)
        real_paths = sum(real for _path, real in paths)
        for index, (path, real) in enumerate(paths):
            client = clients[path] = app.test_client()
            client.set_cookie(cookie_name, start.value if start else "")
            for method in methods:
                value = VALUES[next(turn) % len(VALUES)]
                let_in = send(client, method, path, dict.fromkeys(every_field, value[:LONG]), value)
                if not real:
                    continue
                for k in _typed_sets_for(index, real_paths):
                    typed = {name: values[k][:LONG] for name, values in every_field.items()}
                    let_in |= send(client, method, path, typed, f"typed values #{k}")
                if let_in:
                    entered[method].append(path)
        # One field at a time in an otherwise valid form, each value once per rule, on the real
        # paths that let this role in taken in turn (an idea's, a concern's, an anonymous one's):
        # sweeping every path with every value costs several times as long and reaches no more
        # code. A GET reads only the forms made from the query string, those without CSRF.
        forms = _forms_of(app.view_functions[rule.endpoint])
        for method, let_in_paths in entered.items():
            if not let_in_paths:
                continue
            read = [form for form in forms if method == "POST" or not form.Meta.csrf]
            swept = {name: v for form in read for name, v in _fields(form).items()}
            valid = _valid_form_for(read, world.valid)
            pairs = [(field, value) for field, values in sorted(swept.items()) for value in values]
            for turn_of_path, (field, value) in enumerate(pairs):
                path = let_in_paths[turn_of_path % len(let_in_paths)]
                send(clients[path], method, path, {**valid, field: value}, (field, value))
        if rule.endpoint in SESSION_ENDING:  # sessions are server-side: a new one
            start = starting_cookie()
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems[:30])
