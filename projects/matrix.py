"""The responsibility matrix (责任分解表), laid out like the plan's 附表."""

import math
from copy import copy
from dataclasses import dataclass
from itertools import groupby

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from core.xlsx import (
    BORDER,
    CENTRED,
    FONT_NAME,
    LEFT,
    BaseExporter,
    landscape_a4_fit_width,
    neutralise,
    prepared_style,
)
from projects.models import PlanYear, ResponsiblePerson, TaskRow, TaskRowParty

# 序号, tier, project, sub-item, units, 责任人, 牵头领导 — widths in Excel character units.
COLUMN_WIDTHS = (6, 9, 28, 26, 40, 24, 10)
COLUMN_ALIGNMENTS = (CENTRED, CENTRED, LEFT, LEFT, LEFT, CENTRED, CENTRED)
FIRST_DATA_ROW = 3
BODY_FONT_SIZE = 11
MATRIX_TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
MATRIX_HEADER_FONT = Font(name=FONT_NAME, size=BODY_FONT_SIZE, bold=True)
MATRIX_BODY_FONT = Font(name=FONT_NAME, size=BODY_FONT_SIZE)
# Points per printed line of 11 pt 宋体, with a little air so borders do not touch the text.
LINE_HEIGHT = 14.5
ROW_PADDING = 4


class _PreparedMerge(MergedCellRange):
    """A merged range whose cells the exporter has already replaced and styled (see _Merger)."""

    def _get_borders(self):
        self.start_cell = self.ws._cells[(self.min_row, self.min_col)]


class _Merger:
    """Merges cell ranges with the same outcome as openpyxl's merge_cells, for a fraction of the cost.

    openpyxl replaces every cell but the top-left one with an empty MergedCell, gives the top-left
    cell the bottom-right cell's right and bottom borders, gives each cell on an edge of the range
    the top-left cell's border on that edge and sets the protection of all, assigning style
    objects cell by cell. Every cell's resulting style depends only on the styles of the two
    corner cells, on whether the range is one row or one column, and on which edges the cell
    lies on: openpyxl itself works that out once per combination, by merging a range of the same
    shape on a sheet that is never saved, and the cells of every such range get a copy.
    The exporter's ranges never overlap, so they are added without openpyxl's check against every
    range already merged.
    """

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self._outcomes: dict[tuple, dict] = {}
        self._scratch: Worksheet | None = None

    def merge(self, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
        cells = self.sheet._cells
        start = cells[(start_row, start_column)]
        end = cells.get((end_row, end_column))
        key = (
            tuple(start._style),
            None if end is None else tuple(end._style),
            start_row == end_row,
            start_column == end_column,
        )
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = self._outcomes[key] = self._work_out(start, end, one_row=key[2], one_column=key[3])
        for row in range(start_row, end_row + 1):
            for column in range(start_column, end_column + 1):
                edges = (row == start_row, column == start_column, column == end_column, row == end_row)
                if row == start_row and column == start_column:
                    cell = start
                else:
                    cell = cells[(row, column)] = MergedCell(self.sheet, row, column)
                cell._style = copy(outcome[edges])
        coordinate = f"{get_column_letter(start_column)}{start_row}:{get_column_letter(end_column)}{end_row}"
        self.sheet.merged_cells.ranges.add(_PreparedMerge(self.sheet, coordinate))

    def _work_out(self, start: Cell, end: Cell | None, *, one_row: bool, one_column: bool) -> dict:
        # Three rows and three columns hold a cell on every combination of edges.
        last_row, last_column = (1 if one_row else 3), (1 if one_column else 3)
        if self._scratch is None:
            # In the workbook's style tables, but not one of its sheets.
            self._scratch = Worksheet(self.sheet.parent)
        scratch = self._scratch
        scratch._cells.clear()
        scratch.merged_cells.ranges.clear()
        scratch.cell(row=1, column=1)._style = copy(start._style)
        if end is not None:
            scratch.cell(row=last_row, column=last_column)._style = copy(end._style)
        scratch.merge_cells(start_row=1, start_column=1, end_row=last_row, end_column=last_column)
        return {
            (row == 1, column == 1, column == last_column, row == last_row): cell._style
            for (row, column), cell in scratch._cells.items()
        }


@dataclass
class _MatrixLine:
    tier_key: int
    tier_position: int
    tier_name: str
    project_key: int
    project_text: str
    item: str
    units: str
    responsible: str
    leader: str

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


def _text_width(text: str) -> int:
    # CJK characters print about two character units wide.
    return sum(1 if ord(char) < 0x2E80 else 2 for char in text)


def _lines_needed(text: str, width: float) -> int:
    # A cell's usable width is a little narrower than the column.
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(_text_width(line) / usable)) for line in str(text).split("\n"))


def _shown_text(value) -> str:
    """The text a written cell value shows, for estimating its height."""
    if value is None:
        return ""
    return "".join(str(part) for part in value) if isinstance(value, CellRichText) else str(value)


