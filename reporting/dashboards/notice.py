"""The task force's notice list (通报名单) as a spreadsheet, built on core.xlsx."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.xlsx import BaseExporter, landscape_a4_fit_width, neutralise
from reporting.counting import basis_heading
from reporting.dashboards.board import Board
from reporting.dashboards.lines import IndicatorLine

FONT_NAME = "宋体"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(vertical="center", wrap_text=True)
HEADERS = (
    (gettext_lazy("序号"), 6),
    (gettext_lazy("层级"), 12),
    (gettext_lazy("项目"), 28),
    (gettext_lazy("指标"), 24),
    (gettext_lazy("目标"), 14),
    (gettext_lazy("累计完成"), 14),
    (gettext_lazy("完成率（%）"), 11),
    (gettext_lazy("序时进度（%）"), 11),
    (gettext_lazy("落后（百分点）"), 11),
    (gettext_lazy("状态"), 10),
    (gettext_lazy("连续滞后"), 14),
    (gettext_lazy("牵头单位"), 20),
    (gettext_lazy("牵头领导"), 10),
)
FIRST_DATA_ROW = 3


class NoticeListExporter(BaseExporter):
    """Indicators behind time progress two forwarded months running, from July on."""

    identifier = "notice_list"
    verbose_name = gettext_lazy("滞后指标通报名单")

    def __init__(self, *, board: Board):
        self.board = board

    def get_filename(self) -> str:
        basis = self.board.basis
        return (
            f"{self.verbose_name}-{basis.plan_year.year}-{basis.escalation_month or 0:02d}.{self.extension}"
        )

    def title(self) -> str:
        basis = self.board.basis
        return _("%(year)s年%(month)s月重点民生实事滞后指标通报名单") % {
            "year": basis.plan_year.year,
            "month": basis.escalation_month or "",
        }

    def values(self, number: int, line: IndicatorLine) -> tuple:
        row = line.task_row
        project = row.project
        judgement = line.judgement
        item = row.label(tier="none")
        return (
            number,
            project.tier.get_kind_display(),
            item,
            line.indicator.name,
            line.target_display,
            line.value_display,
            float(judgement.completion) if judgement.completion is not None else None,
            float(judgement.time_progress),
            float(judgement.gap) if judgement.gap is not None else None,
            judgement.label,
            _("%(months)s个月（自%(since)s月起）") % {"months": line.behind_run, "since": line.behind_since},
            row.lead_unit.name,
            row.leader.name if row.leader else _("未明确"),
        )

    def build_workbook(self) -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("通报名单")
        last_column = len(HEADERS)
        # The title carries the basis: which figures the list counts, and when it was made.
        heading = f"{self.title()}\n{basis_heading()}"
        self._write(sheet, 1, 1, heading, font=Font(name=FONT_NAME, size=14, bold=True), border=False)
        for column, (header, width) in enumerate(HEADERS, start=1):
            self._write(sheet, 2, column, str(header), font=Font(name=FONT_NAME, size=11, bold=True))
            sheet.column_dimensions[get_column_letter(column)].width = width
        lines = self.board.notices()
        for offset, line in enumerate(lines):
            for column, value in enumerate(self.values(offset + 1, line), start=1):
                self._write(sheet, FIRST_DATA_ROW + offset, column, value)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
        sheet.row_dimensions[1].height = 48
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
        sheet.print_title_rows = "1:2"
        landscape_a4_fit_width(sheet)
        return workbook

    @staticmethod
    def _write(sheet, row: int, column: int, value, *, font=None, border=True):
        if value is not None and not isinstance(value, int | float):
            value = str(value)  # labels are lazy translations
        cell = sheet.cell(row=row, column=column, value=neutralise(value))
        if isinstance(cell.value, CellRichText):
            cell.quotePrefix = True
        cell.font = font or Font(name=FONT_NAME, size=11)
        cell.alignment = WRAP
        if border:
            cell.border = BORDER
        return cell
