"""Replies are signed by the handler's role and area, and on open items by their name too;
never "the person handling it" (issue 14)."""

from __future__ import annotations

from flask.testing import FlaskClient

from engage.accounts.models import Role
from engage.submissions.models import Kind, SpeakUpMode
from tests.factories.accounts import make_user, sign_in
from tests.factories.organisation import make_directorate, make_unit
from tests.factories.submissions import (
    PASSPHRASE,
    heading_seen_by,
    leader_replies_on_a_ward,
    make_submission,
    message_heading,
    reply,
    submit_anonymously,
)


def test_an_open_items_reply_names_the_leader_and_their_role(client: FlaskClient) -> None:
    scene = leader_replies_on_a_ward(
        client, "We will trial it", ward_name="Ward 9", leader_name="Sam Jones"
    )
    heading = heading_seen_by(client, scene.raiser, scene.idea.id, "We will trial it")
    assert "Sam Jones (Leader, Ward 9)" in heading
    assert "person handling it" not in heading


def test_a_confidential_items_reply_gives_the_role_not_the_name(client: FlaskClient) -> None:
    surgery = make_directorate("Surgery")
    ward = make_unit(directorate=surgery)
    raiser = make_user(unit=ward)
    leader = make_user(Role.LEADER, name="Alex Lead", leads_directorates=(surgery,))
    idea = make_submission(raiser, kind=Kind.IDEA, mode=SpeakUpMode.CONFIDENTIAL)
    reply(client, leader, idea.id, "Looking into it")
    heading = heading_seen_by(client, raiser, idea.id, "Looking into it")
    assert "Reply from Directorate leader, Surgery" in heading
    assert "Alex Lead" not in heading


def test_the_guardians_reply_is_signed_as_the_guardian(client: FlaskClient) -> None:
    ward = make_unit()
    raiser = make_user(unit=ward)
    guardian = make_user(Role.GUARDIAN, name="Gerry Guardian")
    concern = make_submission(raiser, kind=Kind.CONCERN, mode=SpeakUpMode.CONFIDENTIAL)
    reply(client, guardian, concern.id, "Thank you for telling me")
    heading = heading_seen_by(client, raiser, concern.id, "Thank you for telling me")
    assert "Reply from Freedom to Speak Up guardian" in heading
    assert "Gerry Guardian" not in heading


def test_an_anonymous_submitter_sees_the_role_only(client: FlaskClient) -> None:
    ward = make_unit()
    guardian = make_user(Role.GUARDIAN, name="Gerry Guardian")
    receipt = submit_anonymously(
        ward,
        title="Rota pressure",
        description="People are pressured to swap shifts at short notice.",
    )
    reply(client, guardian, receipt.submission_id, "Can you say which weeks")
    client.post("/check", data={"reference": receipt.followup_code, "passphrase": PASSPHRASE})
    page = client.get("/check/case").get_data(as_text=True)
    heading = message_heading(page, "Can you say which weeks")
    assert "Reply from Freedom to Speak Up guardian" in heading
    assert "Gerry Guardian" not in page


def test_the_decision_is_signed_as_a_reply_is(client: FlaskClient) -> None:
    ward = make_unit("Ward 12")
    raiser = make_user(unit=ward)
    leader = make_user(Role.LEADER, name="Sam Jones", leads_units=(ward,))
    open_idea = make_submission(raiser, kind=Kind.IDEA)
    confidential = make_submission(raiser, kind=Kind.IDEA, mode=SpeakUpMode.CONFIDENTIAL)
    sign_in(client, leader)
    for idea in (open_idea, confidential):
        client.post(
            f"/submissions/{idea.id}/decision", data={"outcome": "adopt", "response": "Yes."}
        )
    client.post("/sign-out")
    sign_in(client, raiser)
    page = client.get(f"/submissions/{open_idea.id}").get_data(as_text=True)
    assert "by Sam Jones (Leader, Ward 12)</p>" in page
    page = client.get(f"/submissions/{confidential.id}").get_data(as_text=True)
    assert "by Leader, Ward 12</p>" in page and "Sam Jones" not in page
