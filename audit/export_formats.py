"""The admin's import-export formats, with formula-like text neutralised on export.

django-import-export's own escaping only strips a leading "="; a cell starting with
+, -, @, a tab or a carriage return is still run as a formula by spreadsheet programs.
Such text gets a leading apostrophe (OWASP's advice for CSV injection), in CSV and xlsx.
"""

from import_export.formats.base_formats import CSV, XLSX

from core.xlsx import neutralise_csv


def _neutralised(dataset):
    """The dataset with every cell neutralised, in place; the headers are the resource's own."""
    rows = [[neutralise_csv(value) for value in row] for row in dataset]
    del dataset[:]
    for row in rows:
        dataset.append(row)
    return dataset


class SafeCSV(CSV):
    def export_data(self, dataset, **kwargs):
        return super().export_data(_neutralised(dataset), **kwargs)


class SafeXLSX(XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(_neutralised(dataset), **kwargs)


SAFE_FORMATS = [SafeCSV, SafeXLSX]
