from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange

from engage.forms import written


class NameForm(FlaskForm):
    name = written(StringField, "Name", noun="Name", maximum=120, blank="Enter a name")


class UnitForm(NameForm):
    directorate_id = SelectField("Directorate", coerce=int, validate_choice=True)
    headcount = IntegerField(
        "Headcount",
        description="How many staff work here. Rates per 100 staff use it.",
        validators=[
            InputRequired("Enter the headcount as a whole number"),
            NumberRange(min=0, max=100000, message="Headcount must be between 0 and 100,000"),
        ],
    )
