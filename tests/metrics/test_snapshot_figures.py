"""Snapshot figures against weeks counted by hand, for a unit, a directorate and the trust.

The small trust: Surgery has Ward A (20 staff) and Ward B (30), Medicine has Ward C (50).
The week counted is Monday 2 to Sunday 8 March 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from engage.extensions import db
from engage.metrics.jobs import run_snapshot_job
from engage.metrics.models import Level
from engage.metrics.registry import METRICS
from engage.responses.models import Action, ActionStatus, Decision, Outcome, Publication
from engage.submissions import social, workflow
from engage.submissions.models import Kind, SpeakUpMode, Status
from tests.factories.submissions import theme
from tests.metrics.snapshot_helpers import SmallTrust, figure, small_trust, submitted, trust_figure

WEEK = date(2026, 3, 2)
NEXT_WEEK = date(2026, 3, 9)
# Monday 16 March 2026, 02:00 in London (GMT): the weeks up to 9 March are complete.
AFTER_NEXT_WEEK = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)


@pytest.fixture
def trust(app_context: None) -> SmallTrust:
    return small_trust()


def test_a_week_with_merged_hidden_and_anonymous_submissions(trust: SmallTrust) -> None:
    t = trust
    original = submitted(t.alice, t.ward_a, date(2026, 3, 2))
    duplicate = submitted(t.alice, t.ward_a, date(2026, 3, 3))
    workflow.merge_idea(t.leader, duplicate.id, original.reference)
    hidden = submitted(t.bob, t.ward_a, date(2026, 3, 6), mode=SpeakUpMode.CONFIDENTIAL)
    social.hide_submission(t.leader, hidden.id, "Names a colleague")
    submitted(
        t.alice,
        t.ward_a,
        date(2026, 3, 8),
        kind=Kind.CONCERN,
        mode=SpeakUpMode.ANONYMOUS,
        theme_name="Patient safety and quality",
        patient_safety=True,
    )
    submitted(t.carol, t.ward_b, date(2026, 3, 4), kind=Kind.CONCERN)
    submitted(t.alice, t.ward_c, date(2026, 3, 5))  # Alice again, in another directorate
    submitted(t.carol, t.ward_b, date(2026, 3, 1))  # the Sunday before: not this week
    submitted(t.carol, t.ward_b, date(2026, 3, 9))  # the Monday after: not this week
    assert db.session.get(type(duplicate), duplicate.id).status == Status.MERGED.value

    run_snapshot_job(AFTER_NEXT_WEEK)

    a, b, c = t.ward_a.id, t.ward_b.id, t.ward_c.id
    # Ward A: the original, the merged duplicate, the hidden idea and the anonymous concern.
    assert figure(Level.UNIT, a, "submissions", WEEK) == (4, None, 4.0)
    assert figure(Level.UNIT, a, "ideas", WEEK) == (3, None, 3.0)
    assert figure(Level.UNIT, a, "concerns", WEEK) == (1, None, 1.0)
    assert figure(Level.UNIT, a, "submissions_per_100_staff", WEEK) == (4, 20, 20.0)
    # Alice and Bob; the anonymous concern is not a known person.
    assert figure(Level.UNIT, a, "participation", WEEK) == (2, 20, 10.0)
    assert figure(Level.UNIT, a, "anonymous_share", WEEK) == (1, 4, 25.0)
    assert figure(Level.UNIT, a, "patient_safety_concerns", WEEK) == (1, None, 1.0)
    safety = theme("Patient safety and quality").id
    assert figure(Level.UNIT, a, "concerns_by_theme", WEEK, safety) == (1, None, 1.0)
    staffing = theme("Staffing and workload").id
    assert figure(Level.UNIT, a, "concerns_by_theme", WEEK, staffing) == (0, None, 0.0)
    assert figure(Level.UNIT, b, "submissions", WEEK) == (1, None, 1.0)
    assert figure(Level.UNIT, b, "submissions", NEXT_WEEK) == (1, None, 1.0)
    assert figure(Level.UNIT, c, "participation", WEEK) == (1, 50, 2.0)

    surgery = t.surgery.id
    assert figure(Level.DIRECTORATE, surgery, "submissions", WEEK) == (5, None, 5.0)
    assert figure(Level.DIRECTORATE, surgery, "concerns", WEEK) == (2, None, 2.0)
    assert figure(Level.DIRECTORATE, surgery, "participation", WEEK) == (3, 50, 6.0)
    assert figure(Level.DIRECTORATE, surgery, "anonymous_share", WEEK) == (1, 5, 20.0)
    assert figure(Level.DIRECTORATE, surgery, "concerns_by_theme", WEEK, staffing)[0] == 1
    assert figure(Level.DIRECTORATE, t.medicine.id, "submissions", WEEK) == (1, None, 1.0)

    assert trust_figure("submissions", WEEK) == (6, None, 6.0)
    assert trust_figure("submissions_per_100_staff", WEEK) == (6, 100, 6.0)
    # Alice submitted in two directorates: one person, not two (no sum of the units' counts).
    assert trust_figure("participation", WEEK) == (3, 100, 3.0)
    assert trust_figure("anonymous_share", WEEK)[:2] == (1, 6)
    # The merge happened today, outside the weeks computed: the merged idea is not decided
    # in March, and the unit has no other decisions yet.
    assert figure(Level.UNIT, a, "median_days_to_decision", WEEK) == (None, 0, None)


def test_acknowledgement_clocks_and_median_counted_by_hand(trust: SmallTrust) -> None:
    t = trust
    # Five working days to acknowledge: each is due the same weekday of the next week.
    submitted(t.alice, t.ward_a, date(2026, 3, 2), acknowledged_on=date(2026, 3, 4))  # 2, met
    submitted(t.alice, t.ward_a, date(2026, 3, 3), acknowledged_on=date(2026, 3, 11))  # 6, late
    submitted(t.bob, t.ward_a, date(2026, 3, 4))  # never acknowledged: missed
    submitted(t.carol, t.ward_b, date(2026, 3, 5), acknowledged_on=date(2026, 3, 10))  # 3, met

    run_snapshot_job(AFTER_NEXT_WEEK)

    a, b, surgery = t.ward_a.id, t.ward_b.id, t.surgery.id
    # Due in the week of 9 March: all four.
    assert figure(Level.UNIT, a, "acknowledged_within_target", NEXT_WEEK)[:2] == (1, 3)
    assert figure(Level.UNIT, b, "acknowledged_within_target", NEXT_WEEK) == (1, 1, 100.0)
    assert figure(Level.DIRECTORATE, surgery, "acknowledged_within_target", NEXT_WEEK) == (
        2,
        4,
        50.0,
    )
    # Nothing fell due in the week of 2 March: no figure rather than 0%.
    assert trust_figure("acknowledged_within_target", WEEK) == (0, 0, None)
    # Medians by the week of acknowledgement: 2 in the first week; 6 and 3 in the next.
    assert figure(Level.UNIT, a, "median_working_days_to_acknowledge", WEEK) == (None, 1, 2.0)
    assert figure(Level.UNIT, a, "median_working_days_to_acknowledge", NEXT_WEEK)[1:] == (1, 6.0)
    assert figure(Level.UNIT, b, "median_working_days_to_acknowledge", NEXT_WEEK)[1:] == (1, 3.0)
    # The directorate's median is of the items (3 and 6), not a median of medians.
    directorate_median = figure(
        Level.DIRECTORATE, surgery, "median_working_days_to_acknowledge", NEXT_WEEK
    )
    assert directorate_median[1:] == (2, 4.5)


def test_decisions_actions_and_publications_counted_by_hand(trust: SmallTrust) -> None:
    t = trust
    on_time = submitted(t.alice, t.ward_a, date(2026, 3, 2), acknowledged_on=date(2026, 3, 3))
    late = submitted(t.bob, t.ward_a, date(2026, 3, 2), acknowledged_on=date(2026, 3, 3))
    submitted(t.carol, t.ward_a, date(2026, 3, 2))  # never decided
    refused = submitted(t.carol, t.ward_b, date(2026, 3, 2), acknowledged_on=date(2026, 3, 3))
    decisions = [
        (on_time, Outcome.ADOPT, date(2026, 3, 20)),  # 18 days, due 1 April
        (late, Outcome.PILOT, date(2026, 4, 3)),  # 32 days
        (refused, Outcome.NOT_TAKEN_FORWARD, date(2026, 3, 19)),  # 17 days
    ]
    for submission, outcome, decided_on in decisions:
        db.session.add(
            Decision(
                submission_id=submission.id,
                outcome=outcome.value,
                response="Thank you.",
                reason="No budget" if outcome is Outcome.NOT_TAKEN_FORWARD else None,
                decided_by_id=t.leader.id,
                decided_on=decided_on,
                decided_at=datetime(decided_on.year, decided_on.month, decided_on.day, 11),
            )
        )
    # Actions due in the week of 2 March: one done early, one done late, one not done, one
    # dropped (left out), and a parent counted only through its steps.
    parent = _action(on_time.id, t, date(2026, 3, 5), ActionStatus.IN_PROGRESS, None)
    db.session.flush()
    _action(on_time.id, t, date(2026, 3, 4), ActionStatus.DONE, date(2026, 3, 3), parent.id)
    _action(on_time.id, t, date(2026, 3, 5), ActionStatus.DONE, date(2026, 3, 6), parent.id)
    _action(on_time.id, t, date(2026, 3, 6), ActionStatus.IN_PROGRESS, None)
    _action(on_time.id, t, date(2026, 3, 6), ActionStatus.DROPPED, None)
    db.session.add(
        Publication(
            submission_id=on_time.id,
            unit_id=t.ward_a.id,
            theme_id=on_time.theme_id,
            you_said="A float nurse",
            we_did="We funded one",
            published_on=date(2026, 3, 8),
            published_by_id=t.leader.id,
        )
    )
    db.session.commit()

    run_snapshot_job(datetime(2026, 4, 13, 2, 0, tzinfo=UTC))

    a, surgery = t.ward_a.id, t.surgery.id
    due_week = date(2026, 3, 30)
    assert figure(Level.UNIT, a, "decided_within_target", due_week)[:2] == (1, 3)
    assert figure(Level.DIRECTORATE, surgery, "decided_within_target", due_week) == (2, 4, 50.0)
    assert figure(Level.UNIT, a, "median_days_to_decision", date(2026, 3, 16))[1:] == (1, 18.0)
    assert figure(Level.UNIT, a, "median_days_to_decision", due_week)[1:] == (1, 32.0)
    directorate_median = figure(
        Level.DIRECTORATE, surgery, "median_days_to_decision", date(2026, 3, 16)
    )
    assert directorate_median[1:] == (2, 17.5)
    # Adopt and pilot count; not taken forward does not.
    assert figure(Level.UNIT, a, "ideas_adopted", date(2026, 3, 16))[0] == 1
    assert figure(Level.UNIT, a, "ideas_adopted", due_week)[0] == 1
    assert figure(Level.DIRECTORATE, surgery, "ideas_adopted", date(2026, 3, 16))[0] == 1
    assert figure(Level.UNIT, a, "actions_completed_on_time", WEEK)[:2] == (1, 3)
    assert trust_figure("published", WEEK) == (1, None, 1.0)
    assert trust_figure("published", NEXT_WEEK) == (0, None, 0.0)


def _action(
    submission_id: int,
    t: SmallTrust,
    due_on: date,
    status: ActionStatus,
    completed_on: date | None,
    parent_id: int | None = None,
) -> Action:
    now = datetime(2026, 3, 1, 9)
    action = Action(
        submission_id=submission_id,
        parent_id=parent_id,
        description="Do it",
        owner_id=t.leader.id,
        due_on=due_on,
        status=status.value,
        progress=100 if status is ActionStatus.DONE else 0,
        dropped_reason="Not needed" if status is ActionStatus.DROPPED else None,
        completed_on=completed_on,
        created_at=now,
        updated_at=now,
    )
    db.session.add(action)
    return action


def test_every_unit_directorate_and_the_trust_has_every_metric_every_week(
    trust: SmallTrust, app: Flask
) -> None:
    result = run_snapshot_job(AFTER_NEXT_WEEK)
    themes = len(db.session.scalars(db.select(theme("Staffing and workload").__class__)).all())
    per_entity = (len(METRICS) - 1) + themes  # concerns by theme: one series per theme
    entities = 3 + 2 + 1
    assert result == {"weeks": 8, "rows": 8 * entities * per_entity, "caught_up_weeks": 0}
    assert figure(Level.UNIT, trust.ward_c.id, "submissions", WEEK) == (0, None, 0.0)