# The matrix's task rows in plan order, as plain values.
_MATRIX_ROW_FIELDS = (
    "pk",
    "project_id",
    "project__number",
    "project__title",
    "project__matrix_title",
    "project__tier_id",
    "project__tier__position",
    "project__tier__short_name",
    "title",
    "lead_unit_id",
    "lead_unit__name",
    "leader__name",
)


class ResponsibilityMatrixExporter(BaseExporter):
    """The plan's 附表: one line per task row, with units, 责任人 and 牵头领导."""

    identifier = "responsibility_matrix"
    verbose_name = gettext_lazy("责任分解表")

    def __init__(self, *, plan_year: PlanYear):
        self.plan_year = plan_year

    def get_filename(self) -> str:
        return f"{self.verbose_name}-{self.plan_year.year}.{self.extension}"

    def lines(self) -> list[_MatrixLine]:
        """Three queries, read as plain values: the task rows, their parties and the year's 责任人.

        The parties of each row come lead unit first, then co-leads, then responsible parties (the
        order the plan names them in); a unit group names its collective 责任人.
        """
        by_unit = dict(
            ResponsiblePerson.objects.filter(plan_year=self.plan_year).values_list("unit_id", "person__name")
        )
        parties: dict[int, list[tuple[bool, str, str]]] = {}
        for row_id, role, unit_id, unit_name, group_name, group_title in (
            TaskRowParty.objects.filter(task_row__project__tier__plan_year=self.plan_year)
            .order_by("task_row_id", "role", "position")
            .values_list(
                "task_row_id", "role", "unit_id", "unit__name", "group__name", "group__responsible_title"
            )
        ):
            responsible = role == TaskRowParty.Role.RESPONSIBLE
            if unit_id is not None:
                party = (responsible, unit_name, by_unit.get(unit_id, ""))
            else:
                party = (responsible, group_name, group_title)
            parties.setdefault(row_id, []).append(party)
        rows = (
            TaskRow.objects.filter(project__tier__plan_year=self.plan_year)
            .order_by("project__tier__position", "project__number", "position")
            .values_list(*_MATRIX_ROW_FIELDS)
        )
        result = []
        for (
            row_id,
            project_id,
            project_number,
            project_title,
            matrix_title,
            tier_id,
            tier_position,
            tier_name,
            title,
            lead_unit_id,
            lead_unit_name,
            leader_name,
        ) in rows:
            named = [(False, lead_unit_name, by_unit.get(lead_unit_id, "")), *parties.get(row_id, ())]
            leads = [name for responsible, name, _person in named if not responsible]
            others = [name for responsible, name, _person in named if responsible]
            units = _("牵头单位：%(units)s") % {"units": "、".join(leads)}
            if others:
                units += _("，责任单位：%(units)s") % {"units": "、".join(others)}
            result.append(
                _MatrixLine(
                    tier_key=tier_id,
                    tier_position=tier_position,
                    tier_name=tier_name,
                    project_key=project_id,
                    project_text=f"{project_number}.{matrix_title or project_title}",
                    item=title,
                    units=units,
                    # Only known names: an unnamed unit leaves no blank line in the cell.
                    responsible="\n".join(person for _responsible, _name, person in named if person),
                    leader=leader_name or "",
                )
            )
        return result

    def build_workbook(self) -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("%(year)s年责任分解表") % {"year": self.plan_year.year}
        lines = self.lines()
        self._styles: dict[tuple, tuple] = {}
        # Every value goes in before any merge: openpyxl refuses writes into merged cells.
        self._write_head(sheet)
        shown = []
        for offset, line in enumerate(lines):
            row = FIRST_DATA_ROW + offset
            shown.append(
                [
                    self._write(sheet, row, column, value, alignment=alignment)
                    for column, (value, alignment) in enumerate(
                        zip(line.values, COLUMN_ALIGNMENTS, strict=True), start=1
                    )
                ]
            )
        merges = self._head_merges() + self._body_merges(lines)
        self._fit_row_heights(sheet, shown, merges)
        merger = _Merger(sheet)
        for merge in merges:
            merger.merge(**merge)
        self._set_up_page(sheet, last_row=FIRST_DATA_ROW + len(lines) - 1)
        return workbook

    def _write(
        self, sheet: Worksheet, row: int, column: int, value, *, alignment, font=MATRIX_BODY_FONT
    ) -> str:
        """Writes one cell and returns the text it shows."""
        value = neutralise(value) if value != "" else None
        cell = sheet.cell(row=row, column=column, value=value)
        # Keeps the text literal even when someone edits the cell in Excel later.
        quoted = isinstance(value, CellRichText)
        bordered = row > 1
        # Keyed by identity, which is cheap; the entry holds the objects so no identity is reused.
        key = (id(alignment), id(font), bordered, quoted)
        found = self._styles.get(key)
        if found is None:
            attributes = {"alignment": alignment, "font": font, "quotePrefix": quoted}
            if bordered:
                attributes["border"] = BORDER
            found = self._styles[key] = (prepared_style(sheet, **attributes), alignment, font)
        cell._style = copy(found[0])
        return _shown_text(value)

    def _write_head(self, sheet: Worksheet) -> None:
        title = _("隆回县打好“重点民生保障仗”重点工作任务责任分解表")
        self._write(sheet, 1, 1, title, alignment=CENTRED, font=MATRIX_TITLE_FONT)
        headers = (_("序号"), _("重点工作任务"), "", "", _("主要责任单位"), _("责任人"), _("牵头领导"))
        for column, header in enumerate(headers, start=1):
            self._write(sheet, 2, column, header, alignment=CENTRED, font=MATRIX_HEADER_FONT)
        sheet.row_dimensions[1].height = 36
        sheet.row_dimensions[2].height = 24

    def _head_merges(self) -> list[dict]:
        last = len(COLUMN_WIDTHS)
        return [
            {"start_row": 1, "start_column": 1, "end_row": 1, "end_column": last},
            # 重点工作任务 sits over tier, project and sub-item.
            {"start_row": 2, "start_column": 2, "end_row": 2, "end_column": 4},
        ]

    def _body_merges(self, lines: list[_MatrixLine]) -> list[dict]:
        merges = []
        row = FIRST_DATA_ROW
        for _tier, tier_lines in groupby(lines, key=lambda line: line.tier_key):
            tier_lines = list(tier_lines)
            tier_end = row + len(tier_lines) - 1
            merges += self._down(row, tier_end, columns=(1, 2))
            project_row = row
            for _project, project_lines in groupby(tier_lines, key=lambda line: line.project_key):
                project_lines = list(project_lines)
                project_end = project_row + len(project_lines) - 1
                if len(project_lines) == 1 and not project_lines[0].item:
                    # A project that is not split spans the sub-item column, as in the plan.
                    merges.append(
                        {"start_row": project_row, "start_column": 3, "end_row": project_row, "end_column": 4}
                    )
                else:
                    merges += self._down(project_row, project_end, columns=(3,))
                # Consecutive sub-items with the same units, people and leader share those
                # cells, as items 6 and 7 do in the plan.
                run_row = project_row
                for _shared, run in groupby(project_lines, key=lambda line: line.shared):
                    run_end = run_row + len(list(run)) - 1
                    merges += self._down(run_row, run_end, columns=(5, 6, 7))
                    run_row = run_end + 1
                project_row = project_end + 1
            row = tier_end + 1
        return merges

    @staticmethod
    def _down(start: int, end: int, *, columns) -> list[dict]:
        if end <= start:
            return []
        return [
            {"start_row": start, "start_column": column, "end_row": end, "end_column": column}
            for column in columns
        ]

    def _fit_row_heights(self, sheet: Worksheet, shown: list[list[str]], merges: list[dict]) -> None:
        """Give wrapped text room: Excel does not grow rows for merged or wrapped cells it did not edit.

        `shown` holds the text of every body cell, row by row, as written.
        """
        merged_down = {}
        merged_across = {}
        for merge in merges:
            start = (merge["start_row"], merge["start_column"])
            if merge["start_row"] >= FIRST_DATA_ROW and merge["end_row"] > merge["start_row"]:
                merged_down[start] = merge["end_row"]
            if merge["start_row"] == merge["end_row"]:
                merged_across[start] = sum(COLUMN_WIDTHS[merge["start_column"] - 1 : merge["end_column"]])
        skipped = set(merged_down)
        skipped.update(
            (row, column) for (start, column), end in merged_down.items() for row in range(start + 1, end + 1)
        )
        heights = {}
        for row, texts in enumerate(shown, start=FIRST_DATA_ROW):
            needed = 1
            for column, (text, width) in enumerate(zip(texts, COLUMN_WIDTHS, strict=True), start=1):
                if (row, column) in skipped:
                    continue
                needed = max(needed, _lines_needed(text, merged_across.get((row, column), width)))
            heights[row] = needed * LINE_HEIGHT + ROW_PADDING
        # A cell merged down may need more than its rows give it: share the shortfall out.
        for (start, column), end in merged_down.items():
            text = shown[start - FIRST_DATA_ROW][column - 1]
            needed_height = _lines_needed(text, COLUMN_WIDTHS[column - 1]) * LINE_HEIGHT + ROW_PADDING
            rows = range(start, end + 1)
            shortfall = needed_height - sum(heights[row] for row in rows)
            if shortfall > 0:
                for row in rows:
                    heights[row] += shortfall / len(rows)
        for row, height in heights.items():
            sheet.row_dimensions[row].height = round(height, 1)

    def _set_up_page(self, sheet: Worksheet, *, last_row: int) -> None:
        for column, width in enumerate(COLUMN_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        landscape_a4_fit_width(sheet)
        sheet.print_title_rows = "1:2"
        sheet.print_area = f"A1:{get_column_letter(len(COLUMN_WIDTHS))}{max(last_row, 2)}"
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
