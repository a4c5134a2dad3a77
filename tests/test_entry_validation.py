"""What the monthly entry page refuses, says, and writes: every row or none."""

import pytest

from reporting.models import Contribution, Figure, Submission
from reporting.workflow import review
from reporting.workflow.validation import FigureInput, validate_figures
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    contribution_of,
    database_state,
    entry_data,
    entry_url,
    fill_employment,
    indicator,
    provincial_row,
    submit_row,
)

pytestmark = pytest.mark.django_db

REFUSED = "有数据未通过校验，本次未保存任何内容。"
VALID = {EMPLOYMENT: "120", TRAINING: "60", STARTUP_TRAINING: "12"}
# Provincial item 2 (湘易办): 县人社局 reports its additive indicators as one of 县直机关各单位.
ONLINE_SERVICES = {
    "上线服务事项": "30",
    "其中“一网通办”事项": "20",
    "集成可应用的电子证照种类": "4",
    "用户数": "1.25",
}


@pytest.fixture
def liaison(renshe_liaison, office_user, statistics_user, employment_row, february, march):
    """February of item 3 (90/40/5) is verified; March (100/50/10) is saved at version 1."""
    fill_employment(renshe_liaison, employment_row, february, employment="90", training="40", startup="5")
    february_submission = Submission.objects.get(task_row=employment_row, reporting_month=february)
    submit_row(user=renshe_liaison, submission_id=february_submission.pk)
    review.approve(user=office_user, submission_id=february_submission.pk)
    review.verify(user=statistics_user, submission_id=february_submission.pk)
    fill_employment(renshe_liaison, employment_row, march, employment="100", training="50", startup="10")
    assert contribution_of(renshe_liaison, employment_row, march).version == 1
    return client_for(renshe_liaison)


def _post(client, row, month, values, **kwargs):
    version = kwargs.pop("version", None)
    if version is None:
        version = (
            Contribution.objects.filter(
                submission__task_row=row, submission__reporting_month=month, unit__name="县人社局"
            )
            .values_list("version", flat=True)
            .first()
            or 0
        )
    return client.post(entry_url(month), entry_data(row, values, version=version, **kwargs))


def _march_value(name):
    return Figure.objects.get(contribution__submission__reporting_month__month=3, indicator__name=name).value


BAD_INPUTS = [
    pytest.param({EMPLOYMENT: "abc"}, "", "“abc”不是有效的数字。", id="not-a-number"),
    pytest.param({EMPLOYMENT: "-5"}, "", "不能为负数。", id="negative"),
    pytest.param({EMPLOYMENT: "120.5"}, "", "应为整数（单位：人）。", id="decimals-on-a-whole-number"),
    pytest.param(
        {TRAINING: "60", STARTUP_TRAINING: "61"},
        "",
        "“其中”数61不能大于“补贴性职业技能培训”的60。",
        id="of-which-above-its-parent",
    ),
    pytest.param(
        {EMPLOYMENT: "80"}, "", "累计数低于上月的90，请在“说明”中写明原因。", id="cumulative-below-last-month"
    ),
    pytest.param({}, "十万", "“十万”不是有效的金额。", id="funds-not-a-number"),
    pytest.param({}, "-3", "投入资金不能为负数。", id="funds-negative"),
    pytest.param({}, "1.234", "投入资金最多保留2位小数（单位：万元）。", id="funds-too-many-decimals"),
]


@pytest.mark.parametrize(("bad", "funds", "message"), BAD_INPUTS)
def test_it_refuses_a_bad_input_with_its_message_and_writes_nothing(
    liaison, employment_row, march, bad, funds, message
):
    before = database_state()

    response = _post(
        liaison, employment_row, march, {**VALID, **bad}, funds=funds, progress="本月新增就业20人"
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert REFUSED in page
    assert database_state() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"progress": "进" * 2001}, "不能超过2000字。", id="progress"),
        pytest.param({"problems": "问" * 2001}, "不能超过2000字。", id="problems"),
        pytest.param({"explanations": {EMPLOYMENT: "说" * 301}}, "说明不能超过300字。", id="explanation"),
    ],
)
def test_it_refuses_text_over_its_limit_instead_of_cutting_it(
    liaison, employment_row, march, fields, message
):
    before = database_state()

    response = _post(liaison, employment_row, march, VALID, **fields)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert REFUSED in page
    assert database_state() == before


def test_it_keeps_text_of_exactly_the_limit_whole(liaison, employment_row, march):
    response = _post(liaison, employment_row, march, VALID, progress="进" * 2000)

    assert response.status_code == 302
    assert contribution_of_renshe(employment_row, march).progress == "进" * 2000


