"""axe-core in the browser tests: WCAG 2.1 A and AA (JIS X 8341-3) on whatever page is open.

axe-core is vendored for the tests only (tests/e2e/vendor/axe-core, with its licence; `make vendor`
refreshes it from the npm registry). It is evaluated through the DevTools protocol, which the page's
Content Security Policy does not govern, so the page runs exactly as in production.

    problems = axe.check(page)            # [] when the page is clean
    assert problems == [], axe.report(problems)
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Every rule of those tags runs. A rule switched off goes here, with the reason written beside it.
DISABLED: dict[str, str] = {}

# Ids must be unique on a page (WCAG 1.3.1, 4.1.2: a label points at one field). axe 4.14 keeps
# duplicate-id switched off as obsolete and only lists duplicate-id-aria "for review" (not as a
# violation), so the same pass checks every id itself.
DUPLICATE_IDS_JS = """() => {
  const seen = {};
  for (const element of document.querySelectorAll("[id]")) {
    seen[element.id] = (seen[element.id] || 0) + 1;
  }
  return Object.keys(seen).filter((id) => seen[id] > 1);
}"""

# What a page is built of, for axe's purposes: each element's tag, classes, attribute names, the
# values that change its role or state, whether it has text or scrolls sideways, and its parent's. A set, so
# ten rows of a table read as one. Two pages with the same set differ only in words and numbers.
STRUCTURE_JS = """() => {
  const ROLE_ATTRS = ["type", "role", "hidden", "open", "disabled", "tabindex", "aria-hidden",
                      "aria-expanded", "aria-invalid", "aria-current"];
  const describe = (el) => {
    if (!el) return "";
    const attrs = [...el.attributes].map((a) => ROLE_ATTRS.includes(a.name)
      ? `${a.name}=${a.value}` : a.name).sort().join(",");
    return `${el.tagName}.${el.className}[${attrs}]`;
  };
  const seen = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    const text = el.textContent.trim() ? "T" : "";
    const scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible" ? "S" : "";
    seen.add(`${describe(el.parentElement)}>${describe(el)}${text}${scrolls}`);
  }
  return [...seen];
}"""

RUN_JS = """([tags, disabled]) => {
  const rules = {};
  for (const rule of disabled) rules[rule] = {enabled: false};
  return axe.run(document, {runOnly: {type: "tag", values: tags}, rules, resultTypes: ["violations"]})
    .then((results) => results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact || "",
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(" ")),
      html: v.nodes.map((n) => n.html),
    })));
}"""


@dataclass(frozen=True)
class Problem:
    where: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    html: tuple[str, ...] = ()

    def __str__(self) -> str:
        nodes = "\n".join(
            f"      {target}   {html[:160]}"
            for target, html in zip(
                self.targets, self.html or ("",) * len(self.targets), strict=True
            )
        )
        return f"{self.where}\n    {self.rule} ({self.impact}): {self.help}\n{nodes}"


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def structure(page: Page) -> frozenset[str]:
    """The kinds of element on the page (STRUCTURE_JS): a sweep runs axe on each kind once."""
    return frozenset(page.evaluate(STRUCTURE_JS))


def check(page: Page, where: str = "", *, run_axe: bool = True) -> list[Problem]:
    """axe's WCAG 2.1 AA violations on the page as it is now, and any id used twice.

    `run_axe=False` checks only the ids: for a page built of nothing axe has not seen already.
    """
    where = where or page.url
    found = _duplicate_ids(page, where)
    if not run_axe:
        return found
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    return found + [
        Problem(
            where,
            v["rule"],
            v["impact"],
            v["help"],
            tuple(v["targets"]),
            tuple(v["html"]),
        )
        for v in page.evaluate(RUN_JS, [TAGS, list(DISABLED)])
    ]


def _duplicate_ids(page: Page, where: str) -> list[Problem]:
    duplicates = page.evaluate(DUPLICATE_IDS_JS)
    if not duplicates:
        return []
    return [
        Problem(
            where,
            "duplicate-id",
            "serious",
            "Ids must be unique: a label, aria-describedby or error link names one element",
            tuple(f"#{d}" for d in duplicates),
        )
    ]


def report(problems: list[Problem]) -> str:
    rules = sorted({p.rule for p in problems})
    return f"{len(problems)} accessibility problems ({', '.join(rules)}):\n" + "\n".join(
        str(p) for p in problems
    )
