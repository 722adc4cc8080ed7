"""The access and identity rules as people meet them on pages: what a leader, a colleague and
the guardian are shown, and which reports a moderator sees."""

from __future__ import annotations

from flask.testing import FlaskClient

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.submissions.models import ContentReport, Kind, SpeakUpMode
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_unit
from tests.factories.submissions import make_submission

HIDDEN_NAME = "Confidential: known only to the Freedom to Speak Up guardian"


def _as(client: FlaskClient, user: User) -> FlaskClient:
    browser = client.application.test_client()
    sign_in(browser, user)
    return browser


def _page(browser: FlaskClient, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_confidential_ideas_raiser_is_named_to_no_leader_or_colleague(
    client: FlaskClient,
) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward, name="Quinn Quietly")
    leader = make_user(Role.LEADER, leads_units=(ward,))
    colleague = make_user(unit=ward)
    guardian = make_user(Role.GUARDIAN, unit=ward)
    idea = make_submission(raiser, mode=SpeakUpMode.CONFIDENTIAL, title="Swap the rota app")
    url = f"/submissions/{idea.id}"
    for viewer in (leader, colleague):
        page = _page(_as(client, viewer), url)
        assert "Swap the rota app" in page and HIDDEN_NAME in page
        assert "Quinn Quietly" not in page
    own = _page(_as(client, raiser), url)
    assert "Quinn Quietly (you), confidentially: only the guardian can learn it" in own
    guardian_page = _page(_as(client, guardian), url)
    assert "Quinn Quietly" not in guardian_page, "not until the guardian reveals it"


def test_an_open_ideas_raiser_is_named_to_everyone_who_can_see_it(client: FlaskClient) -> None:
    ward = make_unit()
    idea = make_submission(make_user(unit=ward, name="Olu Openly"), title="Water jugs")
    for viewer in (make_user(Role.LEADER, leads_units=(ward,)), make_user(unit=ward)):
        page = _page(_as(client, viewer), f"/submissions/{idea.id}")
        assert "Olu Openly" in page and HIDDEN_NAME not in page


def test_a_leader_cannot_act_on_a_concern_in_the_guardians_queue_of_their_unit(
    client: FlaskClient,
) -> None:
    ward = make_unit()
    leader = _as(client, make_user(Role.LEADER, leads_units=(ward,)))
    concern = make_submission(
        make_user(unit=ward), kind=Kind.CONCERN, to_guardian=True, title="Bullying on nights"
    )
    assert "Bullying on nights" not in _page(leader, "/inbox")
    assert leader.get(f"/submissions/{concern.id}").status_code == 403
    refused = leader.post(f"/submissions/{concern.id}/messages", data={"body": "Hello"})
    assert refused.status_code == 403
    status = leader.post(f"/submissions/{concern.id}/status", data={"status": "acknowledged"})
    assert status.status_code == 403


def test_the_publish_form_suggests_the_title_only_for_open_items(client: FlaskClient) -> None:
    ward = make_unit()
    leader = _as(client, make_user(Role.LEADER, leads_units=(ward,)))
    raiser = make_user(unit=ward)
    open_idea = make_submission(raiser, title="Longer handover slot")
    hidden = make_submission(raiser, mode=SpeakUpMode.CONFIDENTIAL, title="Private rota swap")
    for idea in (open_idea, hidden):  # the form is for decided items
        decision = {"outcome": "adopt", "response": "We will."}
        assert leader.post(f"/submissions/{idea.id}/decision", data=decision).status_code == 302
    open_form = _page(leader, f"/submissions/{open_idea.id}/publish")
    assert ">Longer handover slot</textarea>" in open_form
    assert "Raised openly" not in open_form
    confidential_form = _page(leader, f"/submissions/{hidden.id}/publish")
    assert "Private rota swap</textarea>" not in confidential_form
    assert "Raised confidentially" in confidential_form


def _report(reporter: User, idea_id: int, reason: str) -> None:
    from engage.submissions import social

    social.report(reporter, reason, submission_id=idea_id)


def test_leaders_see_only_the_reports_about_ideas_they_lead(client: FlaskClient) -> None:
    ward, elsewhere = make_unit(), make_unit()
    here_idea = make_submission(make_user(unit=ward))
    there_idea = make_submission(make_user(unit=elsewhere))
    with client.application.test_request_context():
        _report(make_user(unit=ward), here_idea.id, "Names a patient here")
        _report(make_user(unit=elsewhere), there_idea.id, "Names a patient there")
    there_report = db.session.query(ContentReport).filter_by(submission_id=there_idea.id).one()

    unit_leader = _as(client, make_user(Role.LEADER, leads_units=(ward,)))
    page = _page(unit_leader, "/moderation")
    assert "Names a patient here" in page and "Names a patient there" not in page
    dismiss = unit_leader.post(f"/moderation/reports/{there_report.id}/dismiss")
    assert dismiss.status_code == 403

    directorate_lead = make_user(Role.LEADER, leads_directorates=(elsewhere.directorate,))
    page = _page(_as(client, directorate_lead), "/moderation")
    assert "Names a patient there" in page and "Names a patient here" not in page

    both = _page(_as(client, make_user(Role.ADMIN)), "/moderation")
    assert "Names a patient here" in both and "Names a patient there" in both

    staff = _as(client, make_user(unit=ward))
    assert staff.get("/moderation").status_code == 403
    guardian = _as(client, make_user(Role.GUARDIAN))
    assert guardian.get("/moderation").status_code == 403


def test_the_inbox_unit_filter_offers_only_the_units_handled(client: FlaskClient) -> None:
    here = make_unit("Zebra Ward")
    also = make_unit("Aardvark Ward", here.directorate)
    elsewhere = make_unit("Middle Ward")
    leader = _as(client, make_user(Role.LEADER, leads_directorates=(here.directorate,)))
    page = _page(leader, "/inbox")
    assert "Middle Ward" not in page
    assert page.index("Aardvark Ward") < page.index("Zebra Ward"), "in name order"
    guardian = _page(_as(client, make_user(Role.GUARDIAN)), "/inbox")
    assert all(unit.name in guardian for unit in (here, also, elsewhere))


def test_an_unknown_number_and_someone_elses_concern_are_told_apart(client: FlaskClient) -> None:
    import pytest

    from engage.errors import NotFound, PermissionDenied
    from engage.submissions import access

    concern = make_submission(make_user(), kind=Kind.CONCERN)
    with client.application.test_request_context():
        stranger = make_user()
        with pytest.raises(NotFound) as missing:
            access.get_visible(stranger, 999_999_999)
        assert missing.value.message == "There is no idea or concern with that number."
        with pytest.raises(PermissionDenied) as refused:
            access.get_visible(stranger, concern.id)
        assert refused.value.message == (
            "You cannot see this idea or concern. Concerns are seen only by the person who "
            "raised them and the people handling them."
        )
