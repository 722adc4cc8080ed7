from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, ValidationError

from engage.forms import DateInputField, NotBlank, clean_text, int_or_none, options, written
from engage.guardian.models import (
    CHANNEL_LABELS,
    DETRIMENT_LABELS,
    ENTRY_LABELS,
    NOTE_MAX,
    OUTCOME_MAX,
    PERSON_MAX,
    REASON_MAX,
    REFERRAL_LABELS,
    SPEAK_UP_AGAIN_LABELS,
    SUMMARY_MAX,
    Channel,
)
from engage.submissions.models import SpeakUpMode
from engage.timeutil import london_today

MODE_LABELS = {
    SpeakUpMode.OPEN: "Openly: the person is happy to be named",
    SpeakUpMode.CONFIDENTIAL: ("Confidentially: known only to the guardian"),
    SpeakUpMode.ANONYMOUS: "Anonymously: nobody knows who raised it",
}


class ThemeChoices(SelectMultipleField):
    """Checkboxes of themes: coerced to whole numbers, with anything else ignored."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [v for v in (int_or_none(value) for value in valuelist) if v is not None]

    def pre_validate(self, form: Any) -> None:
        known = {choice.value for choice in self.choices or ()}
        self.data = [value for value in self.data or () if value in known]


class CaseForm(FlaskForm):
    theme_ids = ThemeChoices(
        "Themes",
        description="Choose every theme the case has an element of.",
        coerce=int,
    )
    unit_id = SelectField("Unit", coerce=int_or_none, default=None)
    staff_group_id = SelectField("Worker group", coerce=int_or_none, default=None)
    detriment_indicated = BooleanField(
        "The person indicates they are suffering detriment as a result of speaking up"
    )
    summary = written(
        TextAreaField,
        "Summary (for your records)",
        noun="Summary",
        maximum=SUMMARY_MAX,
        description="What was raised, in your words. Never shown outside your workspace.",
    )

    def validate_theme_ids(self, field: ThemeChoices) -> None:
        if not field.data:
            raise ValidationError("Choose at least one theme for the case")


class OutsideCaseForm(CaseForm):
    channel = RadioField(
        "How was it raised?",
        choices=options(
            [(c.value, label) for c, label in CHANNEL_LABELS.items() if c is not Channel.ENGAGE]
        ),
        validators=[InputRequired(message="Select how the case was raised")],
    )
    mode = RadioField(
        "How does the person want to speak up?",
        choices=options([(m.value, label) for m, label in MODE_LABELS.items()]),
        validators=[InputRequired(message="Select openly, confidentially or anonymously")],
    )
    raised_on = DateInputField(
        "Date raised",
        noun="Date raised",
        blank="Enter the date it was raised",
        not_after=(london_today, "Date raised must be today or in the past"),
        description="For example, 14 7 2026",
    )
    person = written(
        StringField,
        "Who raised it, and how to contact them",
        noun="Who raised it",
        maximum=PERSON_MAX,
        description="Leave empty for an anonymous case. A confidential name stays hidden "
        "until you reveal it with a reason.",
    )
    summary = written(
        TextAreaField,
        "Summary",
        noun="Summary",
        maximum=SUMMARY_MAX,
        blank="Summarise what was raised",
    )


class EntryForm(FlaskForm):
    kind = RadioField(
        "What are you recording?",
        choices=options(list(ENTRY_LABELS.items())),
        validators=[InputRequired(message="Select what you are recording")],
    )
    referred_to = SelectField(
        "Referred to (for a referral)",
        choices=options([("", "Not a referral"), *REFERRAL_LABELS.items()]),
        default="",
    )
    happened_on = DateInputField(
        "Date",
        noun="Date",
        blank="Enter the date",
        not_after=(london_today, "Date must be today or in the past"),
        description="For example, 14 7 2026",
    )
    body = written(
        TextAreaField, "Details", noun="The entry", maximum=NOTE_MAX, blank="Write what happened"
    )


class RevealForm(FlaskForm):
    reason = written(
        StringField,
        "Why do you need to see who raised it?",
        noun="Reason",
        maximum=REASON_MAX,
        blank="Say why you need to see who raised it",
        description="Recorded with your name and the time, on this case and in the audit log.",
    )


class CloseForm(FlaskForm):
    outcome = written(
        TextAreaField,
        "Outcome",
        noun="Outcome",
        maximum=OUTCOME_MAX,
        blank="Record the outcome before closing the case",
    )


class AnswersForm(FlaskForm):
    speak_up_again = SelectField(
        "Given your experience, would you speak up again?",
        choices=options([("", "Not answered"), *SPEAK_UP_AGAIN_LABELS.items()]),
        default="",
    )
    detriment = SelectField(
        "Have you experienced any detriment as a result of speaking up?",
        choices=options([("", "Not answered"), *DETRIMENT_LABELS.items()]),
        default="",
    )


class QuestionForm(FlaskForm):
    """The submitter's answer to one of the two questions."""

    question = HiddenField(validators=[NotBlank("Choose an answer")])
    answer = StringField(validators=[NotBlank("Choose an answer")], filters=[clean_text])


class QuarterForm(FlaskForm):
    class Meta:
        csrf = False

    quarter = SelectField("Quarter", default=None)


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateInputField("From", noun="Start date", description="For example, 1 4 2026")
    date_to = DateInputField("To", noun="End date", description="For example, 30 6 2026")

    def validate_date_to(self, field: DateInputField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end of the period must be on or after its start")


class ThemeChartForm(FlaskForm):
    class Meta:
        csrf = False

    theme_id = SelectField("Theme", coerce=int_or_none, default=None)


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField("Period", default=None)


class LearningForm(FlaskForm):
    learning = written(
        TextAreaField,
        "Learning and actions for the board",
        noun="Learning",
        maximum=5000,
        description="What the trust has learned and changed. Describe themes, never a case "
        "or a person.",
    )


class SuggestionForm(FlaskForm):
    scope = HiddenField(validators=[NotBlank("Choose a suggestion")])
    term = HiddenField(validators=[NotBlank("Choose a suggestion")])
    theme_id = SelectField("Tag with a theme", coerce=int_or_none, default=None)
    new_theme = written(StringField, "Or create a new theme", noun="A theme's name", maximum=120)


class CaseListForm(FlaskForm):
    class Meta:
        csrf = False

    state = SelectField(
        "Show",
        choices=options([("open", "Open cases"), ("closed", "Closed cases"), ("all", "All cases")]),
        default="open",
    )
