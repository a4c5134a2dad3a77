"""关于2023年X月重点民生实事推进情况的通报: the monthly notice, drafted from a forwarded month's facts."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bulletins import word
from bulletins.facts import MISSING, MonthFacts
from reporting.calendar.deadlines import DATA_CUTOFF_DAY
from reporting.counting import basis_sentence
from reporting.dashboards.lines import TALLY_ORDER, IndicatorLine, Tally
from reporting.progress import Status

NUMERALS = "一二三四五六七八九十"
ADDRESSEES = gettext_lazy("各乡镇人民政府、街道办事处，县直有关单位：")
OFFICE = gettext_lazy("县重点民生实事工作专班办公室")


def numeral(number: int) -> str:
    return NUMERALS[number - 1]


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def leader_name(line: IndicatorLine) -> str:
    leader = line.task_row.leader
    return leader.name if leader else str(MISSING)


def notice_title(year: int, month: int) -> str:
    return _("关于%(year)s年%(month)s月重点民生实事推进情况的通报") % {"year": year, "month": month}


def indicator_text(line: IndicatorLine) -> str:
    """ "城镇新增就业（省定民生实事第3项）": the indicator, and where the plan has it."""
    project = line.task_row.project
    return _("%(indicator)s（%(tier)s第%(number)s项）") % {
        "indicator": line.indicator.name,
        "tier": project.tier.short_name,
        "number": project.number,
    }


# The title's two lines, broken where an office breaks it: before 推进情况的通报.
TITLE_BREAK = "重点民生实事"


def tally_sentence(tally: Tally) -> str:
    """ "已完成3项、正常推进10项、滞后2项……": every status the board counts, zero ones left out."""
    parts = [
        _("%(label)s%(count)s项") % {"label": status.label, "count": tally.count(status)}
        for status in TALLY_ORDER
        if tally.count(status)
    ]
    return "、".join(parts) if parts else _("暂无")


class NoticeExporter(word.WordExporter):
    identifier = "monthly_notice"
    verbose_name = gettext_lazy("月度通报")

    def __init__(self, *, facts: MonthFacts):
        self.facts = facts

    @property
    def title(self) -> str:
        return notice_title(self.facts.year, self.facts.month)

    def get_filename(self) -> str:
        return f"{self.title}（{_(word.DRAFT)}）.{self.extension}"

    def build_document(self):
        document = word.new_document()
        word.mark_draft(
            document,
            title=self.title,
            comments=_(
                "草稿：由平台依据%(month)s已上报的已核验数据自动起草；“下一步工作”由专班办公室填写，"
                "定稿时删除页眉“草稿”标记。%(basis)s。"
            )
            % {"month": self.facts.label, "basis": basis_sentence(_("本通报"))},
        )
        first, broken, rest = self.title.partition(TITLE_BREAK)
        title = word.paragraph(document, first + broken, word.TITLE)
        if broken and rest:
            title.add_run().add_break()
            title.add_run(rest)
        word.paragraph(document, "", word.ADDRESSEE)
        word.paragraph(document, str(ADDRESSEES), word.ADDRESSEE)
        self._opening(document)
        sections = [
            (_("总体进展情况"), self._overall),
            (_("按时报送情况"), self._timeliness),
            (_("滞后序时进度的指标"), self._behind),
            (_("下一步工作"), self._next_steps),
        ]
        for number, (heading, write) in enumerate(sections, start=1):
            word.paragraph(document, f"{numeral(number)}、{heading}", word.HEADING_1)
            write(document)
        word.paragraph(document, "", word.BODY)
        word.paragraph(document, str(OFFICE), word.SIGNATURE)
        word.paragraph(document, word.chinese_date(timezone.localdate()), word.SIGNATURE)
        return document

    # --- the parts ------------------------------------------------------------------------------

    def _opening(self, document) -> None:
        facts = self.facts
        word.paragraph(
            document,
            _(
                "为推动%(year)s年重点民生实事项目落地见效，县重点民生实事工作专班办公室对%(month)s"
                "各项目推进情况进行了调度，数据于%(forwarded)s上报。%(basis)s，统计截至%(cutoff)s月%(day)s日。"
                "现将有关情况通报如下："
            )
            % {
                "year": facts.year,
                "month": self.facts.label,
                "forwarded": word.chinese_date(facts.forwarded_on),
                "basis": basis_sentence(_("本通报")),
                "cutoff": facts.month,
                "day": DATA_CUTOFF_DAY,
            },
        )

    def _overall(self, document) -> None:
        facts = self.facts
        overall = facts.overall
        words = {
            "day": DATA_CUTOFF_DAY,
            "month": facts.month,
            "elapsed": percent(facts.board.basis.elapsed),
            "total": overall.total,
            "tally": tally_sentence(overall),
            "behind": overall.behind,
            "serious": overall.count(Status.SERIOUSLY_BEHIND),
        }
        text = _(
            "截至%(month)s月%(day)s日，全年序时进度为%(elapsed)s。纳入统计的%(total)s项指标中，%(tally)s；"
            "落后序时进度的共%(behind)s项，其中严重滞后%(serious)s项。"
        )
        if overall.others:
            words["others"] = overall.others
            text += _("另有“其中”类指标%(others)s项单列判断，不重复计数。")
        word.paragraph(document, text % words)
        for tier in facts.tiers:
            word.paragraph(
                document,
                _("%(tier)s%(total)s项指标：%(tally)s。")
                % {"tier": tier.label, "total": tier.total, "tally": tally_sentence(tier)},
            )
        headers = [_("层级"), _("指标数"), *[str(status.label) for status in TALLY_ORDER]]
        rows = [
            [tally.label, str(tally.total), *[str(tally.count(status)) for status in TALLY_ORDER]]
            for tally in [*facts.tiers, overall]
        ]
        word.table(
            document, headers, rows, widths=[30, 16, *[15] * len(TALLY_ORDER)], centred=range(1, len(headers))
        )

    def _timeliness(self, document) -> None:
        facts = self.facts
        word.paragraph(document, _("（一）逾期报送的单位"), word.HEADING_2)
        if facts.late:
            items = [
                _("%(unit)s（逾期%(late)s项，最后提交于%(day)s）")
                % {"unit": item.unit.name, "late": item.late, "day": self._day(item.day)}
                for item in facts.late
            ]
            word.paragraph(
                document,
                _("%(count)s个单位在报送截止日后才提交：%(units)s。")
                % {"count": len(items), "units": "；".join(items)},
            )
        else:
            word.paragraph(document, _("本月各单位均在截止日前提交，无逾期报送。"))
        word.paragraph(document, _("（二）未报送的单位"), word.HEADING_2)
        if facts.missing:
            items = [
                _("%(unit)s（%(missing)s项未报，共牵头%(rows)s项）")
                % {"unit": item.unit.name, "missing": item.missing, "rows": item.rows}
                for item in facts.missing
            ]
            word.paragraph(
                document,
                _("截至本月上报，%(count)s个牵头单位仍有任务未报送，按未报送处理：%(units)s。")
                % {"count": len(items), "units": "；".join(items)},
            )
        else:
            word.paragraph(document, _("各牵头单位均已报送本月数据。"))
        word.paragraph(document, _("（三）审核退回较多的单位"), word.HEADING_2)
        if facts.returned:
            items = [
                _("%(unit)s（退回%(returns)s次，涉及%(rows)s项任务）")
                % {"unit": item.unit.name, "returns": item.returns, "rows": item.rows}
                for item in facts.returned
            ]
            word.paragraph(
                document,
                _("本月审核中被退回修改次数较多的单位：%(units)s。请相关单位严把数据质量关。")
                % {"units": "；".join(items)},
            )
        else:
            word.paragraph(document, _("本月审核中无退回。"))

    def _day(self, day) -> str:
        return _("%(month)s月%(day)s日") % {"month": day.month, "day": day.day} if day else "—"

    def _behind(self, document) -> None:
        facts = self.facts
        behind = facts.behind
        if not behind:
            word.paragraph(document, _("本月无落后序时进度的指标。"))
            return
        supervised = facts.supervised
        flagged = sum(len(item.lines) for item in supervised)
        text = _("共有%(count)s项指标落后于序时进度（详见下表，按落后程度排序）。") % {"count": len(behind)}
        if flagged:
            text += _(
                "其中%(flagged)s项已连续两个月及以上落后序时进度，专班办公室将向%(units)s个牵头单位发出督办单，"
                "抄送牵头领导。"
            ) % {"flagged": flagged, "units": len(supervised)}
        word.paragraph(document, text)
        headers = [_("序号"), _("指标"), _("累计完成"), _("完成率"), _("序时进度"), _("状态")]
        headers += [_("牵头单位"), _("牵头领导")]
        rows = []
        for number, line in enumerate(behind, start=1):
            status = str(line.judgement.label)
            if line.flagged:
                status += _("（连续%(months)s个月）") % {"months": line.behind_run}
            rows.append(
                [
                    str(number),
                    indicator_text(line),
                    line.value_display or "—",
                    percent(line.judgement.completion),
                    percent(line.judgement.time_progress),
                    status,
                    line.task_row.lead_unit.name,
                    leader_name(line),
                ]
            )
        word.table(document, headers, rows, widths=[8, 44, 18, 15, 15, 20, 20, 16], centred={0, 3, 4})

    def _next_steps(self, document) -> None:
        word.placeholder(
            document,
            _(
                "待专班办公室填写：针对上述滞后指标、逾期和未报送单位提出下一步工作要求。"
                "本段由平台留空，定稿前请删除本提示。"
            ),
        )
