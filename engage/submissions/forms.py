from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from engage.forms import DateInputField, NotBlank, clean_text, int_or_none, options, written
from engage.submissions.models import (
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    STATUS_LABELS,
    TITLE_MAX,
    Status,
)
from engage.submissions.queries import InboxFilter
from engage.submissions.services import PASSPHRASE_MIN
from engage.submissions.social import COMMENT_MAX, REASON_MAX

MODE_HINTS = {
    "open": "Your name is shown to the leader who handles it. They can talk to you directly.",
    "confidential": (
        "Only the Freedom to Speak Up guardian knows it was you. Your name is never shown to "
        "leaders and is shared only with your consent."
    ),
    "anonymous": (
        "Nobody can know it was you: engage does not store your name, account, computer or the "
        "time. You get a private follow-up code and choose a passphrase to follow it up. This "
        "can make it harder to investigate, because nobody can ask you questions directly."
    ),
}


class SubmissionForm(FlaskForm):
    kind = RadioField(
        "What would you like to do?",
        choices=options(
            [("idea", "Share an idea for an improvement"), ("concern", "Raise a concern")]
        ),
        validators=[InputRequired("Select whether this is an idea or a concern")],
    )
    title = written(
        StringField,
        "Title",
        noun="Title",
        maximum=TITLE_MAX,
        blank="Enter a title",
        description=f"A short summary, up to {TITLE_MAX} characters",
    )
    description = written(
        TextAreaField,
        "Describe it",
        noun="Description",
        maximum=DESCRIPTION_MAX,
        blank="Describe your idea or concern",
        description="What happens now, what could be better, and who it affects. "
        "Do not include patients' names or other details that identify them.",
    )
    unit_id = SelectField("Which unit is it about?", coerce=int_or_none)
    theme_id = SelectField("Theme", coerce=int_or_none)
    patient_safety = RadioField(
        "Does it affect patient safety?",
        choices=options([("yes", "Yes"), ("no", "No")]),
        validators=[InputRequired("Select yes if it affects patient safety")],
    )
    mode = RadioField(
        "How do you want to speak up?",
        choices=options(
            [("open", "Openly"), ("confidential", "Confidentially"), ("anonymous", "Anonymously")]
        ),
        default="open",
        validators=[InputRequired("Select how you want to speak up")],
    )
    to_guardian = BooleanField(
        "Send my concern straight to the Freedom to Speak Up guardian, not to the unit's leaders"
    )
    passphrase = PasswordField(
        "Choose a passphrase",
        description=f"At least {PASSPHRASE_MIN} characters and hard to guess: three or four words "
        "that do not belong together work well. You need it with your follow-up code to read "
        "replies. Nobody can reset it for you.",
    )
    passphrase_confirm = PasswordField("Enter the passphrase again")
    # The no-JavaScript way to look for similar ideas before sending.
    check_similar = SubmitField("Check for similar ideas")

    def validate_unit_id(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError("Select the unit it is about")

    def validate_theme_id(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError("Select a theme")

    def validate_passphrase(self, field: PasswordField) -> None:
        if self.mode.data != "anonymous":
            return
        if not field.data or len(field.data) < PASSPHRASE_MIN:
            raise ValidationError(f"Choose a passphrase of {PASSPHRASE_MIN} characters or more")
        if len(field.data) > 200:
            raise ValidationError("Passphrase must be 200 characters or fewer")

    def validate_passphrase_confirm(self, field: PasswordField) -> None:
        if self.mode.data == "anonymous" and field.data != self.passphrase.data:
            raise ValidationError("The passphrases do not match")


class SimilarIdeasForm(FlaskForm):
    q = StringField("Words", filters=[clean_text], validators=[Length(max=500)])


class SupportForm(FlaskForm):
    withdraw = HiddenField()


class MessageForm(FlaskForm):
    body = written(
        TextAreaField, "Your message", noun="Message", maximum=MESSAGE_MAX, blank="Write a message"
    )


class StatusForm(FlaskForm):
    status = SelectField("New status", validators=[InputRequired("Select a status")])
    note = written(
        TextAreaField,
        "Message to the person who raised it",
        noun="Message",
        maximum=MESSAGE_MAX,
        description="Optional. The person who raised it sees this.",
    )

    def set_choices(self, allowed: tuple[Status, ...]) -> None:
        self.status.choices = options((s.value, STATUS_LABELS[s]) for s in allowed)


class BulkAcknowledgeForm(FlaskForm):
    """Acknowledge the ticked items in the inbox, with one message sent to each submitter."""

    submission_id = SelectMultipleField(
        "Items to acknowledge", coerce=int, validate_choice=False, default=[]
    )
    body = written(
        TextAreaField,
        "Message to each person who raised them",
        noun="Message",
        maximum=MESSAGE_MAX,
        blank="Write the message to send with the acknowledgement",
        description="Each person who raised a ticked item sees this, on their item only.",
    )

    def validate_submission_id(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError("Tick at least one item waiting to be acknowledged")


class MergeForm(FlaskForm):
    original = StringField(
        "Reference of the idea to merge this into",
        description="For example ID-7KQ4-M2XD",
        validators=[
            NotBlank("Choose the original idea, or enter its reference"),
            Length(max=20),
        ],
        filters=[clean_text],
    )
    # The words of the search that listed the ideas to choose from, to list them again.
    find = HiddenField(validators=[Length(max=200)], filters=[clean_text])


class MergeSearchForm(FlaskForm):
    """The no-JavaScript search step of merging: a GET form on the idea's own page."""

    class Meta:
        csrf = False

    find = StringField(
        "Find the idea to merge this into",
        description="Part of its title, or its reference",
        validators=[Length(max=200, message="Enter at most 200 characters")],
        filters=[clean_text],
    )


class CommentForm(FlaskForm):
    body = written(
        TextAreaField,
        "Add a comment",
        noun="Comment",
        maximum=COMMENT_MAX,
        blank="Write a comment",
        field_id="comment",  # the page's message form has a `body` too
    )


class ReasonForm(FlaskForm):
    reason = written(TextAreaField, "Reason", noun="Reason", maximum=REASON_MAX, blank="Say why")


class CheckForm(FlaskForm):
    reference = StringField(
        "Follow-up code",
        description="The private code you were given, for example 7KQ4-M2XD-9PRT (not the "
        "reference others see). If you raised it before December 2026, you were given a code "
        "that starts with CN- or ID-, and it still works.",
        validators=[NotBlank("Enter your follow-up code"), Length(max=30)],
        filters=[clean_text],
    )
    passphrase = PasswordField(
        "Passphrase", validators=[NotBlank("Enter your passphrase"), Length(max=200)]
    )


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        "Show",
        choices=options(
            [
                ("action", "Needs action"),
                ("overdue", "Overdue"),
                ("escalated", "Escalated to you"),
                ("messages", "Messages to answer"),
                ("open", "Still open"),
                ("all", "Any status"),
            ]
            + [(s.value, label) for s, label in STATUS_LABELS.items()]
        ),
        default="action",
    )
    kind = SelectField(
        "Ideas or concerns",
        choices=options([("", "Both"), ("idea", "Ideas"), ("concern", "Concerns")]),
        default="",
    )
    theme_id = SelectField("Theme", coerce=int_or_none, default=None)
    unit_id = SelectField("Unit", coerce=int_or_none, default=None)
    escalated = SelectField(
        "Escalated",
        choices=options([("", "Escalated or not"), ("yes", "Escalated only")]),
        default="",
    )
    older_than_days = IntegerField(
        "Raised at least this many days ago",
        validators=[
            Optional(),
            NumberRange(min=0, max=3650, message="Enter a number of days from 0 to 3650"),
        ],
    )
    sort = SelectField(
        "Order",
        choices=options([("oldest", "Oldest first"), ("newest", "Newest first")]),
        default="oldest",
    )
    date_from = DateInputField(
        "Raised from", noun="Start date", description="For example, 1 4 2026"
    )
    date_to = DateInputField("Raised up to", noun="End date", description="For example, 30 6 2026")

    def validate_date_to(self, field: DateInputField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'up to' date must be the same as or after the 'from' date")

    def filters(self) -> InboxFilter:
        """The inbox's filter from this form, once validated: a field with a problem is shown
        with its message and left out. The inbox and the guardian's export share it."""

        def valid(field: Any) -> Any:
            return None if field.errors else field.data

        return InboxFilter(
            status=valid(self.status),
            theme_id=valid(self.theme_id),
            unit_id=valid(self.unit_id),
            older_than_days=valid(self.older_than_days),
            kind=valid(self.kind) or None,
            newest_first=self.sort.data == "newest",
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
            escalated=valid(self.escalated) == "yes",
        )


class IdeaSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search ideas", validators=[Length(max=200)], filters=[clean_text])
    theme_id = SelectField("Theme", coerce=int_or_none, default=None)
    sort = SelectField(
        "Order",
        choices=options([("newest", "Newest first"), ("supported", "Most supported")]),
        default="newest",
    )


class ThemeForm(FlaskForm):
    name = written(StringField, "Name", noun="Name", maximum=120, blank="Enter a name")
    active = BooleanField("Staff can choose this theme", default=True)
