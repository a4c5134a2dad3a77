"""Reading a beneficiary list from Excel: every row checked with the browser's form, all or nothing.

The file is inspected before parsing (`core.uploads`), read in
openpyxl's read-only mode, and each row goes through `BeneficiaryForm`; any
error refuses the whole file, naming the row (Excel's row number).
"""

import io
import logging
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from beneficiaries.forms import GENDER_WORDS, BeneficiaryForm, spreadsheet_value
from core.uploads import UploadRefused, spool_upload
from projects.models import Indicator, Unit, UnitAlias

MAX_ROWS = 5000
DAMAGED = gettext_lazy("文件已损坏或不是有效的Excel文件，请用Excel打开检查后另存为 .xlsx 重新上传。")
logger = logging.getLogger(__name__)
MAX_ERRORS_SHOWN = 200


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("name", "姓名", True),
    Column("id_number", "身份证号", True, ("身份证号码", "公民身份号码", "身份证")),
    Column("gender", "性别", False),
    Column("township", "乡镇（街道）", True, ("乡镇", "街道", "乡镇街道", "所属乡镇")),
    Column("village", "村（社区）", True, ("村", "社区", "村社区", "村居")),
    Column("benefit_type", "受益类型", True, ("类型", "补助类型", "受益项目")),
    Column("amount", "金额或数量", False, ("金额", "数量", "金额（元）")),
    Column("benefit_date", "受益日期", True, ("日期", "发放日期", "完成日期")),
    Column("indicator", "计入指标", False, ("指标",)),
    Column("phone", "联系电话", False, ("电话", "手机", "手机号码", "联系方式")),
)


def _header_key(text) -> str:
    return "".join(str(text or "").split()).replace("(", "（").replace(")", "）")


HEADERS = {_header_key(name): column for column in COLUMNS for name in (column.header, *column.aliases)}


@dataclass
class ReadResult:
    rows: list[dict] = field(default_factory=list)  # form data per row, with "line" = Excel row number
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count and bool(self.rows)

    def add_error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(message)


def _township_names(townships: list[Unit]) -> dict[str, int]:
    names = {unit.name: unit.pk for unit in townships}
    for alias, unit_id in UnitAlias.objects.filter(unit__in=townships).values_list("alias", "unit_id"):
        names[alias] = unit_id
    return names


def read_upload(upload, *, indicators: list[Indicator], townships: list[Unit]) -> ReadResult:
    """Inspect, parse and check an uploaded file; nothing is written."""
    try:
        content = spool_upload(upload)
    except UploadRefused as exc:
        return ReadResult(errors=[str(exc)], error_count=1)
    return read_workbook(content, indicators=indicators, townships=townships)


def read_workbook(content: bytes, *, indicators: list[Indicator], townships: list[Unit]) -> ReadResult:
    result = ReadResult()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        result.add_error(_("无法读取该 Excel 文件，请另存为 .xlsx 后重新上传。"))
        return result
    try:
        _read_sheet(workbook.worksheets[0], result, indicators=indicators, townships=townships)
    except Exception as exc:  # a damaged part inside a valid zip: openpyxl raises many kinds (XML, zlib…)
        logger.info("Unreadable beneficiary upload content: %s", exc)
        return ReadResult(errors=[DAMAGED], error_count=1)
    finally:
        workbook.close()
    if not result.rows and not result.error_count:
        result.add_error(_("文件中没有数据行。"))
    return result


def _read_sheet(sheet, result: ReadResult, *, indicators, townships) -> None:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        column = HEADERS.get(_header_key(text))
        if column and column.key not in positions:
            positions[column.key] = index
    needs_indicator = len(indicators) > 1
    for column in COLUMNS:
        if column.key not in positions and (
            column.required or (column.key == "indicator" and needs_indicator)
        ):
            result.add_error(_("第1行缺少“%(header)s”列。") % {"header": column.header})
    if result.error_count:
        return
    township_ids = _township_names(townships)
    indicator_ids = {item.name: item.pk for item in indicators}
    for line, values in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in values):
            continue
        if len(result.rows) >= MAX_ROWS:
            result.add_error(_("数据超过%(max)s行，请分成几个文件导入。") % {"max": MAX_ROWS})
            return
        cells = {key: values[index] if index < len(values) else None for key, index in positions.items()}
        data, problems = _row_data(
            cells, township_ids=township_ids, indicator_ids=indicator_ids, indicators=indicators
        )
        form = BeneficiaryForm(data, indicators=indicators, townships=townships)
        if form.is_valid() and not problems:
            data.update(
                line=line, id_number=form.cleaned_data["id_number"], gender=form.cleaned_data["gender"]
            )
            result.rows.append(data)
            continue
        for name, errors in form.errors.items():
            if name in problems:
                continue
            label = form.fields[name].label if name in form.fields else ""
            for message in errors:
                result.add_error(
                    _("第%(line)s行“%(label)s”：%(message)s")
                    % {"line": line, "label": label, "message": message}
                )
        for name, message in problems.items():
            label = form.fields[name].label
            result.add_error(
                _("第%(line)s行“%(label)s”：%(message)s") % {"line": line, "label": label, "message": message}
            )


def _row_data(cells: dict, *, township_ids, indicator_ids, indicators) -> tuple[dict, dict[str, str]]:
    """The form's data from a row's cells, and problems the form cannot name (by field)."""
    problems = {}
    id_cell = cells.get("id_number")
    if isinstance(id_cell, int | float):
        # Excel keeps 15 significant digits: an ID number typed as a number has lost its last digits.
        problems["id_number"] = _(
            "身份证号被Excel存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写。"
        )
    data = {
        key: spreadsheet_value(cells.get(key))
        for key in ("name", "id_number", "phone", "village", "benefit_type", "amount", "benefit_date")
    }
    gender = spreadsheet_value(cells.get("gender"))
    if gender and gender not in GENDER_WORDS:
        problems["gender"] = _("应填“男”或“女”，不能是“%(value)s”。") % {"value": gender}
    data["gender"] = GENDER_WORDS.get(gender, "")
    township = spreadsheet_value(cells.get("township"))
    if township and township not in township_ids:
        problems["township"] = _("“%(name)s”不在系统的乡镇、街道名单中。") % {"name": township}
    data["township"] = str(township_ids.get(township, ""))
    indicator = spreadsheet_value(cells.get("indicator"))
    if not indicator and len(indicators) == 1:
        data["indicator"] = str(indicators[0].pk)
    elif indicator not in indicator_ids:
        problems["indicator"] = _("“%(name)s”不是本项任务的累计数量类指标，应为：%(names)s。") % {
            "name": indicator,
            "names": "、".join(indicator_ids),
        }
        data["indicator"] = ""
    else:
        data["indicator"] = str(indicator_ids[indicator])
    return data, problems
