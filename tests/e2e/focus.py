"""Where the keyboard focus is, and whether it can be seen."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

# Remembers every focusable element's ring while it is not focused (the one
# that has the focus, an autofocus field, is blurred for a moment).
_REMEMBER_RINGS = """() => {
  const ring = el => { const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "); };
  window.__ringAtRest = window.__ringAtRest || new WeakMap();
  const active = document.activeElement;
  if (active && active !== document.body) active.blur();
  const focusable = "a[href], button, input, select, textarea, [tabindex]";
  for (const el of document.querySelectorAll(focusable)) {
    if (!window.__ringAtRest.has(el)) window.__ringAtRest.set(el, ring(el));
  }
  if (active && active !== document.body) active.focus({preventScroll: true});
}"""

# The focused element: a name to recognise it by, and its ring now and at rest.
_FOCUSED = r"""() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const ring = [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ");
  const name = el.id || el.getAttribute("aria-label")
    || (el.innerText || el.value || "").trim().replace(/\s+/g, " ");
  // A ring counts if it is at least 2 px and at least half opaque: Bootstrap's own,
  // a 25% tint of blue, is there but hardly seen.
  const alpha = c => { const m = /rgba\([^)]*,\s*([\d.]+)\)/.exec(c); return m ? +m[1] : 1; };
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
    && alpha(s.outlineColor) >= 0.5;
  const shadow = s.boxShadow !== "none" && alpha(s.boxShadow) >= 0.5;
  const box = el.getBoundingClientRect();
  return {
    name, ring, atRest: window.__ringAtRest ? window.__ringAtRest.get(el) || null : null,
    seen: outline || shadow,
    onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


@dataclass(frozen=True)
class Focus:
    name: str
    ring: str
    at_rest: str | None
    seen: bool
    on_screen: bool

    def problem(self) -> str | None:
        """Why a sighted keyboard user could not tell this element has the focus."""
        if not self.seen:
            return f"{self.name}: no focus ring ({self.ring})"
        if self.at_rest is None:
            return f"{self.name}: its look at rest was not recorded"
        if self.ring == self.at_rest:
            return f"{self.name}: looks the same focused and not ({self.ring})"
        if not self.on_screen:
            return f"{self.name}: focused off screen"
        return None


def remember_rings(page: Page) -> None:
    """Record how each focusable element looks unfocused (call after each change)."""
    page.evaluate(_REMEMBER_RINGS)


def focused(page: Page) -> Focus:
    f = page.evaluate(_FOCUSED)
    return Focus(f["name"], f["ring"], f["atRest"], f["seen"], f["onScreen"])


def tab_through(page: Page, stops: int, key: str = "Tab") -> list[Focus]:
    """Press Tab (or Shift+Tab) until the focus has been on ``stops`` elements; where
    it went. A date field's parts (month, day, year, calendar) count as one stop."""
    seen: list[Focus] = []
    for _ in range(stops * 5):
        page.keyboard.press(key)
        now = focused(page)
        if not seen or now.name != seen[-1].name:
            seen.append(now)
        if len(seen) == stops:
            break
    return seen
