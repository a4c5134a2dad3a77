"""What the responsibility matrix (责任分解表) says, line by line: the plan's facts and the marks on them.

Each task row is one line: its tier, its project's heading, its own heading, its units, its 责任人
and its 牵头领导. A heading carries the row's targets and standards: where the 附表's heading
already states an indicator's target it stands alone; otherwise the plan's own words for the
indicator (the project's body text, for a project that is not split) follow it, each blank the
plan left for a target filled with the target or marked 待下达.

Marks, each explained in a note under the table:
- （推定）: a row whose 责任人 the 附表 does not list (`TaskRow.people_listed` unset: the 附表 stops
  at provincial item 9) shows those each unit names for the year (items 1–9), not ones the plan
  gives for the row; the mark stays until the office confirms the row, whoever fills in its leader.
- （待补充）: a unit with no known 责任人; ⚠ 待补充: no 牵头领导 (the README's convention).
- （注N）: the project's or row's note (where the system follows the body text rather than the 附表,
  or the plan is unclear), numbered in the order the notes appear.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from core.text import official_name
from projects.models import Indicator, PlanYear, ResponsiblePerson, TaskRow, TaskRowParty

PENDING = "待下达"
# The gap the plan leaves for a target it does not give, e.g. "确保上线服务事项  项".
_BLANK = re.compile(r"(?<=\S)[ \u3000]+(?=\S)")
_WHITESPACE = re.compile(r"\s+")
# A heading ending in one of these takes further text without a full stop in between.
_CLOSED = ("。", "）", "；", ")")


@dataclass
class MatrixLine:
    tier_key: int
    tier_position: int
    tier_name: str
    project_key: int
    project_text: str
    item: str
    units: str
    responsible: str
    leader: str
    # Whether the project is split into rows (its heading spans the sub-item column otherwise).
    split: bool = False

    @property
    def shared(self) -> tuple[str, str, str]:
        return (self.units, self.responsible, self.leader)

    @property
    def values(self) -> tuple:
        return (
            self.tier_position,
            self.tier_name,
            self.project_text,
            self.item,
            self.units,
            self.responsible,
            self.leader,
        )


@dataclass
class MatrixContent:
    lines: list[MatrixLine]
    # "注1：…" and, last, the key to the marks that occur.
    notes: list[str] = field(default_factory=list)


def _plain(number: Decimal) -> str:
    """84.0000 → 84, 3.1000 → 3.1: a target as the plan writes it."""
    return format(number.normalize(), "f")


def _target_words(indicator: Indicator) -> str:
    """What fills the plan's blank for the indicator's target."""
    if indicator.target_value is None:
        return f"（{PENDING}）"
    return _plain(indicator.target_value)


def _filled(indicator: Indicator) -> str:
    """The plan's words for the indicator, with the blank left for its target filled."""
    return _BLANK.sub(lambda _match: _target_words(indicator), indicator.plan_text)


def _has_blank(indicator: Indicator) -> bool:
    return bool(_BLANK.search(indicator.plan_text))


