from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from engage.forms import clean_text


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
    date_from = DateField("From (yyyy-mm-dd)", validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField("To (yyyy-mm-dd)", validators=[Optional()], format="%Y-%m-%d")

    def validate_date_to(self, field: DateField) -> None:
        from wtforms import ValidationError

        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")
