"""Every route is listed here with the roles that may use it, and each is tried by a user
without the right. A new route fails `test_every_route_is_listed` until it is added."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.extensions import db
from engage.submissions.models import ContentReport, Kind, SpeakUpMode
from engage.timeutil import utcnow
from tests.factories.accounts import make_user, sign_in
from tests.factories.digests import make_digest
from tests.factories.guardian import make_case
from tests.factories.organisation import make_directorate, make_unit
from tests.factories.responses import make_action
from tests.factories.submissions import make_submission

PUBLIC = {
    "static",
    "pages.privacy",
    "pages.accessibility",
    # For a load balancer: no data, no database for /healthz (tests/reliability).
    "reliability.healthz",
    "reliability.readyz",
    "accounts.sign_in",
    "accounts.forgotten_password",
    "accounts.reset_password",
    # Only while MAIL_BACKEND is "outbox", and then only for admins and loopback requests
    # (the test client's address): tests/test_storage_and_outbox.py.
    "mail.outbox",
    # Anonymous ideas and concerns from signed-out visitors; everything else needs a sign-in
    # (tests/submissions/test_signed_out_front_door.py).
    "submissions.front_door",
    # Anonymous follow-up needs no sign-in: the code and passphrase are the key
    # (tests/submissions/test_anonymity.py).
    "anonymous.check",
    "anonymous.case",
    "anonymous.reply",
    "anonymous.finish",
    # The signed link in a digest is the right (RFC 8058 one-click, no sign-in): see
    # tests/digests/test_unsubscribe.py for the refusal of a tampered link.
    "digests.unsubscribe",
    "anonymous.answer_question",
}
SIGNED_IN = set(Role)
ADMIN_ONLY = {Role.ADMIN}
HANDLERS = {Role.LEADER, Role.GUARDIAN}
MODERATORS = {Role.LEADER, Role.ADMIN}
NOBODY: set[Role] = set()
GUARDIAN = {Role.GUARDIAN}
# Another unit's or directorate's figures: the trust-wide roles only (tests/metrics).
TRUST_WIDE = {Role.GUARDIAN, Role.ADMIN, Role.BOARD}

# endpoint -> (path with ids filled in by `_path`, method, roles allowed)
ROUTES: dict[str, tuple[str, str, set[Role]]] = {
    "pages.home": ("/", "GET", SIGNED_IN),
    "accounts.account": ("/account", "GET", SIGNED_IN),
    "accounts.sign_out": ("/sign-out", "POST", SIGNED_IN),
    "metrics.chart_tool": ("/metrics/chart", "GET", SIGNED_IN),
    "metrics.index": ("/metrics", "GET", SIGNED_IN),
    "metrics.directorate": ("/metrics/directorate/{directorate}", "GET", TRUST_WIDE),
    "metrics.unit": ("/metrics/unit/{unit}", "GET", TRUST_WIDE),
    "metrics.chart": ("/metrics/unit/{unit}/submissions", "GET", TRUST_WIDE),
    "metrics.chart_csv": ("/metrics/directorate/{directorate}/ideas.csv", "GET", TRUST_WIDE),
    "metrics.settings_list": ("/metrics/settings", "GET", ADMIN_ONLY),
    "metrics.edit_setting": ("/metrics/settings/submissions", "GET", ADMIN_ONLY),
    "metrics.add_rebase": ("/metrics/settings/submissions/rebases", "POST", ADMIN_ONLY),
    "metrics.remove_rebase": ("/metrics/settings/submissions/rebases/1/delete", "POST", ADMIN_ONLY),
    "admin_users.list_users": ("/admin/users", "GET", ADMIN_ONLY),
    "admin_users.new_user": ("/admin/users/new", "GET", ADMIN_ONLY),
    "admin_users.edit_user": ("/admin/users/{user}", "GET", ADMIN_ONLY),
    "admin_users.unlock_user": ("/admin/users/{user}/unlock", "POST", ADMIN_ONLY),
    "admin_users.sign_out_everywhere": (
        "/admin/users/{user}/sign-out-everywhere",
        "POST",
        ADMIN_ONLY,
    ),
    "admin_users.import_csv": ("/admin/import", "GET", ADMIN_ONLY),
    "organisation.structure": ("/admin/structure", "GET", ADMIN_ONLY),
    "organisation.edit_directorate": ("/admin/directorates/{directorate}", "GET", ADMIN_ONLY),
    "organisation.edit_unit": ("/admin/units/{unit}", "GET", ADMIN_ONLY),
    "organisation.edit_staff_group": ("/admin/staff-groups/1", "GET", ADMIN_ONLY),
    "audit.events": ("/admin/audit", "GET", ADMIN_ONLY),
    "mail.health": ("/admin/mail", "GET", ADMIN_ONLY),
    "mail.retry": ("/admin/mail/1/retry", "POST", ADMIN_ONLY),
    "scheduler.overview": ("/admin/jobs", "GET", ADMIN_ONLY),
    "responses.unrouted_escalations": ("/admin/escalations", "GET", ADMIN_ONLY),
    "submissions.similar_ideas": ("/speak-up/similar", "POST", SIGNED_IN),
    "submissions.mine": ("/submissions/mine", "GET", SIGNED_IN),
    "submissions.ideas": ("/ideas", "GET", SIGNED_IN),
    "submissions.inbox": ("/inbox", "GET", HANDLERS),
    "submissions.acknowledge": ("/inbox/acknowledge", "POST", HANDLERS),
    "submissions.moderation": ("/moderation", "GET", MODERATORS),
    "submissions.theme_list": ("/admin/themes", "GET", ADMIN_ONLY),
    "submissions.edit_theme": ("/admin/themes/1", "GET", ADMIN_ONLY),
    # Per-submission routes: the rights depend on the submission, so a concern raised by
    # someone else in another unit is refused to every role (see _path).
    "submissions.detail": ("/submissions/{concern}", "GET", {Role.GUARDIAN}),
    "submissions.reply": ("/submissions/{concern}/messages", "POST", NOBODY),
    "submissions.change_status": ("/submissions/{concern}/status", "POST", NOBODY),
    "submissions.merge": ("/submissions/{concern}/merge", "POST", NOBODY),
    "submissions.support": ("/submissions/{concern}/support", "POST", NOBODY),
    "submissions.comment": ("/submissions/{concern}/comments", "POST", NOBODY),
    "submissions.report": ("/submissions/{concern}/report", "POST", NOBODY),
    "submissions.hide": ("/submissions/{concern}/hide", "POST", NOBODY),
    "submissions.unhide": ("/submissions/{concern}/unhide", "POST", NOBODY),
    "submissions.dismiss_report": ("/moderation/reports/{report}/dismiss", "POST", ADMIN_ONLY),
    "responses.boards": ("/boards", "GET", SIGNED_IN),
    "responses.show_board": ("/boards/unit/{unit}", "GET", SIGNED_IN),
    "responses.poster": ("/boards/directorate/{directorate}/poster", "GET", SIGNED_IN),
    "responses.my_actions": ("/actions/mine", "GET", SIGNED_IN),
    "responses.decide": ("/submissions/{concern}/decision", "GET", NOBODY),
    "responses.add_action": ("/submissions/{concern}/actions/new", "GET", NOBODY),
    "responses.publish": ("/submissions/{concern}/publish", "GET", NOBODY),
    "responses.edit_action": ("/actions/{action}", "GET", NOBODY),
    "digests.settings": ("/settings/notifications", "GET", SIGNED_IN),
    "digests.mine": ("/digests", "GET", SIGNED_IN),
    # Someone else's digest: nobody else may read it.
    "digests.show": ("/digests/{digest}", "GET", NOBODY),
    "digests.schedule": ("/admin/digests", "GET", ADMIN_ONLY),
    # The Freedom to Speak Up guardian's workspace: guardians only, pages and exports alike.
    "guardian.home": ("/guardian", "GET", GUARDIAN),
    "guardian.cases": ("/guardian/cases", "GET", GUARDIAN),
    "guardian.new_case": ("/guardian/cases/new", "GET", GUARDIAN),
    "guardian.start_case": ("/guardian/cases/start/{concern}", "POST", GUARDIAN),
    "guardian.case": ("/guardian/cases/{case}", "GET", GUARDIAN),
    "guardian.edit_case": ("/guardian/cases/{case}/edit", "GET", GUARDIAN),
    "guardian.add_entry": ("/guardian/cases/{case}/entries", "POST", GUARDIAN),
    "guardian.reveal": ("/guardian/cases/{case}/reveal", "POST", GUARDIAN),
    "guardian.close": ("/guardian/cases/{case}/close", "POST", GUARDIAN),
    "guardian.record_answers": ("/guardian/cases/{case}/answers", "POST", GUARDIAN),
    "guardian.quarterly_return": ("/guardian/return?quarter=2024-Q1", "GET", GUARDIAN),
    "guardian.quarterly_return_csv": ("/guardian/return.csv?quarter=2024-Q1", "GET", GUARDIAN),
    "guardian.themes": ("/guardian/themes", "GET", GUARDIAN),
    "guardian.themes_csv": ("/guardian/themes.csv", "GET", GUARDIAN),
    "guardian.theme_chart": ("/guardian/themes/chart", "GET", GUARDIAN),
    "guardian.board_report": ("/guardian/report", "GET", GUARDIAN),
    "guardian.save_learning": ("/guardian/report/learning?period=2025", "POST", GUARDIAN),
    "guardian.emerging_themes": ("/guardian/emerging", "GET", GUARDIAN),
    "guardian.decide_suggestion": ("/guardian/emerging/decide", "POST", GUARDIAN),
    "guardian.inbox_export": ("/guardian/inbox.csv", "GET", GUARDIAN),
    # Only the person who raised it answers the closing questions.
    "guardian.answer_question": ("/submissions/{concern}/ftsu-answer", "POST", NOBODY),
}


VALID_FORM = {
    "status": "acknowledged",
    "note": "A note",
    "body": "A message",
    "original": "ID-0000-0000",
    "reason": "A reason",
}


def test_every_route_is_listed(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unlisted = endpoints - PUBLIC - set(ROUTES)
    assert not unlisted, f"add these routes to ROUTES with the roles allowed: {unlisted}"


def _path(template: str) -> str:
    unit = make_unit()
    raiser = make_user(unit=unit)
    concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.OPEN)
    action = make_action(concern, owner=raiser)
    idea = make_submission(raiser)
    report = ContentReport(
        reporter_id=raiser.id, submission_id=idea.id, reason="Rude", created_at=utcnow()
    )
    db.session.add(report)
    db.session.commit()
    case = make_case(concern.submitted_on, mode="confidential", person="Someone")
    return template.format(
        case=case.id,
        report=report.id,
        user=raiser.id,
        unit=unit.id,
        directorate=make_directorate().id,
        concern=concern.id,
        action=action.id,
        digest=make_digest(raiser).id,
    )


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_signed_out_visitors_are_sent_to_sign_in(endpoint: str, client: FlaskClient) -> None:
    template, method, _ = ROUTES[endpoint]
    response = client.open(_path(template), method=method)
    assert response.status_code == 302
    assert "/sign-in" in response.location


@pytest.mark.parametrize(
    ("endpoint", "role"),
    [(e, r) for e in sorted(ROUTES) for r in Role if r not in ROUTES[e][2]],
)
def test_roles_without_the_right_are_refused(
    endpoint: str, role: Role, client: FlaskClient
) -> None:
    template, method, _ = ROUTES[endpoint]
    sign_in(client, make_user(role))
    # A complete, valid form: the refusal must come from the right, not from the input.
    response = client.open(_path(template), method=method, data=VALID_FORM)
    assert response.status_code == 403
    assert "You cannot see this page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("endpoint", "role"),
    [(e, r) for e in sorted(ROUTES) for r in Role if r in ROUTES[e][2] and ROUTES[e][1] == "GET"],
)
def test_roles_with_the_right_are_served(endpoint: str, role: Role, client: FlaskClient) -> None:
    template, _, _ = ROUTES[endpoint]
    sign_in(client, make_user(role))
    response = client.get(_path(template))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You cannot see this page" not in page
    assert response.mimetype != "text/html" or "<h1" in page, "the page itself is served"
