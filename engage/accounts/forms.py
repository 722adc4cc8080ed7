from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from engage.accounts.models import ROLE_LABELS, Role
from engage.forms import NotBlank, clean_text, int_or_none, options, written


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[NotBlank("Enter your email address"), Length(max=254)],
        filters=[clean_text],
    )
    password = PasswordField(
        "Password", validators=[NotBlank("Enter your password"), Length(max=200)]
    )


class ForgottenPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            NotBlank("Enter your email address"),
            Email("Enter an email address in the correct format, like name@nhs.net"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
        filters=[clean_text],
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[NotBlank("Enter a new password")])
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            NotBlank("Enter the new password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[NotBlank("Enter your current password")]
    )
    new_password = PasswordField("New password", validators=[NotBlank("Enter a new password")])
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            NotBlank("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    name = written(
        StringField, "Full name", noun="Name", maximum=120, blank="Enter the person's name"
    )
    email = EmailField(
        "Email address",
        validators=[
            NotBlank("Enter an email address"),
            Email("Enter an email address in the correct format, like name@nhs.net"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
        filters=[clean_text],
    )
    role = RadioField(
        "Role",
        choices=options((role.value, ROLE_LABELS[role]) for role in Role),
        default=Role.STAFF.value,
        validators=[InputRequired("Select a role")],
    )
    unit_id = SelectField("Unit", coerce=int_or_none, validate_choice=True)
    staff_group_id = SelectField("Staff group", coerce=int_or_none, validate_choice=True)
    scope_unit_ids = MultiCheckboxField("Units they lead", coerce=int)
    scope_directorate_ids = MultiCheckboxField("Whole directorates they lead", coerce=int)
    active = BooleanField("Account is active (the person can sign in)", default=True)


class ImportForm(FlaskForm):
    kind = RadioField(
        "What does the file contain?",
        choices=options(
            [
                ("units", "Units: columns unit, directorate, headcount"),
                ("staff", "Staff: columns name, email, unit, staff group, role"),
            ]
        ),
        validators=[InputRequired("Select what the file contains")],
    )
    file = FileField("CSV file", validators=[FileRequired("Select a CSV file")])


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name or email", filters=[clean_text], validators=[Length(max=100)])
    role = SelectField(
        "Role",
        choices=options([("", "Any role")] + [(role.value, ROLE_LABELS[role]) for role in Role]),
        default="",
    )
