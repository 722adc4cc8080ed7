from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from engage.forms import DateInputField, int_or_none, options, written
from engage.responses.actions import DESCRIPTION_MAX
from engage.responses.models import ACTION_STATUS_LABELS, OUTCOME_LABELS, SUMMARY_MAX
from engage.responses.services import RESPONSE_MAX
from engage.timeutil import london_today

OUTCOME_HINTS = {
    "adopt": "It will happen as suggested.",
    "adapt": "It will happen, changed to fit.",
    "pilot": "It will be tried first, then reviewed.",
    "not_taken_forward": (
        "It will not happen now. You must say why; the person who raised it sees the reason."
    ),
    "already_in_hand": "Work already planned covers it. Choose that action below.",
}


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=options((o.value, label) for o, label in OUTCOME_LABELS.items()),
        validators=[InputRequired("Select a decision")],
    )
    response = written(
        TextAreaField,
        "Your response to the person who raised it",
        noun="Response",
        maximum=RESPONSE_MAX,
        blank="Write your response to the person who raised it",
        description="Thank them, say what you decided and what happens next. They see this.",
    )
    reason = written(
        TextAreaField, "Reason it is not being taken forward", noun="Reason", maximum=RESPONSE_MAX
    )
    existing_action_id = SelectField("Action that already covers it", coerce=int_or_none)

    def validate_reason(self, field: TextAreaField) -> None:
        if self.outcome.data == "not_taken_forward" and not (field.data or "").strip():
            raise ValidationError("Give the reason it is not being taken forward")

    def validate_existing_action_id(self, field: SelectField) -> None:
        if self.outcome.data == "already_in_hand" and field.data is None:
            raise ValidationError("Select the action that already covers this")


class ActionForm(FlaskForm):
    description = written(
        TextAreaField,
        "What will be done",
        noun="Description",
        maximum=DESCRIPTION_MAX,
        blank="Describe the action",
    )
    # The service checks the owner is in scope, with a clearer message than "not a choice".
    owner_id = SelectField("Owner", coerce=int_or_none, validate_choice=False)
    due_on = DateInputField(
        "Due date",
        noun="Due date",
        blank="Enter a due date",
        not_before=(london_today, "Due date must be today or in the future"),
        description="For example, 31 1 2027",
    )
    status = SelectField(
        "Status",
        choices=options((s.value, label) for s, label in ACTION_STATUS_LABELS.items()),
        default="planned",
    )
    progress = IntegerField(
        "Progress (%)",
        default=0,
        validators=[
            InputRequired("Enter progress as a whole number from 0 to 100"),
            NumberRange(min=0, max=100, message="Progress must be a whole number from 0 to 100"),
        ],
    )
    dropped_reason = written(TextAreaField, "If dropped, why", noun="Reason", maximum=500)
    parent_id = SelectField("Part of", coerce=int_or_none)

    def validate_owner_id(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError("Choose an owner")


class PublicationForm(FlaskForm):
    you_said = written(
        TextAreaField,
        "You said",
        noun="Summary",
        maximum=SUMMARY_MAX,
        blank="Summarise what was raised",
        description="A short summary of what was raised, for all staff to read.",
        too_long=f"Keep it to {SUMMARY_MAX} characters or fewer",
    )
    we_did = written(
        TextAreaField,
        "We did",
        noun="Summary",
        maximum=SUMMARY_MAX,
        blank="Summarise what changed",
        description="What changed as a result.",
        too_long=f"Keep it to {SUMMARY_MAX} characters or fewer",
    )
    submitter_agreed = BooleanField("The person who raised it agreed to be quoted")


class BoardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    theme_id = SelectField("Theme", coerce=int_or_none, default=None)
    quarter = SelectField("Quarter", default="")