def contribution_of_renshe(row, month):
    return Contribution.objects.get(
        submission__task_row=row, submission__reporting_month=month, unit__name="县人社局"
    )


def test_it_writes_no_rows_at_all_when_a_first_save_is_refused(renshe_liaison, employment_row, march):
    response = _post(client_for(renshe_liaison), employment_row, march, {**VALID, EMPLOYMENT: "abc"})

    assert response.status_code == 400
    assert not Figure.objects.exists()
    assert not Contribution.objects.exists()
    assert not Submission.objects.exists()


def test_it_shows_the_typed_values_again_when_refused(liaison, employment_row, march):
    response = _post(liaison, employment_row, march, {**VALID, EMPLOYMENT: "abc"})

    page = response.content.decode()
    assert f'name="r{employment_row.pk}-i{indicator(employment_row, TRAINING).pk}-value" value="60"' in page


def test_it_accepts_a_cumulative_figure_below_last_month_with_an_explanation(liaison, employment_row, march):
    response = _post(
        liaison,
        employment_row,
        march,
        {**VALID, EMPLOYMENT: "80"},
        explanations={EMPLOYMENT: "2月重复统计10人，已核减。"},
    )

    assert response.status_code == 302
    figure = Figure.objects.get(contribution__submission__reporting_month=march, indicator__name=EMPLOYMENT)
    assert (figure.value, figure.explanation) == (80, "2月重复统计10人，已核减。")


def test_it_accepts_a_figure_far_beyond_its_target_and_warns_about_it(liaison, employment_row, march):
    response = _post(liaison, employment_row, march, {**VALID, EMPLOYMENT: "8000"})

    assert response.status_code == 302
    assert _march_value(EMPLOYMENT) == 8000
    employment = indicator(employment_row, EMPLOYMENT)
    result = validate_figures([FigureInput(indicator=employment, raw_value="8000")], previous_values={})
    assert result.ok
    assert result.warnings == {employment.pk: "远超目标值4650人，请核实。"}


def test_it_writes_every_row_of_a_valid_post(renshe_liaison, employment_row, plan_2023, march):
    online = provincial_row(plan_2023, 2)
    data = {
        **entry_data(employment_row, VALID, version=0, funds="35.5"),
        **entry_data(online, ONLINE_SERVICES, version=0),
    }

    response = client_for(renshe_liaison).post(entry_url(march), data)

    assert response.status_code == 302
    written = dict(Figure.objects.values_list("indicator__name", "value"))
    assert written == {
        name: pytest.approx(float(value)) for name, value in {**VALID, **ONLINE_SERVICES}.items()
    }
    assert contribution_of(renshe_liaison, employment_row, march).funds_invested == pytest.approx(35.5)
    assert contribution_of(renshe_liaison, online, march).version == 1


def test_it_writes_none_of_the_rows_when_one_is_bad(renshe_liaison, employment_row, plan_2023, march):
    online = provincial_row(plan_2023, 2)
    data = {
        **entry_data(employment_row, VALID, version=0),
        **entry_data(online, {**ONLINE_SERVICES, "用户数": "1.255"}, version=0),
    }

    response = client_for(renshe_liaison).post(entry_url(march), data)

    assert response.status_code == 400
    assert "最多保留2位小数。" in response.content.decode()
    assert not Figure.objects.exists()
    assert not Contribution.objects.exists()


def test_it_keeps_the_stored_rows_when_a_later_row_is_bad(liaison, employment_row, plan_2023, march):
    online = provincial_row(plan_2023, 2)
    before = database_state()
    data = {
        **entry_data(employment_row, VALID, version=1),
        **entry_data(online, {**ONLINE_SERVICES, "上线服务事项": "-1"}, version=0),
    }

    response = liaison.post(entry_url(march), data)

    assert response.status_code == 400
    assert database_state() == before
    assert _march_value(EMPLOYMENT) == 100


def test_it_refuses_a_figure_with_too_many_digits(liaison, employment_row, march):
    before = database_state()

    response = _post(liaison, employment_row, march, {**VALID, EMPLOYMENT: "1" + "0" * 30})

    assert response.status_code == 400
    assert "数值过大。" in response.content.decode()
    assert database_state() == before


def test_it_refuses_funds_with_too_many_digits(liaison, employment_row, march):
    before = database_state()

    response = _post(liaison, employment_row, march, VALID, funds="9" * 30)

    assert response.status_code == 400
    assert "数值过大。" in response.content.decode()
    assert database_state() == before
