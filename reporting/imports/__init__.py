"""Monthly figures from a filled-in Excel template: download, check, preview, then save.

`template` builds the workbook, `reader` reads an upload, `analysis` checks it against the unit's
sheet and saves it, `pending` keeps it between preview and confirm, `views` serves the pages.

A unit liaison downloads its month as a workbook (its task rows and the
indicators it fills, current figures prefilled, ids in hidden columns), fills
it offline and uploads it. Nothing is written until the liaison confirms the
preview; the write goes through `reporting.workflow.data_entry.save_month_sheet`, so the
validation, locks, permission and version checks and the history are those of
the web form, and a month is saved whole or not at all.

Only unit liaisons import, for their own unit: the office corrects a unit's
figures by returning the submission, as on the web form.

An upload is untrusted until proven otherwise: its size, its zip structure
(parts, uncompressed size, compression ratio) and its number of rows are
capped before and while openpyxl reads it in read-only mode, so a bomb or a
sheet of a million rows is refused quickly instead of exhausting a worker.
"""
