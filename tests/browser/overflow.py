"""Does a page fit its window? Horizontal overflow at a given width, found in the browser.

Three things count as not fitting, each what a user would notice:

- the page scrolls sideways (the document is wider than the window);
- something ends past the right edge of the window (a table, a long word, a chart);
- something is cut off inside a box that clips or scrolls (overflow other than visible): a
  column header hidden at the right of a table in a scrolling region, say. A data table that
  needs a horizontal scrollbar at 320 px fails too: NHS.UK's responsive table stacks instead.

Elements a user cannot see are left out: those not rendered, invisible, or inside a box of
1 px or less that clips (NHS.UK's visually hidden text, which is clipped on purpose).
"""

from __future__ import annotations

from playwright.sync_api import Page

# 320 px is WCAG 1.4.10's reflow width; 640 px is a 1280 px window at 200% zoom.
WIDTHS = (320, 640, 1280)
DESKTOP = 1280
HEIGHT = 720

_FIND_OVERFLOW_JS = """() => {
  const slack = 1;  // sub-pixel rounding
  const width = window.innerWidth;
  const problems = [];
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
    if (classes.length && classes[0]) name += '.' + classes.slice(0, 2).join('.');
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
    if (text) name += ' "' + (text.length > 40 ? text.slice(0, 37) + '...' : text) + '"';
    return name;
  };
  const all = Array.from(document.body.querySelectorAll('*'));
  const unseen = new Set();
  const seen = (el) => {
    if (unseen.has(el.parentElement)) { unseen.add(el); return false; }
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const tiny = (rect.width <= 1 || rect.height <= 1) && style.overflowX !== 'visible';
    if (el.getClientRects().length === 0 || style.visibility === 'hidden' || tiny) {
      unseen.add(el);
      return false;
    }
    return true;
  };
  const visible = all.filter(seen);
  const outermost = (elements) => {
    const set = new Set(elements);
    return elements.filter((el) => !set.has(el.parentElement));
  };
  const root = document.documentElement;
  if (root.scrollWidth > width + slack) {
    problems.push(`the page scrolls sideways: it is ${root.scrollWidth}px wide`);
  }
  const pastWindow = visible.filter((el) => el.getBoundingClientRect().right > width + slack);
  for (const el of outermost(pastWindow).slice(0, 3)) {
    const right = Math.round(el.getBoundingClientRect().right);
    problems.push(`${describe(el)} ends at ${right}px, past the window`);
  }
  const formControl = /^(INPUT|SELECT|TEXTAREA|BUTTON|IFRAME|IMG)$/;
  for (const box of visible) {
    if (formControl.test(box.tagName)) continue;
    const style = getComputedStyle(box);
    if (style.overflowX === 'visible') continue;
    if (box.scrollWidth <= box.clientWidth + slack) continue;
    const boxRect = box.getBoundingClientRect();
    const edge = boxRect.left + box.clientLeft + box.clientWidth;
    const inside = visible.filter((el) => box.contains(el) && el !== box);
    const cut = inside.filter((el) => el.getBoundingClientRect().right > edge + slack);
    const shown = outermost(cut).slice(0, 2).map(describe).join('; ');
    problems.push(
      `${describe(box).slice(0, 60)} (overflow-x: ${style.overflowX}) is ${box.clientWidth}px ` +
      `wide but its content is ${box.scrollWidth}px: cut off or scrolled away: ` +
      (shown || 'text that does not wrap')
    );
  }
  return problems;
}"""


_TWO_FRAMES_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def find_overflow(page: Page) -> list[str]:
    """What does not fit the page's window at its current size (empty if all fits)."""
    return list(page.evaluate(_FIND_OVERFLOW_JS))


def overflow_at_widths(page: Page, widths: tuple[int, ...] = WIDTHS) -> list[str]:
    """Resize the page to each width in turn (no reload: the stylesheet's media queries and
    NHS.UK's resize handlers respond as a browser window's do) and collect what does not fit,
    each line headed by its width. The page is left at the last width. A width the page is
    already at is checked as it is: start with that one, and there is one resize fewer."""
    problems = []
    for width in widths:
        size = {"width": width, "height": HEIGHT}
        if page.viewport_size != size:
            page.set_viewport_size(size)
            # Two animation frames: the resize's layout and anything scripts change in response.
            page.evaluate(_TWO_FRAMES_JS)
        problems += [f"at {width}px: {problem}" for problem in find_overflow(page)]
    return problems
