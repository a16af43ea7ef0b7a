"""axe-core in a Playwright page: injected by the test only (static/vendor/axe-core,
vendored by scripts/vendor-assets.sh; no template loads it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from playwright.sync_api import BrowserContext, Page

AXE_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("critical", "serious")

# Runs in the page: the violations of the WCAG 2.1 A/AA rules, as plain data.
_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({impact: n.impact, target: n.target.map(String)})),
  }));
}"""


def inject_on_load(context: BrowserContext) -> None:
    """Have axe in every page the context opens, before the page's own scripts."""
    context.add_init_script(path=str(AXE_JS))


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]


def audit(page: Page) -> list[Violation]:
    """The page's critical and serious WCAG 2.1 A/AA violations, as it is now.

    axe is injected into the page if it is not there yet (a context that will
    audit many pages can have it injected into each with ``inject_on_load``)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    found = []
    for v in page.evaluate(_RUN, WCAG_TAGS):
        nodes = [n for n in v["nodes"] if n["impact"] in FAILING_IMPACTS]
        if nodes:
            impact = "critical" if any(n["impact"] == "critical" for n in nodes) else "serious"
            targets = tuple(" >> ".join(n["target"]) for n in nodes)
            found.append(Violation(rule=v["id"], impact=impact, help=v["help"], targets=targets))
    return found