def _squeezed(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _stated(indicator: Indicator, heading: str) -> bool:
    """Whether the heading (whitespace removed) already says the indicator's target."""
    if indicator.kind == Indicator.Kind.MILESTONE:
        return (
            bool(indicator.plan_text)
            and _squeezed(indicator.plan_text) in heading
            or (indicator.name in heading)
        )
    if indicator.target_value is None:
        return False
    return f"{_plain(indicator.target_value)}{indicator.measure}" in heading


def _joined(heading: str, facts: str) -> str:
    if not facts:
        return heading
    if not heading or heading.endswith(_CLOSED):
        return heading + facts
    return f"{heading}。{facts}"


def _facts(indicators: list[Indicator], heading: str, description: str) -> str:
    """The plan's words for what the heading leaves unsaid, blanks filled; "" when it says all."""
    squeezed = _squeezed(heading)
    unstated = [item for item in indicators if not _stated(item, squeezed)]
    if not unstated:
        return ""
    if description:
        # The project's body text holds every indicator: fill each one's blank where it stands.
        text = description
        for item in indicators:
            if _has_blank(item) and item.plan_text in text:
                text = text.replace(item.plan_text, _filled(item), 1)
        text = _BLANK.sub(f"（{PENDING}）", text)
    else:
        text = "，".join(_filled(item) for item in unstated if item.plan_text)
    # Targets still to come that the plan's words give no blank for (e.g. 省定目标任务).
    pending = [item.name for item in indicators if item.is_target_pending and not _has_blank(item)]
    if pending:
        text += _("（目标%(pending)s：%(names)s）") % {"pending": PENDING, "names": "、".join(pending)}
    return text


class _Notes:
    """Numbers notes in the order they first appear; marks which of the three marks occur."""

    def __init__(self):
        self.numbered: dict[tuple[str, int], tuple[int, str]] = {}
        self.inferred = self.unknown_person = self.unknown_leader = False

    def marker(self, kind: str, key: int, note: str) -> str:
        note = note.strip()
        if not note:
            return ""
        if (kind, key) not in self.numbered:
            self.numbered[(kind, key)] = (len(self.numbered) + 1, note)
        return _("（注%(number)s）") % {"number": self.numbered[(kind, key)][0]}

    def texts(self) -> list[str]:
        texts = [
            _("注%(number)s：%(note)s") % {"number": number, "note": note}
            for number, note in self.numbered.values()
        ]
        key = []
        if self.inferred:
            key.append(
                _("“（推定）”：附表未列明本行的责任人，按各单位在附表中的责任人推定，待专班办公室确认")
            )
        if self.unknown_person:
            key.append(_("“（待补充）”：方案未明确该单位的责任人，待专班办公室补充"))
        if self.unknown_leader:
            key.append(_("“⚠ 待补充”：方案未明确牵头领导，待专班办公室补充"))
        if key:
            texts.append(_("说明：%(key)s。") % {"key": "；".join(key)})
        return texts


# The matrix's task rows in plan order, as plain values.
_ROW_FIELDS = (
    "pk",
    "project_id",
    "project__number",
    "project__title",
    "project__matrix_title",
    "project__description",
    "project__note",
    "project__tier_id",
    "project__tier__position",
    "project__tier__short_name",
    "title",
    "note",
    "lead_unit_id",
    "lead_unit__name",
    "leader_printed",
    "people_listed",
)


def _printed(relation: str):
    """The person's name as the 附表 prints it (Person.printed_name), else the name itself."""
    return Coalesce(NullIf(f"{relation}__printed_name", Value("")), f"{relation}__name")


def matrix_content(plan_year: PlanYear) -> MatrixContent:
    """Four queries, read as plain values: the year's 责任人, the rows' parties, the rows, their indicators.

    The parties of each row come lead unit first, then co-leads, then responsible parties (the
    order the plan names them in); a unit group names its collective 责任人.
    """
    people = dict(
        ResponsiblePerson.objects.filter(plan_year=plan_year)
        .annotate(printed=_printed("person"))
        .values_list("unit_id", "printed")
    )
    parties: dict[int, list[tuple[bool, int | None, str, str]]] = {}
    for row_id, role, unit_id, unit_name, group_name, group_title in (
        TaskRowParty.objects.filter(task_row__project__tier__plan_year=plan_year)
        .order_by("task_row_id", "role", "position")
        .values_list(
            "task_row_id", "role", "unit_id", "unit__name", "group__name", "group__responsible_title"
        )
    ):
        responsible = role == TaskRowParty.Role.RESPONSIBLE
        name = unit_name if unit_id is not None else group_name
        parties.setdefault(row_id, []).append((responsible, unit_id, name, group_title or ""))
    rows = list(
        TaskRow.objects.filter(project__tier__plan_year=plan_year)
        .annotate(leader_printed=_printed("leader"))
        .order_by("project__tier__position", "project__number", "position")
        .values_list(*_ROW_FIELDS)
    )
    indicators: dict[int, list[Indicator]] = {}
    for indicator in (
        Indicator.objects.filter(task_row__project__tier__plan_year=plan_year)
        .only(
            "task_row_id",
            "position",
            "name",
            "plan_text",
            "kind",
            "measure",
            "decimal_places",
            "operator",
            "target_value",
        )
        .order_by("task_row_id", "position")
    ):
        indicators.setdefault(indicator.task_row_id, []).append(indicator)
    rows_per_project: dict[int, int] = {}
    for row in rows:
        rows_per_project[row[1]] = rows_per_project.get(row[1], 0) + 1
    notes = _Notes()
    lines = []
    for (
        row_id,
        project_id,
        number,
        project_title,
        matrix_title,
        description,
        project_note,
        tier_id,
        tier_position,
        tier_name,
        title,
        row_note,
        lead_unit_id,
        lead_unit_name,
        leader_name,
        people_listed,
    ) in rows:
        split = rows_per_project[project_id] > 1 or bool(title)
        heading = f"{number}.{matrix_title or project_title}"
        row_indicators = indicators.get(row_id, [])
        if split:
            project_text = heading + notes.marker("project", project_id, project_note)
            item = _joined(title, _facts(row_indicators, title, ""))
            item += notes.marker("row", row_id, row_note)
        else:
            project_text = _joined(heading, _facts(row_indicators, heading, description))
            project_text += notes.marker("project", project_id, project_note)
            project_text += notes.marker("row", row_id, row_note)
            item = ""
        named = [(False, lead_unit_id, lead_unit_name, ""), *parties.get(row_id, ())]
        leads = [name for responsible, _unit, name, _title in named if not responsible]
        others = [name for responsible, _unit, name, _title in named if responsible]
        units = _("牵头单位：%(units)s") % {"units": "、".join(leads)}
        if others:
            units += _("，责任单位：%(units)s") % {"units": "、".join(others)}
        lines.append(
            MatrixLine(
                tier_key=tier_id,
                tier_position=tier_position,
                tier_name=tier_name,
                project_key=project_id,
                project_text=project_text,
                item=item,
                units=units,
                responsible="\n".join(_responsible(named, people, notes, inferred=not people_listed)),
                leader=_leader(leader_name, notes),
                split=split,
            )
        )
    return MatrixContent(lines=lines, notes=notes.texts())


def _responsible(named, people: dict[int, str], notes: _Notes, *, inferred: bool) -> list[str]:
    """One line per party: its 责任人 (marked when inferred), a group's title, or the unit marked unknown."""
    result = []
    for _responsible_party, unit_id, name, group_title in named:
        if unit_id is None:
            result.append(group_title)
        elif unit_id in people:
            person = official_name(people[unit_id])
            if inferred:
                notes.inferred = True
                person += _("（推定）")
            result.append(person)
        else:
            notes.unknown_person = True
            result.append(_("%(unit)s（待补充）") % {"unit": name})
    return result


def _leader(name: str | None, notes: _Notes) -> str:
    if name:
        return official_name(name)
    notes.unknown_leader = True
    return _("⚠ 待补充")
