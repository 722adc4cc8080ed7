from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from engage.forms import DateInputField, clean_text


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField("Action", default="")
    actor = StringField(
        "Done by (email address)", validators=[Optional(), Length(max=254)], filters=[clean_text]
    )
    text = StringField(
        "Words in the description, or a record number",
        validators=[Optional(), Length(max=100, message="Enter 100 characters or fewer")],
        filters=[clean_text],
    )
    date_from = DateInputField("From", noun="Start date", description="For example, 1 4 2026")
    date_to = DateInputField("To", noun="End date", description="For example, 30 6 2026")

    def validate_date_to(self, field: DateInputField) -> None:
        from wtforms import ValidationError

        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")
