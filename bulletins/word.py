"""Word documents the way a county office lays out its papers, on python-docx.

The page and type follow the usual government document layout (GB/T 9704): A4, margins
37/35/28/26 mm, the title in 2号 方正小标宋简体, the text in 3号 仿宋_GB2312 with a first-line
indent of two characters and about 22 lines a page, first-level headings (一、) in 黑体 and
second-level ones (（一）) in 楷体_GB2312. Everything is set on named paragraph styles (公文标题,
公文正文…), so the office restyles the whole draft in one place.

python-docx sets a style's `font.name` for Latin text only (w:ascii, w:hAnsi); Chinese text takes
the w:eastAsia font of the style's w:rFonts, set here on the style's element. Where a reader lacks
an official font (仿宋_GB2312, 方正小标宋简体 are not on every machine) the Normal style underneath
every style names 宋体, the font every Chinese Windows and WPS installation has, and the document
is marked zh-CN so LibreOffice picks a CJK serif of its own.

Each document is a draft: a "草稿" line heads every page and the core properties say so
(`mark_draft`), until the office removes them.
"""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The official faces, and the one every Chinese office computer has beneath them.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
FALLBACK_FONT = "宋体"
LATIN_FONT = "Times New Roman"

SIZE_2 = Pt(22)  # 二号: the title
SIZE_3 = Pt(16)  # 三号: the text and headings
SIZE_SMALL_4 = Pt(12)  # 小四: tables
LINE = Pt(28.9)  # fixed line pitch: 22 lines of 三号 on the type area
INDENT = Pt(32)  # two characters of 三号
TYPE_WIDTH = Mm(210 - 28 - 26)  # between the margins

TITLE = "公文标题"
BODY = "公文正文"
ADDRESSEE = "主送机关"
HEADING_1 = "一级标题"
HEADING_2 = "二级标题"
SIGNATURE = "落款"
TABLE_TEXT = "表格文字"
DRAFT_MARK = "草稿标记"

DRAFT = "草稿"


def chinese_date(day: date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def _fonts(style, *, east_asian: str, size, bold: bool = False) -> None:
    """The style's Latin font (python-docx) and its East Asian font (w:rFonts/@w:eastAsia)."""
    style.font.name = LATIN_FONT
    style.font.size = size
    style.font.bold = bold
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)


def _paragraph_style(document, name: str, *, font: str, size, bold=False, align=None, indent=None, line=LINE):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _fonts(style, east_asian=font, size=size, bold=bold)
    layout = style.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = line
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    layout.first_line_indent = indent
    layout.widow_control = True
    if align is not None:
        layout.alignment = align
    return style


def new_document() -> DocumentObject:
    """An empty A4 document with the official margins and the styles every paper uses."""
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)

    normal = document.styles["Normal"]
    _fonts(normal, east_asian=FALLBACK_FONT, size=SIZE_3)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)

    justify, centre = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(document, TITLE, font=TITLE_FONT, size=SIZE_2, align=centre, line=Pt(36))
    _paragraph_style(document, BODY, font=BODY_FONT, size=SIZE_3, align=justify, indent=INDENT)
    _paragraph_style(document, ADDRESSEE, font=BODY_FONT, size=SIZE_3, align=justify)
    heading = _paragraph_style(document, HEADING_1, font=HEADING_FONT, size=SIZE_3, indent=INDENT)
    heading.paragraph_format.keep_with_next = True
    subheading = _paragraph_style(document, HEADING_2, font=SUBHEADING_FONT, size=SIZE_3, indent=INDENT)
    subheading.paragraph_format.keep_with_next = True
    _paragraph_style(document, SIGNATURE, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(document, TABLE_TEXT, font=BODY_FONT, size=SIZE_SMALL_4, line=Pt(18))
    mark = _paragraph_style(
        document, DRAFT_MARK, font=HEADING_FONT, size=SIZE_3, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    mark.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    _page_number(section)
    return document


def _page_number(section) -> None:
    """ "— 1 —" centred in the footer: a PAGE field between two dashes."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run.element.append(element)
    paragraph.add_run(" —")


def mark_draft(document: DocumentObject, *, title: str, comments: str) -> None:
    """The 草稿 line at the head of every page, and the document's own properties saying so."""
    header = document.sections[0].header
    paragraph = header.paragraphs[0]
    paragraph.style = document.styles[DRAFT_MARK]
    paragraph.add_run(_(DRAFT))
    properties = document.core_properties
    properties.title = f"{title}（{_(DRAFT)}）"
    properties.subject = title
    properties.comments = comments
    properties.keywords = _(DRAFT)
    properties.author = _("民生实事调度平台")
    properties.category = _(DRAFT)


def paragraph(document, text: str = "", style: str = BODY):
    return document.add_paragraph(text, style=document.styles[style])


def placeholder(document, text: str):
    """Text the office writes itself: bracketed, highlighted, impossible to send unnoticed."""
    item = document.add_paragraph(style=document.styles[BODY])
    run = item.add_run(f"【{text}】")
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return item


def table(document, headers: list[str], rows: list[list[str]], widths: list[float], *, centred=()):
    """A ruled table in 小四 仿宋, its header repeated on each page; `widths` in mm, `centred` columns."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _repeat_header(grid.rows[0])
    for values, row in [(headers, grid.rows[0]), *((values, grid.add_row()) for values in rows)]:
        for column, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            item = cell.paragraphs[0]
            item.style = document.styles[TABLE_TEXT]
            run = item.add_run(text)
            if row is grid.rows[0]:
                run.font.bold = True
            if row is grid.rows[0] or column in centred:
                item.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Word reads the cells' widths, LibreOffice the grid's: both are set.
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    return grid


def _repeat_header(row) -> None:
    """Mark a table's first row to repeat at the top of each page (w:tblHeader)."""
    properties = row._tr.get_or_add_trPr()  # noqa: SLF001 - python-docx has no public API for tblHeader
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


class WordExporter:
    """One Word file; delivered like every export (`audit.delivery`): identifier, name, write()."""

    identifier = ""
    verbose_name = ""
    content_type = DOCX_CONTENT_TYPE
    extension = "docx"

    def get_filename(self) -> str:
        return f"{self.verbose_name}.{self.extension}"

    def build_document(self) -> DocumentObject:
        raise NotImplementedError

    def write(self, target) -> None:
        self.build_document().save(target)

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.write(buffer)
        return buffer.getvalue()
