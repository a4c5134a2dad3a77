"""What the phone-layout and accessibility tests share: the demo year, each role's pages, measurements.

The demo year (nine months of figures, January–August forwarded, September at every stage) is
built once per session and restored from its snapshot for each later test (milliseconds).
"""

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from demo.services import create_demo_accounts, create_demo_figures
from projects.models import Indicator, Person, PlanYear, TaskRow, Unit
from reporting.models import Submission
from tests.database import built_once

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1366, "height": 900}}
TAP = 44  # px, the smallest tap target on a phone
YEAR = "year=2023&month=8"


def build_demo_year(plan_year) -> None:
    """The demo accounts and nine months of figures (January–August forwarded) on the plan."""
    create_demo_accounts(require_password_change=False)
    create_demo_figures(plan_year=plan_year, months=9)


def demo_year() -> PlanYear:
    """The bundled plan, the demo accounts and nine months of figures; in a transactional test."""
    return built_once("demo-year", build_demo_year)


@dataclass(frozen=True)
class Role:
    username: str
    landing: str = "/"


ROLES = {
    "leader": Role("zhangyin"),
    "office": Role("zhuanban"),
    "statistics": Role("tongji"),
    "liaison": Role("renshe"),
}


def board_pages() -> dict[str, str]:
    """Every dashboard page (reporting/dashboards/urls.py), for August 2023, by a short name."""
    employment = Indicator.objects.filter(
        name="城镇新增就业", task_row__project__tier__plan_year__year=2023
    ).first()
    leader = Person.objects.get(name="张胤")
    unit = Unit.objects.get(name="县人社局")
    return {
        "overview": f"/dashboard/?{YEAR}",
        "indicators": f"/dashboard/indicators/?{YEAR}",
        "indicator": f"/dashboard/indicators/{employment.pk}/?{YEAR}",
        "leaders": f"/dashboard/leaders/?{YEAR}",
        "leader": f"/dashboard/leaders/{leader.pk}/?{YEAR}",
        "units": f"/dashboard/units/?{YEAR}",
        "unit": f"/dashboard/units/{unit.pk}/?{YEAR}",
        "timeliness": f"/dashboard/timeliness/?{YEAR}",
        "escalations": f"/dashboard/escalations/?{YEAR}",
    }


def review_pages() -> dict[str, str]:
    """The review list of September (rows at every stage) and one submission's detail."""
    submission = Submission.objects.filter(reporting_month__month=9).order_by("pk").first()
    return {"review-list": "/review/?year=2023&month=9", "review-detail": f"/review/{submission.pk}/"}


def other_pages() -> dict[str, str]:
    """The office's other pages: exports, evaluation, beneficiaries, password change."""
    row = TaskRow.objects.filter(project__tier__plan_year__year=2023).order_by("pk").first()
    return {
        "exports": "/exports/",
        "evaluation": "/evaluation/",
        "evaluation-year": "/evaluation/2023/",
        "evaluation-scores": "/evaluation/2023/scores/",
        "evaluation-row": f"/evaluation/rows/{row.pk}/",
        "adjustments": "/evaluation/adjustments/",
        "beneficiaries": "/beneficiaries/",
        "beneficiaries-row": f"/beneficiaries/rows/{row.pk}/",
        "grassroots": "/beneficiaries/grassroots/",
        "password": "/accounts/password/",
    }


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when it does not)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


# For each visible table: wider than the box that holds it, and that box neither scrolls nor says so?
# And a cell with three or more characters squeezed narrower than three characters.
_TABLE_PROBLEMS = """() => {
  const problems = [];
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const table of document.querySelectorAll('main table')) {
    if (!visible(table)) continue;
    const name = (table.closest('section') && table.closest('section').id) || table.className || 'table';
    let box = table.parentElement;
    while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') {
      box = box.parentElement;
    }
    const limit = box && box !== document.body ? box : document.documentElement;
    if (table.scrollWidth > limit.clientWidth + 1) {
      const scrolls = ['auto', 'scroll'].includes(getComputedStyle(limit).overflowX);
      const hint = limit.closest('.scroll-box') && limit.closest('.scroll-box').querySelector('.scroll-hint');
      if (!scrolls) problems.push(name + ': columns cut, no scroll container');
      else if (!hint || !visible(hint)) problems.push(name + ': scrolls sideways without a visible hint');
    }
    for (const cell of table.querySelectorAll('th, td')) {
      const text = cell.innerText.trim();
      if (!visible(cell) || [...text].length < 3) continue;
      const size = parseFloat(getComputedStyle(cell).fontSize);
      if (cell.clientWidth < 3 * size) {
        problems.push(name + ': cell squeezed: ' + text.slice(0, 12));
        break;
      }
    }
  }
  return problems;
}"""


def table_problems(page: Page) -> list[str]:
    return page.evaluate(_TABLE_PROBLEMS)


_TARGETS = """(scope) => {
  const out = [];
  const selector = 'a[href], button, summary, select, input:not([type=hidden]), textarea';
  for (const root of document.querySelectorAll(scope)) {
    for (const el of root.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const check = el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type);
      const label = check ? el.closest('label') : null;
      const box = label ? label.getBoundingClientRect() : r;
      out.push({text: (el.innerText || el.value || el.name || el.tagName).trim().slice(0, 20),
                width: Math.round(box.width), height: Math.round(box.height)});
    }
  }
  return out;
}"""


def tap_targets(page: Page) -> list[dict]:
    """Every visible link, button, summary and field in the header and the main content, with its size."""
    return page.evaluate(_TARGETS, "header.top, main")


def small_targets(page: Page, limit: int = TAP) -> list[dict]:
    return [t for t in tap_targets(page) if t["width"] < limit or t["height"] < limit]


_CHROME_SHARE = """() => {
  const height = window.innerHeight;
  let covered = 0;
  for (const el of document.querySelectorAll('header.top, .dash-picker-box, .dash-picker, nav.tabs')) {
    if (el.parentElement.closest('.dash-picker-box')) continue;
    const r = el.getBoundingClientRect();
    covered += Math.max(0, Math.min(r.bottom, height) - Math.max(r.top, 0));
  }
  return covered / height;
}"""


def chrome_share(page: Page) -> float:
    """The share of the first screen taken by the navigation, the month picker and the tabs."""
    return page.evaluate(_CHROME_SHARE)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, as 'rule: target' lines."""
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


_TIGHT_LINES = """() => {
  const tight = [];
  for (const el of document.querySelectorAll('header.top *, main *')) {
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || el.closest('svg') || el.tagName === 'OPTION') continue;
    const size = parseFloat(style.fontSize);
    const ratio = style.lineHeight === 'normal' ? 1.2 : parseFloat(style.lineHeight) / size;
    if (ratio < 1.3) tight.push(el.tagName + ' ' + el.className + ': ' + ratio.toFixed(2));
  }
  return tight;
}"""


def tight_lines(page: Page) -> list[str]:
    """Elements holding text whose line spacing is under 1.3 times the font size."""
    return page.evaluate(_TIGHT_LINES)


def focus_outline(page: Page) -> float:
    """The outline width (px) of the element that has the keyboard focus; 0 when none is drawn."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth); }"
    )
