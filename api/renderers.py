"""CSV answers (?format=csv or Accept: text/csv): the rows of a list, UTF-8 with a BOM for Excel.

A view that offers CSV names its columns (`csv_columns`) and hands the renderer its rows under
"results"; nested values are not flattened. Text that a spreadsheet would run as a formula is
neutralised as in every export.
"""

import csv
import io

from rest_framework.renderers import BaseRenderer

from core.xlsx import neutralise_csv


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        columns = getattr(view, "csv_columns", None)
        rows = data.get("results", []) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            rows = [rows]
        if columns is None:
            columns = list(rows[0]) if rows and isinstance(rows[0], dict) else []
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
        return buffer.getvalue().encode("utf-8")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise_csv(value)
    return value
