"""The beneficiary files as Excel shows them: the template's ID column is text, counts print whole."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.beneficiaries import add_person, id_number_for
from tests.roles import client_for, downloaded

pytestmark = pytest.mark.django_db

AMOUNT = "金额或数量"
ID_NUMBER = "身份证号"


def _sheet(user, url):
    return load_workbook(io.BytesIO(downloaded(client_for(user).get(url)))).worksheets[0]


def _column_letter(sheet, header: str, header_row: int) -> str:
    return next(cell.column_letter for cell in sheet[header_row] if cell.value == header)


def _list_cell(user, row, header: str):
    """The cell of `header` in the first data row of the row's beneficiary list."""
    sheet = _sheet(user, reverse("beneficiaries:row_export", args=[row.pk]))
    header_row = next(cells[0].row for cells in sheet.iter_rows() if cells[0].value == "序号")
    return sheet[f"{_column_letter(sheet, header, header_row)}{header_row + 1}"]


def test_it_formats_the_templates_id_column_as_text(township_liaison, elderly_row):
    sheet = _sheet(township_liaison, reverse("beneficiaries:import_template", args=[elderly_row.pk]))
    letter = _column_letter(sheet, ID_NUMBER, 1)
    assert sheet.column_dimensions[letter].number_format == "@"


def test_it_leaves_the_templates_other_columns_general(township_liaison, elderly_row):
    sheet = _sheet(township_liaison, reverse("beneficiaries:import_template", args=[elderly_row.pk]))
    letter = _column_letter(sheet, "姓名", 1)
    assert sheet.column_dimensions[letter].number_format == "General"


def test_it_prints_a_whole_count_without_decimals(township_liaison, elderly_indicator, elderly_row):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(101),
        amount=Decimal("1.00"),
    )
    cell = _list_cell(township_liaison, elderly_row, AMOUNT)
    assert (cell.value, cell.data_type, cell.number_format) == (1, "n", "0")


def test_it_prints_an_amount_with_cents_to_two_places(township_liaison, elderly_indicator, elderly_row):
    add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(102),
        amount=Decimal("1250.50"),
    )
    cell = _list_cell(township_liaison, elderly_row, AMOUNT)
    assert (cell.value, cell.data_type, cell.number_format) == (1250.5, "n", "0.00")
