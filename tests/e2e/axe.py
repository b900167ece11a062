"""axe-core (npm, ui/node_modules/axe-core) run inside the WebDriver session: the real window,
its real styles and theme. `check(s, where)` fails on any serious or critical violation of
WCAG 2.1 A/AA and axe's best practices, naming the rule, the elements and axe's help text."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO

AXE = REPO / "ui/node_modules/axe-core/axe.min.js"

RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                   resultTypes: ['violations']})
  .then(r => done(JSON.stringify(r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 6).map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300)}))})))))
  .catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}])));
"""


def inject(s) -> None:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm --prefix ui ci` (axe-core is a devDependency)")
    if not s.js("return typeof window.axe === 'object'"):
        # Evaluated by the automation, not as a page script, so the app's strict CSP is kept.
        s.js(AXE.read_text() + "\nreturn typeof window.axe")


def violations(s) -> list[dict]:
    inject(s)
    return json.loads(s.js_async(RUN))


def check(s, where: str, log: list[str] | None = None) -> list[dict]:
    """Serious or critical violations at `where` (a label for the message); appends a line per
    violation to `log` when given, else raises at once."""
    found = violations(s)
    lines = [f"{where}: {v['id']} ({v['impact']}) {v['help']} — " + "; ".join(f"{n['target']}: {n['summary']}" for n in v["nodes"]) for v in found]
    if log is not None:
        log.extend(lines)
    elif lines:
        raise AssertionError("axe-core found serious/critical problems:\n" + "\n".join(lines))
    return found
