"""Factories for ideas and concerns, made through the service so every invariant holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import count

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.organisation.models import Unit
from engage.submissions import services
from engage.submissions.models import Kind, SpeakUpMode, Submission, Theme
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit

PASSPHRASE = "purple elephants dance"
FOLLOWUP_CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
_SHOWN_CODE = re.compile(r"Your private follow-up code<br><strong[^>]*>([^<]*)</strong>")
_sequence = count(1)


def theme(name: str = "Staffing and workload") -> Theme:
    found = db.session.scalar(select(Theme).where(Theme.name == name))
    assert found is not None, f"no theme {name}"
    return found


def make_submission(
    submitter: User,
    *,
    kind: Kind = Kind.IDEA,
    mode: SpeakUpMode = SpeakUpMode.OPEN,
    unit: Unit | None = None,
    title: str | None = None,
    description: str = "What happens now and what could be better.",
    theme_name: str = "Staffing and workload",
    to_guardian: bool = False,
    patient_safety: bool = False,
) -> Submission:
    details = services.NewSubmission(
        kind=kind,
        title=title or f"Submission {next(_sequence)}",
        description=description,
        unit_id=(unit or submitter.unit).id,  # type: ignore[union-attr]
        theme_id=theme(theme_name).id,
        patient_safety=patient_safety,
        mode=mode,
        to_guardian=to_guardian,
        passphrase=PASSPHRASE if mode is SpeakUpMode.ANONYMOUS else None,
    )
    try:
        receipt = services.submit(submitter, details)
    except services.AlreadySent:
        # A test that wants several alike from one person gets them, each worded a little
        # differently: the same words twice in a day are one item (services.AlreadySent).
        again = f"{description} ({next(_sequence)})"
        receipt = services.submit(submitter, replace(details, description=again))
    submission = db.session.get(Submission, receipt.submission_id)
    assert submission is not None
    return submission


def submit_anonymously(unit: Unit, *, title: str, description: str) -> services.Receipt:
    """An anonymous concern, made as a signed-out visitor makes one; its receipt holds the
    follow-up code that opens it with PASSPHRASE."""
    return services.submit(
        None,
        services.NewSubmission(
            kind=Kind.CONCERN,
            title=title,
            description=description,
            unit_id=unit.id,
            theme_id=theme().id,
            patient_safety=False,
            mode=SpeakUpMode.ANONYMOUS,
            passphrase=PASSPHRASE,
        ),
    )


@dataclass(frozen=True)
class WardReply:
    """A leader's reply on an idea raised on the ward they lead."""

    ward: Unit
    raiser: User
    leader: User
    idea: Submission


def leader_replies_on_a_ward(
    client: FlaskClient, body: str, *, ward_name: str | None = None, leader_name: str | None = None
) -> WardReply:
    ward = make_unit(ward_name)
    raiser = make_user(unit=ward)
    leader = make_user(Role.LEADER, name=leader_name, leads_units=(ward,))
    idea = make_submission(raiser, kind=Kind.IDEA)
    reply(client, leader, idea.id, body)
    return WardReply(ward, raiser, leader, idea)


def reply(client: FlaskClient, author: User, submission_id: int, body: str) -> None:
    """`author` writes a message on the item, then signs out."""
    sign_in(client, author)
    client.post(f"/submissions/{submission_id}/messages", data={"body": body})
    client.post("/sign-out")


def message_heading(page: str, body: str) -> str:
    """The card of the message with this body, up to the body: who wrote it and when."""
    end = page.index(body)
    return page[page.rindex("<li", 0, end) : end]


def heading_seen_by(client: FlaskClient, reader: User, submission_id: int, body: str) -> str:
    """The heading of the message with this body, as `reader` sees it on the item's page."""
    sign_in(client, reader)
    page = client.get(f"/submissions/{submission_id}").get_data(as_text=True)
    return message_heading(page, body)


def shown_followup_code(receipt: str) -> str:
    """The follow-up code a receipt page shows, read where it shows it: the page's random
    tokens (its CSP nonce, a CSRF token) can by chance hold text shaped like a code."""
    shown = _SHOWN_CODE.search(receipt)
    assert shown and FOLLOWUP_CODE.fullmatch(shown.group(1)), receipt
    return shown.group(1)


def page_text(html: str) -> str:
    """A page's words as a reader sees them: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
