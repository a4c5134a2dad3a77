"""督办单: one page per lead unit whose indicators are on the board's escalation list.

An office prints the all-in-one file (one 督办单 a page, page breaks between them) to sign and
send the lot, or downloads one unit's to send on its own; both come from `SupervisionExporter`.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT

from bulletins import word
from bulletins.facts import REPLY_WORKING_DAYS, MonthFacts, SupervisedUnit
from bulletins.notice import OFFICE, indicator_text, leader_name, percent
from reporting.calendar.workcalendar import weekday_name
from reporting.counting import basis_sentence


def supervision_title() -> str:
    return _("重点民生实事督办单")


class SupervisionExporter(word.WordExporter):
    identifier = "supervision_notice"
    verbose_name = gettext_lazy("督办单")

    def __init__(self, *, facts: MonthFacts, unit_id: int | None = None):
        """All the month's 督办单, or only the one of `unit_id` (which must be on the list)."""
        self.facts = facts
        self.unit_id = unit_id
        units = facts.supervised
        self.units: list[SupervisedUnit] = (
            [item for item in units if item.unit.pk == unit_id] if unit_id is not None else units
        )
        self.numbers = {item.unit.pk: number for number, item in enumerate(units, start=1)}

    def get_filename(self) -> str:
        month = self.facts.label
        if self.unit_id is not None and self.units:
            return f"{month}{self.verbose_name}-{self.units[0].unit.name}（{_(word.DRAFT)}）.{self.extension}"
        return f"{month}{self.verbose_name}（{_(word.DRAFT)}）.{self.extension}"

    def number(self, item: SupervisedUnit) -> str:
        """督办〔2023〕5-1号: the year, the month and the unit's place on the month's list."""
        return _("督办〔%(year)s〕%(month)s-%(number)s号") % {
            "year": self.facts.year,
            "month": self.facts.month,
            "number": self.numbers[item.unit.pk],
        }

    def build_document(self):
        facts = self.facts
        document = word.new_document()
        word.mark_draft(
            document,
            title=f"{facts.label}{supervision_title()}",
            comments=_(
                "草稿：由平台依据驾驶舱的督办规则（连续两个已上报月份落后序时进度）自动起草，"
                "每个牵头单位一页；定稿时删除页眉“草稿”标记。%(basis)s。"
            )
            % {"basis": basis_sentence(_("本督办单"))},
        )
        if not self.units:
            word.paragraph(document, supervision_title(), word.TITLE)
            word.paragraph(document, _("本月没有连续两个月落后序时进度的指标，无需督办。"))
            return document
        for index, item in enumerate(self.units):
            if index:
                document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
            self._page(document, item)
        return document

    def _page(self, document, item: SupervisedUnit) -> None:
        facts = self.facts
        deadline = facts.reply_deadline
        word.paragraph(document, supervision_title(), word.TITLE)
        # The unit addressed on the left, the notice's number on the right of the same line.
        addressee = word.paragraph(document, f"{item.unit.name}：\t{self.number(item)}", word.ADDRESSEE)
        addressee.paragraph_format.tab_stops.add_tab_stop(word.TYPE_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        word.paragraph(
            document,
            _(
                "你单位牵头的以下%(count)s项指标已连续两个月及以上落后序时进度"
                "（%(month_number)s月序时进度%(elapsed)s），现予督办。"
            )
            % {
                "count": len(item.lines),
                "month_number": facts.month,
                "elapsed": percent(facts.board.basis.elapsed),
            },
        )
        headers = [_("序号"), _("指标"), _("目标"), _("累计完成"), _("完成率"), _("状态")]
        headers += [_("连续滞后"), _("牵头领导")]
        rows = [
            [
                str(number),
                indicator_text(line),
                line.target_display or "—",
                line.value_display or "—",
                percent(line.judgement.completion),
                str(line.judgement.label),
                _("%(months)s个月（自%(since)s月起）")
                % {"months": line.behind_run, "since": line.behind_since},
                leader_name(line),
            ]
            for number, line in enumerate(item.lines, start=1)
        ]
        word.table(document, headers, rows, widths=[8, 44, 24, 18, 12, 12, 24, 14], centred={0, 4})
        basis = _("注：依据%(month)s已上报的数据；%(basis)s。") % {
            "month": facts.label,
            "basis": basis_sentence(_("本督办单")),
        }
        word.paragraph(document, basis, word.TABLE_TEXT)
        word.paragraph(
            document,
            _(
                "督办要求：请你单位对照年度目标分析滞后原因，明确整改措施、责任人和完成时限，"
                "于%(deadline)s（%(weekday)s）前将书面情况报%(office)s（自%(forwarded)s上报起%(days)s个工作日）。"
            )
            % {
                "deadline": word.chinese_date(deadline),
                "weekday": weekday_name(deadline),
                "office": OFFICE,
                "forwarded": word.chinese_date(facts.forwarded_on),
                "days": REPLY_WORKING_DAYS,
            },
        )
        word.paragraph(document, str(OFFICE), word.SIGNATURE)
        word.paragraph(document, word.chinese_date(timezone.localdate()), word.SIGNATURE)
        # Copied to, under the signature, as a paper's 抄送 line stands.
        word.paragraph(
            document,
            _("抄送：%(leaders)s（牵头领导）") % {"leaders": "、".join(item.leaders)},
            word.ADDRESSEE,
        )
