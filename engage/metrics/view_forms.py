"""Forms of the metrics view: the chart controls (read from the query string) and the
administrators' settings."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from engage.forms import DateInputField, NotBlank, clean_text, options
from engage.metrics.forms import OptionalNumberField
from engage.metrics.series import WINDOW_WEEKS, Grain
from engage.metrics.view_services import FILTER_LABELS, IconFilter


class ControlsForm(FlaskForm):  # type: ignore[misc]
    """GET controls: anything unexpected falls back to the default, never an error page."""

    class Meta:
        csrf = False

    grain = RadioField(
        "Each point is",
        choices=options([(Grain.WEEK.value, "A week"), (Grain.MONTH.value, "A calendar month")]),
        default=Grain.WEEK.value,
    )
    weeks = SelectField(
        "Period shown",
        choices=options((str(n), f"The last {n} weeks") for n in WINDOW_WEEKS),
        default="52",
    )
    show = SelectField(
        "Show",
        choices=options((f.value, label) for f, label in FILTER_LABELS.items()),
        default=IconFilter.ALL.value,
    )
    sort = SelectField(
        "Order",
        choices=options(
            [("registry", "The usual order"), ("attention", "Most in need of attention first")]
        ),
        default="registry",
    )

    def chosen(self, default_grain: Grain = Grain.WEEK) -> dict[str, Any]:
        self.validate()
        grain = (
            Grain(self.grain.data)
            if self.grain.raw_data and self.grain.data in set(Grain)
            else default_grain
        )
        weeks = int(self.weeks.data) if self.weeks.data in {str(n) for n in WINDOW_WEEKS} else 52
        show = IconFilter(self.show.data) if self.show.data in set(IconFilter) else IconFilter.ALL
        for field, value in (
            (self.grain, grain.value),
            (self.weeks, str(weeks)),
            (self.show, show.value),
        ):
            field.data = value
            field.errors = []
        if self.sort.data not in {"registry", "attention"}:
            self.sort.data = "registry"
        self.sort.errors = []
        return {
            "grain": grain,
            "weeks": weeks,
            "shown": show,
            "by_attention": self.sort.data == "attention",
        }


class SettingForm(FlaskForm):  # type: ignore[misc]
    improvement = RadioField(
        "Which way is better?",
        choices=options(
            [
                ("increase", "Higher is better"),
                ("decrease", "Lower is better"),
                ("neutral", "Neither: a change matters, but is not good or bad in itself"),
            ]
        ),
        validators=[InputRequired("Choose which way is better")],
    )
    target = OptionalNumberField(
        "Target (optional)",
        description="In the metric's own unit, for example 80 for 80%. Leave it empty for none.",
    )


class RebaseForm(FlaskForm):  # type: ignore[misc]
    starts_on = DateInputField(
        "The new period starts on",
        noun="Start date",
        blank="Enter the date the new period starts",
        description=(
            "For example, 1 4 2026. Charts start it at the week or month holding this day."
        ),
    )
    reason = StringField(
        "Reason",
        description='Shown on the chart, for example "New rota".',
        filters=[clean_text],
        validators=[
            NotBlank("Enter the reason for the new period"),
            Length(max=200, message="The reason must be 200 characters or fewer"),
        ],
    )
    applies_to = SelectField("Applies to", choices=[], validate_choice=True)
