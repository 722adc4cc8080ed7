"""Jinja as engage sets it up: the NHS.UK templates first looked up in ours, and three
stand-ins for hot spots of rendering that give exactly what they replace.

A page calls the NHS.UK component macros dozens of times, and each call includes a template
that imports other macros. Profiling a page put a third of its time in three places: Jinja's
`indent` filter, the `nhsukAttributes` macro, and the check Jinja makes on every import for
template globals the imported template lacks. Tests compare each stand-in with the original.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from flask import Flask
from flask.templating import Environment
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    Template,
    Undefined,
)
from jinja2.filters import do_indent, do_tojson
from jinja2.nodes import EvalContext
from jinja2.utils import pass_eval_context
from markupsafe import Markup, escape

from engage.reliability.once import new_token
from engage.small_numbers import fewer_than
from engage.timeutil import london_time


class EngageEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template loaded without globals of its own shares the environment's dict.

        Jinja gives each template a ChainMap over the environment's globals, and every
        `{% from ... import %}` (NHS.UK's components make about 80 per page) subtracts one
        ChainMap's keys from another's, key by key in Python. The shared dict has the same keys
        and sees later additions, as the ChainMap did; only a template given globals of its
        own, which engage never asks for, still gets a ChainMap."""
        if not d:
            return self.globals
        return super().make_globals(d)

    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None) -> Template:
        """Jinja adds the globals given for a cached template to that template's own (its
        ChainMap's first map); here that would be the environment's dict, so a template asked
        for with globals of its own is loaded afresh, with a ChainMap, and not cached."""
        if not globals:
            return super()._load_template(name, globals)
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        return self.loader.load(self, name, super().make_globals(globals))


def configure_jinja(app: Flask, templates: str) -> None:
    """Before anything renders: Flask makes its environment on first use, from these."""
    app.jinja_environment = EngageEnvironment
    app.jinja_options = {
        "undefined": ChainableUndefined,  # the NHS.UK macros read optional nested params
        # engage's templates first: templates/nhsuk/macros/attributes.jinja replaces NHS.UK's
        "loader": ChoiceLoader(
            [FileSystemLoader(templates), PackageLoader("nhsuk_frontend_jinja")]
        ),
        "autoescape": True,
    }


def register_template_helpers(app: Flask) -> None:
    """The functions and filters every template may use (the per-request values are
    engage.navigation's context processor)."""
    app.jinja_env.globals["submit_token"] = new_token  # a fresh one-time token per form
    app.jinja_env.globals["fewer_than"] = fewer_than  # "fewer than 5"
    app.jinja_env.globals["nhsuk_attributes"] = nhsuk_attributes
    app.jinja_env.filters["london_time"] = london_time
    app.jinja_env.filters["indent"] = indent


def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's `indent` filter, the same text, without its cost on markup: the NHS.UK macros
    indent every nested component, and Jinja's filter makes and escapes a Markup per line
    (two date inputs took 60 ms of a page). Indenting the plain text and marking the result
    safe gives the same string: the input was safe, and the indentation is trusted in both."""
    if not isinstance(s, Markup):
        return do_indent(s, width, first, blank)
    spaces = width if isinstance(width, str) else " " * width
    return Markup(do_indent(str(s), spaces, first, blank))  # noqa: S704 (it was markup)


def _read(obj: Any, name: str) -> Any:
    """`obj.name` as a template reads it: the attribute, else the item, else undefined."""
    try:
        return getattr(obj, name)
    except AttributeError:
        pass
    try:
        return obj[name]
    except (TypeError, LookupError, AttributeError):
        return Undefined(obj=obj, name=name)


def _is_iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


@pass_eval_context
def nhsuk_attributes(eval_ctx: EvalContext, attributes: Any = None) -> Markup:
    """NHS.UK's `nhsukAttributes` macro (nhsuk/macros/attributes.jinja) in Python, step for
    step, less the blank lines the macro leaves inside the tag. It ran about 80 times per
    page, a tenth of the page's time; templates/nhsuk/macros/attributes.jinja calls this."""
    html: str = attributes if isinstance(attributes, str) else ""
    if (
        not isinstance(attributes, Undefined)
        and hasattr(attributes, "__html__")
        and isinstance(_read(attributes, "val"), str)
    ):
        html = attributes
    elif isinstance(attributes, Mapping):
        for name, item in attributes.items():
            options = (
                item
                if isinstance(item, Mapping)
                else {"value": item, "type": "string", "optional": False}
            )
            given = _read(options, "value")
            value: Any = Undefined()  # a value set in one pass of the macro's loop ends with it
            escaped: str
            if isinstance(given, Undefined) or given is None:
                value, escaped = None, ""
            elif hasattr(given, "__html__"):
                value, escaped = _read(given, "val"), given
            elif _read(options, "type") == "array" and _is_iterable(given):
                escaped = do_tojson(eval_ctx, given)
            else:
                value, escaped = given, escape(given)
            optional = _read(options, "optional") is True
            if optional and value is True:
                html = f"{html} {escape(name)}"
            elif not optional or (value is not None and value is not False):
                shown = str(value).lower() if isinstance(value, bool) else escaped
                quote = "'" if '"' in escaped else '"'
                html = f"{html} {escape(name)}={quote}{shown}{quote}"
    return Markup(html)  # noqa: S704 (built as the macro builds it: names and values escaped)
