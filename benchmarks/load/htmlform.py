"""Reads a form's fields from the rendered HTML, so the load script fills in what the page
actually asks for (field names, a select's offered options, a date typed as one box or as
NHS.UK's day, month and year boxes) instead of a copy of the form that drifts from it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser


@dataclass
class Form:
    action: str | None
    # name -> value for inputs and textareas (the value the page put there)
    values: dict[str, str] = field(default_factory=dict)
    # select name -> the option values offered, in page order
    options: dict[str, list[str]] = field(default_factory=dict)
    # radio name -> the values offered
    radios: dict[str, list[str]] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [*self.values, *self.options, *self.radios]

    def named(self, part: str) -> str | None:
        """The first field whose name contains `part` (owner_id, owner, ...)."""
        return next((name for name in self.names() if part in name), None)

    def fill_date(self, prefix: str, day: date) -> dict[str, str]:
        """The date for a field named `prefix`: one yyyy-mm-dd box, or day/month/year boxes
        (`prefix-day` or `prefix_day`, as NHS.UK's date input names them)."""
        parts = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
        filled = {
            name: parts[name[-len(part) :]]
            for name in self.values
            if name.startswith(prefix)
            for part in parts
            if name.endswith(f"-{part}") or name.endswith(f"_{part}")
        }
        if not filled and prefix in self.values:
            filled[prefix] = day.isoformat()
        return filled

    def defaults(self) -> dict[str, str]:
        """What a person who changed nothing would send: each box as the page filled it, each
        select at its first option, each radio group at its first choice."""
        data = dict(self.values)
        data.update({name: offered[0] for name, offered in self.options.items() if offered})
        data.update({name: offered[0] for name, offered in self.radios.items() if offered})
        return data


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(Form(action=attributes.get("action")))
            return
        if not self.forms:
            return
        form, name = self.forms[-1], attributes.get("name", "")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind == "radio":
                form.radios.setdefault(name, []).append(attributes.get("value", ""))
            elif kind == "checkbox":
                return  # left unticked, as a person who changed nothing would
            elif kind not in ("submit", "button"):
                form.values[name] = attributes.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
        elif tag == "option" and self._select is not None:
            form.options[self._select].append(attributes.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            form.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            self.forms[-1].values[self._textarea] += data


def forms(html: str) -> list[Form]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_with(html: str, field_name: str) -> Form | None:
    """The first form on the page that has a field of that name."""
    return next((form for form in forms(html) if field_name in form.names()), None)


def action_data(html: str, description: str, due: date) -> dict[str, str] | None:
    """What a leader sends from the "add an action" page: the page's own fields as it filled
    them, an owner from those the page offers (every one it offers is allowed), the due date
    in the boxes the page has, a planned status at 0%. None when the page offers no owner."""
    form = form_with(html, "submit_token")
    owner = form.named("owner") if form else None
    if form is None or owner is None:
        return None
    owners = [value for value in form.options.get(owner, []) if value.isdigit()]
    if not owners:
        return None
    data = form.defaults()
    data.update(form.fill_date("due_on", due))
    data.update({owner: random.choice(owners), "description": description})
    if "status" in form.options:
        data["status"] = "planned"
    if "progress" in data:
        data["progress"] = "0"
    return data
