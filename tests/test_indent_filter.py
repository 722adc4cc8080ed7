"""engage's `indent` filter gives exactly what Jinja's does, on plain text and on markup: the
NHS.UK macros lean on it for every nested component, so a difference would change every page."""

from __future__ import annotations

from flask import Flask, render_template_string
from hypothesis import given
from hypothesis import strategies as st
from jinja2.filters import do_indent
from markupsafe import Markup

from engage.templating import indent

TEXT = st.text(alphabet=st.sampled_from("ab <>&\"'\n\r\t\u2028\x0b"), max_size=40)
WIDTH = st.one_of(st.integers(0, 6), st.sampled_from(["", "  ", "\t", "<b>", "&"]))


@given(text=TEXT, width=WIDTH, first=st.booleans(), blank=st.booleans())
def test_the_same_as_jinjas_on_markup_and_on_text(
    text: str, width: int | str, first: bool, blank: bool
) -> None:
    for value in (text, Markup(text)):  # noqa: S704 (text as markup, to compare both)
        ours, theirs = indent(value, width, first, blank), do_indent(value, width, first, blank)
        assert ours == theirs
        assert isinstance(ours, Markup) == isinstance(theirs, Markup)


def test_pages_use_it_and_unsafe_text_is_still_escaped(app: Flask) -> None:
    with app.test_request_context():
        page = render_template_string(
            "{{ text | indent(2, first=true) }}|{{ safe | indent(2, first=true) }}",
            text="<script>\nx",
            safe=Markup("<p>\n<b>"),
        )
    assert app.jinja_env.filters["indent"] is indent
    assert page == "  &lt;script&gt;\n  x|  <p>\n  <b>"
