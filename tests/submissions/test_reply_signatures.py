"""Replies are signed by the handler's role and area, and on open items by their name too;
never "the person handling it" (issue 14); and keep what they were signed as when the handler
moves on."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import update

from engage.accounts.models import LeaderScope, Role
from engage.extensions import db
from engage.responses import services as responses
from engage.responses.models import Outcome
from engage.submissions import services, signatures
from engage.submissions.models import Kind, Message, SpeakUpMode
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


def test_a_reply_keeps_its_signature_when_the_leader_moves_on(client: FlaskClient) -> None:
    """What a reply was signed as is part of the record: the ward's leader going on to lead
    its directorate instead, then another ward, then becoming the guardian, changes nothing."""
    scene = leader_replies_on_a_ward(
        client, "We will trial it", ward_name="Ward 9", leader_name="Sam Jones"
    )
    ward = db.session.merge(scene.ward)
    moves = [
        (Role.LEADER, [LeaderScope(directorate=ward.directorate)]),
        (Role.LEADER, [LeaderScope(unit=make_unit("Ward 4"))]),
        (Role.GUARDIAN, []),
    ]
    for role, scopes in moves:
        leader = db.session.merge(scene.leader)
        leader.role, leader.scopes = role.value, scopes
        db.session.commit()
        heading = heading_seen_by(client, scene.raiser, scene.idea.id, "We will trial it")
        assert "Reply from Sam Jones (Leader, Ward 9)" in heading, role


def test_a_confidential_reply_stays_unnamed_when_the_leader_moves_on(client: FlaskClient) -> None:
    surgery = make_directorate("Surgery")
    raiser = make_user(unit=make_unit(directorate=surgery))
    leader = make_user(Role.LEADER, name="Alex Lead", leads_directorates=(surgery,))
    idea = make_submission(raiser, kind=Kind.IDEA, mode=SpeakUpMode.CONFIDENTIAL)
    reply(client, leader, idea.id, "Looking into it")
    leader = db.session.merge(leader)
    leader.role, leader.scopes = Role.GUARDIAN.value, []
    db.session.commit()
    heading = heading_seen_by(client, raiser, idea.id, "Looking into it")
    assert "Reply from Directorate leader, Surgery" in heading
    assert "Alex Lead" not in heading


def test_replies_signed_in_bulk_read_as_replies_signed_one_by_one(app_context: None) -> None:
    """sign_unsigned (the demo seed's, in SQL) gives each reply the words
    signature() gives it: name or not, unit, directorate, other ward, other roles, no author."""
    surgery = make_directorate("Surgery")
    ward = make_unit("Ward 9", directorate=surgery)
    raiser = make_user(unit=ward)
    handlers = [
        make_user(Role.LEADER, name="Sam Jones", leads_units=(ward,)),
        make_user(Role.LEADER, name="Alex Lead", leads_directorates=(surgery,)),
        make_user(Role.LEADER, name="Pat Other", leads_units=(make_unit("Ward 4"),)),
        make_user(Role.GUARDIAN, name="Gerry Guardian"),
        make_user(Role.ADMIN, name="Ada Admin"),
        None,
    ]
    items = [
        make_submission(raiser, kind=Kind.IDEA, unit=ward, mode=mode)
        for mode in (SpeakUpMode.OPEN, SpeakUpMode.CONFIDENTIAL)
    ]
    messages = [
        services.add_message(item, author, "handler", "Noted")
        for item in items
        for author in handlers
    ]
    messages.append(services.add_message(items[0], raiser, "submitter", "Thanks"))
    db.session.commit()
    one_by_one = [m.signed_as for m in messages]
    db.session.execute(update(Message).values(signed_as=None))
    signatures.sign_unsigned()
    db.session.expire_all()
    assert [m.signed_as for m in messages] == one_by_one
    assert one_by_one[:6] == [
        "Sam Jones (Leader, Ward 9)",
        "Alex Lead (Directorate leader, Surgery)",
        "Pat Other (Leader, Ward 9)",
        "Gerry Guardian (Freedom to Speak Up guardian)",
        "Ada Admin (Administrator)",
        "a former member of the team handling it",
    ]
    assert one_by_one[6:] == [
        "Leader, Ward 9",
        "Directorate leader, Surgery",
        "Leader, Ward 9",
        "Freedom to Speak Up guardian",
        "Administrator",
        "a former member of the team handling it",
        None,
    ]


def test_a_decision_keeps_who_it_was_decided_by_when_the_leader_moves_on(
    client: FlaskClient,
) -> None:
    """The response panel's "by Sam Jones (Leader, Ward 9)" is the decision's record too."""
    scene = leader_replies_on_a_ward(
        client, "We will trial it", ward_name="Ward 9", leader_name="Sam Jones"
    )
    details = responses.DecisionDetails(outcome=Outcome.ADOPT, response="Adopted on Ward 9")
    responses.decide(db.session.merge(scene.leader), scene.idea.id, details)
    db.session.commit()
    sign_in(client, scene.raiser)
    by = ", by Sam Jones (Leader, Ward 9)"
    assert by in client.get(f"/submissions/{scene.idea.id}").get_data(as_text=True)
    for role, scopes in [
        (Role.LEADER, [LeaderScope(unit=make_unit("Ward 4"))]),
        (Role.GUARDIAN, []),
    ]:
        leader = db.session.merge(scene.leader)
        leader.role, leader.scopes = role.value, scopes
        db.session.commit()
        page = client.get(f"/submissions/{scene.idea.id}").get_data(as_text=True)
        assert by in page, role
        assert "Ward 4" not in page and "Freedom to Speak Up guardian" not in page
