"""Keyboard-only driving for the browser tests: Tab, type, arrows, Enter and Space, never a
click or a fill, with a check at every stop that the focus can be seen."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

# What the focused element is, as a person would name it: a field's name, else its text.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {key: "", visible: false, why: "nothing focused"};
  const key = el.getAttribute("name") || (el.innerText || el.value || el.id || "").trim();
  const style = getComputedStyle(el);
  const shows = (s) => s && ((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      && s.outlineColor !== "transparent" && !s.outlineColor.endsWith(", 0)"))
      || (s.boxShadow && s.boxShadow !== "none"));
  let visible = el.matches(":focus-visible") && shows(style);
  // NHS.UK radios and checkboxes hide the native input and ring the box drawn before the label.
  if (el.matches("input[type=radio], input[type=checkbox]")) {
    const label = el.nextElementSibling;
    visible = el.matches(":focus-visible") && !!label && shows(getComputedStyle(label, "::before"));
  }
  // A link shows its focus as a yellow background with a dark underline.
  if (el.tagName === "A" && !visible) {
    visible = el.matches(":focus-visible") && style.backgroundColor !== "rgba(0, 0, 0, 0)";
  }
  const box = el.getBoundingClientRect();
  if (box.width < 1 || box.height < 1) {
    const label = el.nextElementSibling ? el.nextElementSibling.getBoundingClientRect() : box;
    if (label.width < 1 || label.height < 1) return {key, visible: false, why: "zero size"};
  }
  const why = `outline ${style.outlineStyle} ${style.outlineColor}, shadow ${style.boxShadow}`;
  return {key, visible, why: visible ? "" : why};
}"""


@dataclass
class Keyboard:
    page: Page
    path: list[str] = field(default_factory=list)  # every stop the Tab key made, in order

    def focused(self) -> str:
        state = self.page.evaluate(_FOCUSED)
        assert state["visible"], f"focus on {state['key']!r} cannot be seen: {state['why']}"
        return str(state["key"])

    def tab(self, backwards: bool = False) -> str:
        self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        key = self.focused()
        self.path.append(key)
        return key

    def tab_to(self, key: str, most: int = 40) -> list[str]:
        """Tab until the control named `key` has the focus; the stops on the way."""
        start = len(self.path)
        for _ in range(most):
            if self.tab() == key:
                return self.path[start:]
        raise AssertionError(f"{most} presses of Tab never reached {key!r}: {self.path[start:]}")

    def skip_to_main(self) -> None:
        """The first Tab on a page reaches the skip link, which takes the focus into main."""
        assert self.tab() == "Skip to main content"
        self.page.keyboard.press("Enter")
        inside = self.page.evaluate(
            "() => { const m = document.querySelector('main');"
            " return m.contains(document.activeElement) || location.hash === '#maincontent'; }"
        )
        assert inside, "the skip link did not move to the main content"

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)


def value_of(page: Page, name: str) -> str:
    """What a field holds now (read, not set: the keyboard set it)."""
    return str(
        page.evaluate(
            """(name) => { const els = document.getElementsByName(name);
            for (const el of els) { if (el.type === 'radio' || el.type === 'checkbox') {
              if (el.checked) return el.value; } else if (el.tagName === 'SELECT') {
              return el.options[el.selectedIndex].text; } else { return el.value; } }
            return ''; }""",
            name,
        )
    )


def in_main_first(path: list[str], header_keys: set[str]) -> None:
    """After the skip link, no stop is in the header: the focus went straight to the content."""
    assert not set(path) & header_keys, f"the focus went back through the header: {path}"
