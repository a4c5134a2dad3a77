"""`{% progress_bar line %}` and `{% status_badges line %}`: the per-line cells of the dashboards.

They were small templates included once per line; an include costs a template lookup and a
new context each time, which long tables of lines paid hundreds of times. These tags write
the same markup directly.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext

register = template.Library()


def _plain(value) -> str:
    """A value as `{% localize off %}{{ value }}{% endlocalize %}` writes it, escaped."""
    return conditional_escape(str(localize(value, use_l10n=False)))


def _with_value(message: str, name: str, value) -> str:
    """`{% blocktranslate with name=value %}`: the translated sentence around the value."""
    before, _placeholder, after = gettext(message).partition(f"%({name})s")
    return format_html("{}{}{}", before, value, after)


@register.simple_tag
def progress_bar(line) -> str:
    """The completion rate against the time elapsed, as a bar and in words."""
    judgement = line.judgement
    completion, elapsed, gap = judgement.completion, judgement.time_progress, judgement.gap
    elapsed_text = _plain(elapsed)
    label = format_html(
        "{}{}%，{}{}%",
        gettext("完成率"),
        _plain(completion) if completion else "—",
        gettext("序时进度"),
        elapsed_text,
    )
    text = format_html("{}%", _plain(completion)) if completion is not None else "—"
    behind = ""
    if gap and gap > 0:
        behind = format_html(' <span class="gap">{}</span>', _with_value("落后%(gap)s点", "gap", _plain(gap)))
    return format_html(
        '<span class="progress-cell"><svg class="progress" viewBox="0 0 100 10" preserveAspectRatio="none"'
        ' role="img" aria-label="{}"><rect class="track" x="0" y="2" width="100" height="6"/>'
        '<rect class="fill s-{}" x="0" y="2" width="{}" height="6"/>'
        '<line class="pace" x1="{}" x2="{}" y1="0" y2="10"/></svg>\n'
        '<span class="progress-text">{}<span class="muted"> / {}%</span>{}</span></span>\n',
        label,
        str(line.status),
        _plain(line.bar),
        elapsed_text,
        elapsed_text,
        text,
        elapsed_text,
        behind,
    )


@register.simple_tag
def status_badges(line) -> str:
    """The line's status, and whether it is an "of which" figure, flagged or on the notice list."""
    subset = ""
    if not line.counted:
        subset = format_html(
            ' <span class="badge plain" title="{}">{}</span>',
            gettext("其中数指标参与判定，不重复计入统计"),
            gettext("其中数"),
        )
    escalation = ""
    if line.notice:
        escalation = format_html(' <span class="badge notice">{}</span>', gettext("列入通报"))
    elif line.flagged:
        escalation = format_html(
            ' <span class="badge flag">{}</span>',
            _with_value("连续%(n)s月滞后", "n", localize(line.behind_run)),
        )
    return format_html(
        '<span class="badge s-{}">{}</span>{}{}\n', str(line.status), line.judgement.label, subset, escalation
    )
