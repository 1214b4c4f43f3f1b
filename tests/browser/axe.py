"""An accessibility check of the page a browser test has open: axe-core (vendored under
vendor/axe-core), injected through the DevTools protocol so that the page's CSP is left as the
portal sends it."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA rules, as the French RGAA asks of public services.
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""


def serious_violations(page) -> list[str]:
    """The serious and critical WCAG A/AA violations axe-core finds in the page as it stands."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(RUN)
