"""engage's stand-ins for NHS.UK's `nhsukAttributes` macro and for Jinja's per-template
globals give exactly what the originals give: every NHS.UK component builds its tags with the
macro, so a difference would change every page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, render_template_string
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import ChainableUndefined, PackageLoader, Template
from markupsafe import Markup

from engage.templating import EngageEnvironment


class Escaped:
    """Safe markup of another library's kind: `__html__`, and the text in `.val` (as
    Nunjucks' SafeString has it), which the macro reads."""

    def __init__(self, val: str) -> None:
        self.val = val

    def __html__(self) -> str:
        return self.val


CALL = '{% from "nhsuk/macros/attributes.jinja" import nhsukAttributes %}{{ nhsukAttributes(a) }}'
TEXT = st.text(alphabet=st.sampled_from("ab <>&\"' =\n"), max_size=8)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    TEXT,
    TEXT.map(Markup),
    TEXT.map(Escaped),
    st.just(ChainableUndefined()),
    st.lists(st.one_of(st.integers(0, 3), TEXT), max_size=3),
)
OPTIONS = st.dictionaries(
    st.sampled_from(["value", "type", "optional"]),
    st.one_of(SCALAR, st.sampled_from(["array", "string", True, False, "true"])),
)
ATTRIBUTES = st.one_of(
    SCALAR,
    st.dictionaries(st.one_of(TEXT, st.integers(0, 2)), st.one_of(SCALAR, OPTIONS), max_size=4),
)


def _render_both(app: Flask, attributes: Any) -> tuple[str, str]:
    templates = app.extensions.setdefault("test-attributes-call", {})
    if not templates:  # compiled once: Hypothesis calls this a hundred times
        original = app.jinja_env.overlay(loader=PackageLoader("nhsuk_frontend_jinja"))
        templates.update(ours=app.jinja_env.from_string(CALL), theirs=original.from_string(CALL))
    with app.app_context():
        return _render(templates["ours"], attributes), _render(templates["theirs"], attributes)


def _render(template: Template, attributes: Any) -> str:
    """The text, or what went wrong (a value that is markup but not text fails in both)."""
    try:
        return template.render(a=attributes)
    except TypeError as error:
        return f"TypeError: {error}"


@settings(deadline=None)  # the first example loads both macros
@given(attributes=ATTRIBUTES)
def test_the_attributes_macro_gives_what_nhsuks_gives(app: Flask, attributes: Any) -> None:
    ours, theirs = _render_both(app, attributes)
    # NHS.UK's macro also leaves the whitespace between its tags, all before the attributes.
    assert theirs.endswith(ours)
    assert theirs[: len(theirs) - len(ours)].isspace() or theirs == ours
    # ...so the comparison cannot see a space missing at the start: each attribute has one.
    attributes_made = isinstance(attributes, Mapping) and ours and not ours.startswith("TypeE")
    assert ours.startswith(" " if attributes_made else "")


def test_attribute_values_are_escaped_and_booleans_shown_as_html_has_them(app: Flask) -> None:
    ours, _ = _render_both(
        app,
        {
            "data-x": '"><script>',
            "hidden": {"value": True, "optional": True},
            "aria-hidden": True,
            "data-list": {"value": ["<a>", 1], "type": "array"},
            "id": {"value": None, "optional": True},
        },
    )
    assert ours == (
        ' data-x="&#34;&gt;&lt;script&gt;" hidden aria-hidden="true"'
        " data-list='[\"\\u003ca\\u003e\", 1]'"
    )


def test_a_component_renders_through_the_stand_in(app: Flask) -> None:
    with app.test_request_context():
        page = render_template_string(
            '{% from "nhsuk/components/button/macro.jinja" import button %}'
            '{{ button({"text": "Save", "attributes": {"data-x": "<y>"}}) }}'
        )
    tag = page[page.index("<button") : page.index(">", page.index("<button")) + 1]
    assert tag == (
        '<button class="nhsuk-button" data-module="nhsuk-button" type="submit" data-x="&lt;y&gt;">'
    )


def test_templates_share_the_environments_globals_and_see_later_ones(app: Flask) -> None:
    assert isinstance(app.jinja_env, EngageEnvironment)
    template = app.jinja_env.get_template("nhsuk/macros/attributes.jinja")
    assert template.globals is app.jinja_env.globals
    own = app.jinja_env.from_string("{{ x }}", globals={"x": "own"})
    assert own.render() == "own"
    # A template already loaded, asked for again with globals of its own: they stay its own.
    again = app.jinja_env.get_template("nhsuk/macros/attributes.jinja", globals={"x": "own"})
    assert again.globals["x"] == "own"
    assert "x" not in app.jinja_env.globals
    assert app.jinja_env.get_template("nhsuk/macros/attributes.jinja") is template
