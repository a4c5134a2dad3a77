"""The export and import measurements, each beside its openpyxl floor (see bench/measure.py)."""

from __future__ import annotations

import io
import statistics
import time

from bench.pages import PageBench, _consume
from bench.sizes import IMPORT_MONTH, IMPORT_SIZES, IMPORT_YEAR, MONTH
from bench.timing import Result, Timing, _percentile, timed


class WorkbookBench(PageBench):
    """The exports and the template import, with the clients and the results of `PageBench`."""

    # --- exports ---

    def export(self, key: str, label: str, url: str, floor: Timing) -> Result:
        timing = timed(
            self.get("office", url), reps=self.export_reps, budget=self.export_budget, beside=floor
        )
        return self._add(key, label, timing, expect=200, floor=floor, floor_label="openpyxl 裸写")

    def monthly_floor(self) -> tuple[Timing, int]:
        from openpyxl import Workbook

        from bench.bench_monthly_export import _plain
        from reporting.exports.exporters import MonthlyReportExporter
        from reporting.exports.monthly import MonthlyFilter

        exporter = MonthlyReportExporter(filters=MonthlyFilter(plan_year=self.plan_year, month=MONTH))
        sheets = []
        for spec in exporter.sheets():
            rows = [[_plain(value) for value in row] for row in spec.rows]
            sheets.append((spec.title, list(spec.heading), [str(c.header) for c in spec.columns], rows))

        def write():
            workbook = Workbook(write_only=True)
            for title, heading, header, rows in sheets:
                sheet = workbook.create_sheet(title)
                for line in heading:
                    sheet.append([line])
                sheet.append(header)
                for row in rows:
                    sheet.append(row)
            workbook.save(io.BytesIO())

        return timed(write, reps=self.export_reps, budget=self.export_budget), sum(len(s[3]) for s in sheets)

    def matrix_floor(self) -> tuple[Timing, int]:
        from openpyxl import Workbook

        from projects.matrix import FIRST_DATA_ROW, ResponsibilityMatrixExporter

        lines = ResponsibilityMatrixExporter(plan_year=self.plan_year).lines()
        values = [
            (
                line.tier_position,
                line.tier_name,
                line.project_text,
                line.item,
                line.units,
                line.responsible,
                line.leader,
            )
            for line in lines
        ]

        def write():
            workbook = Workbook()
            sheet = workbook.active
            for offset, row in enumerate(values):
                for column, value in enumerate(row, start=1):
                    sheet.cell(row=FIRST_DATA_ROW + offset, column=column, value=value or None)
            workbook.save(io.BytesIO())

        return timed(write, reps=self.export_reps, budget=self.export_budget), len(values)

    def matrix_styled_floor(self) -> Timing:
        """The matrix as the export writes it, through openpyxl's ordinary API, with nothing else.

        The same cells with the same values, fonts, borders and alignments (each style object built
        once and assigned to every cell that has it), the same merges (`merge_cells`), row heights,
        column widths and page setup; read from an export made beforehand, so no database.
        """
        from openpyxl import Workbook, load_workbook
        from openpyxl.cell.cell import MergedCell

        from projects.matrix import ResponsibilityMatrixExporter

        content = ResponsibilityMatrixExporter(plan_year=self.plan_year).render().content
        built = load_workbook(io.BytesIO(content), rich_text=True).active
        book = built.parent
        cells = [
            (
                cell.row,
                cell.column,
                cell.value,
                book._fonts[cell._style.fontId],
                book._borders[cell._style.borderId],
                book._alignments[cell._style.alignmentId],
                cell.quotePrefix,
            )
            for row in built.iter_rows()
            for cell in row
            if not isinstance(cell, MergedCell) and cell.has_style
        ]
        merges = [str(cell_range) for cell_range in built.merged_cells.ranges]
        heights = {row: size.height for row, size in built.row_dimensions.items() if size.height}
        widths = {letter: dimension.width for letter, dimension in built.column_dimensions.items()}
        title, footer, freeze = built.title, built.oddFooter.center.text, built.freeze_panes
        print_titles, print_area = built.print_title_rows, built.print_area

        def write():
            workbook = Workbook()
            sheet = workbook.active
            sheet.title = title
            for row, column, value, font, border, alignment, quoted in cells:
                cell = sheet.cell(row=row, column=column, value=value)
                cell.font = font
                cell.border = border
                cell.alignment = alignment
                if quoted:
                    cell.quotePrefix = True
            for merge in merges:
                sheet.merge_cells(merge)
            for row, height in heights.items():
                sheet.row_dimensions[row].height = height
            for letter, width in widths.items():
                sheet.column_dimensions[letter].width = width
            sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
            sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
            sheet.page_setup.fitToWidth = 1
            sheet.page_setup.fitToHeight = 0
            sheet.sheet_properties.pageSetUpPr.fitToPage = True
            sheet.print_title_rows = print_titles
            sheet.print_area = print_area
            sheet.print_options.horizontalCentered = True
            sheet.page_margins.left = sheet.page_margins.right = 0.5
            sheet.page_margins.top = sheet.page_margins.bottom = 0.6
            sheet.oddFooter.center.text = footer
            sheet.freeze_panes = freeze
            workbook.save(io.BytesIO())

        return timed(write, reps=self.export_reps, budget=self.export_budget)

    # --- the import ---

    def filled_template(self, who: str) -> bytes:
        from openpyxl import load_workbook

        from reporting.imports.template import FIRST_DATA_ROW, FUNDS, INDICATOR_ID, PROGRESS, ROW_ID, VALUE

        response = self.clients[who].get(f"/imports/template.xlsx?year={IMPORT_YEAR}&month={IMPORT_MONTH}")
        assert response.status_code == 200, response.status_code
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = workbook.worksheets[0]
        for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
            if sheet.cell(row, ROW_ID.index).value is None:
                continue
            if sheet.cell(row, INDICATOR_ID.index).value is None:
                sheet.cell(row, FUNDS.index).value = 12.5
                sheet.cell(row, PROGRESS.index).value = "基准测试：按计划推进。"
            else:
                sheet.cell(row, VALUE.index).value = 100 + row % 50
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def imports(self) -> None:
        self.import_confirms, self.import_previews = {}, {}
        from django.core.files.uploadedfile import SimpleUploadedFile
        from openpyxl import load_workbook

        for rows in IMPORT_SIZES:
            who = f"import_{rows}"
            content = self.filled_template(who)
            client = self.clients[who]
            upload_url = f"/imports/?year={IMPORT_YEAR}&month={IMPORT_MONTH}"
            pending: list[str] = []

            def upload(client=client, content=content, upload_url=upload_url, pending=pending):
                response = client.post(upload_url, {"file": SimpleUploadedFile("模板.xlsx", content)})
                if response.status_code == 302:
                    pending.append(response["Location"])
                return _consume(response)

            def confirm(client=client, pending=pending):
                return _consume(client.post(pending.pop()))

            def read(content=content):
                workbook = load_workbook(io.BytesIO(content), read_only=True)
                count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
                workbook.close()
                return count

            reps, budget, traced = (3, 30.0, True) if rows <= 1000 else (1, 0.0, False)
            floor = timed(read, reps=reps, budget=budget, traced=traced)
            note = f"文件 {len(content) / 1024:.0f} KiB" + ("" if traced else "；内存未测（追踪太慢）")
            preview = timed(upload, reps=reps, budget=budget, traced=traced)
            self.import_previews[rows] = preview
            self._add(
                f"import_preview_{rows}",
                f"模板导入预览（{rows:,}行）",
                preview,
                expect=302,
                floor=floor,
                floor_label="openpyxl 只读",
                note=note,
            )
            # Each confirmation takes an upload of its own (a confirmed upload is gone): those of the
            # previews above while they last (a session keeps five), then fresh ones, not timed here.
            runs = []

            def confirmed(runs=runs, pending=pending):
                if not pending:
                    upload()
                started = time.perf_counter()
                status = confirm()
                runs.append(time.perf_counter() - started)
                return status

            timing = timed(confirmed, reps=reps, budget=budget, writes=True, traced=traced)
            self.import_confirms[rows] = timing
            measured = runs[1:] if traced else runs  # without the profile run
            timing.median_ms = statistics.median(measured) * 1000
            timing.p95_ms = _percentile(measured, 0.95) * 1000
            self._add(
                f"import_confirm_{rows}",
                f"模板导入确认（{rows:,}行）",
                timing,
                expect=302,
                floor=floor,
                floor_label="openpyxl 只读",
                note=note,
            )
