"""The leaders' dashboards (驾驶舱): reads computed live from the database on each request.

`basis` chooses the month and the figures, `board` judges every indicator for it, `lines` groups
the judged lines, `timeliness` and `indicator` read the rest; `views` renders, `page_cache` keeps
the rendered pages until the data changes, `notice` is the notice list (通报) workbook.
"""
