"""Who may open each evaluation page and take each action, role by role, through the URLs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation import services
from evaluation.models import Certification, Evidence, PublicNotice, ScoreWeights, SelfEvaluation
from evaluation.services import FigureText
from projects.models import Unit
from tests.roles import EMPLOYMENT, client_for

pytestmark = pytest.mark.django_db

# 县人社局 leads item 3 (the employment row); 县民政局 takes no part in it.
ROLES = ("lead_liaison", "other_liaison", "office", "statistics", "leader", "anonymous")


# This matrix's roles in the vocabulary of tests/roles.py: 县人社局 leads item 3;
# 县民政局 takes no part.
AS_ROLE = {
    "lead_liaison": "renshe",
    "other_liaison": "minzheng",
    "office": "office",
    "statistics": "statistics",
    "leader": "leader",
    "anonymous": "anonymous",
}


@pytest.fixture(name="users")
def users_fixture(user_in_role):
    return {role: user_in_role(AS_ROLE[role]) for role in ROLES}


def pdf():
    return SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 evidence")


@pytest.fixture(name="evidence")
def evidence_fixture(renshe_liaison, employment_row):
    return services.upload_evidence(user=renshe_liaison, task_row=employment_row, upload=pdf())


def _submit(liaison, row):
    services.save_self_evaluation(
        user=liaison,
        task_row=row,
        completed=True,
        account="已完成。",
        figures=[FigureText(item, raw_value="1") for item in row.indicators.all()],
        submit=True,
    )


# --- pages ----------------------------------------------------------------------------------------

READERS = {"office": 200, "statistics": 200, "leader": 200}
PAGES = {
    "overview": {"lead_liaison": 200, "other_liaison": 200, **READERS},
    "row": {"lead_liaison": 200, "other_liaison": 404, **READERS},
    "evidence": {"lead_liaison": 200, "other_liaison": 404, **READERS},
    "manage_notice": {
        "lead_liaison": 403,
        "other_liaison": 403,
        "office": 200,
        "statistics": 403,
        "leader": 403,
    },
    "scores": {"lead_liaison": 403, "other_liaison": 403, **READERS},
    "export_scores": {"lead_liaison": 403, "other_liaison": 403, **READERS},
    "unit_score": {"lead_liaison": 200, "other_liaison": 404, **READERS},
    "adjustments": {"lead_liaison": 200, "other_liaison": 200, **READERS},
}


def _page_url(screen, row, evidence):
    if screen == "overview":
        return reverse("evaluation:overview", args=[2023])
    if screen == "row":
        return reverse("evaluation:row", args=[row.pk])
    if screen == "evidence":
        return reverse("evaluation:download_evidence", args=[evidence.pk])
    if screen == "unit_score":
        return reverse("evaluation:unit_score", args=[2023, Unit.objects.get(name="县人社局").pk])
    if screen == "adjustments":
        return reverse("evaluation:adjustment_list")
    return reverse(f"evaluation:{screen}", args=[2023])


@pytest.mark.parametrize(
    ("screen", "role"), [(p, r) for p in PAGES for r in ROLES], ids=lambda value: str(value)
)
def test_it_answers_each_evaluation_page_for_each_role(users, employment_row, evidence, screen, role):
    response = client_for(users[role]).get(_page_url(screen, employment_row, evidence))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == PAGES[screen][role]


@pytest.mark.parametrize("role", ROLES)
def test_it_opens_the_public_notice_to_every_role_and_to_nobody_logged_in(users, plan_2023, role):
    response = client_for(users[role]).get(reverse("evaluation:public_notice", args=[2023]))

    assert response.status_code == 200


# --- actions --------------------------------------------------------------------------------------


def _act(action, client, row, evidence):
    employment = row.indicators.get(name=EMPLOYMENT)
    if action == "save_self_evaluation":
        url = reverse("evaluation:save_self_evaluation", args=[row.pk])
        return client.post(
            url, {"completed": "1", "account": "进展顺利。", f"f-{employment.pk}-value": "100"}
        )
    if action == "upload_evidence":
        return client.post(reverse("evaluation:upload_evidence", args=[row.pk]), {"file": pdf()})
    if action == "delete_evidence":
        return client.post(reverse("evaluation:delete_evidence", args=[evidence.pk]))
    if action == "return_self_evaluation":
        return client.post(
            reverse("evaluation:return_self_evaluation", args=[row.pk]), {"reason": "请补充。"}
        )
    if action == "certify":
        return client.post(
            reverse("evaluation:certify", args=[employment.pk]), {"value": "4700", "qualified": "1"}
        )
    if action == "publish_notice":
        data = {"title": "公示", "starts_on": "2024-01-10", "ends_on": "2024-01-16"}
        return client.post(reverse("evaluation:manage_notice", args=[2023]), data)
    if action == "set_weights":
        data = {
            "completion_weight": 40,
            "timeliness_weight": 30,
            "quality_weight": 10,
            "certification_weight": 20,
        }
        return client.post(reverse("evaluation:set_weights", args=[2023]), data)
    raise AssertionError(action)


def _state():
    return {
        "evaluations": sorted(SelfEvaluation.objects.values_list("pk", "status", "account")),
        "evidence": sorted(Evidence.objects.values_list("pk", flat=True)),
        "certifications": sorted(Certification.objects.values_list("pk", "value")),
        "notices": PublicNotice.objects.count(),
        "weights": ScoreWeights.objects.count(),
    }


# action → (the one role allowed, refusal for each other role that can see the row)
ACTIONS = {
    "save_self_evaluation": "lead_liaison",
    "upload_evidence": "lead_liaison",
    "delete_evidence": "lead_liaison",
    "return_self_evaluation": "office",
    "certify": "statistics",
    "publish_notice": "office",
    "set_weights": "office",
}
# Actions on the employment row: 县民政局 cannot see it, so for them it does not exist.
SCOPED = {"save_self_evaluation", "upload_evidence", "delete_evidence", "return_self_evaluation", "certify"}


@pytest.mark.parametrize(
    ("action", "role"), [(a, r) for a in ACTIONS for r in ROLES], ids=lambda value: str(value)
)
def test_it_lets_only_the_right_role_take_each_evaluation_action(
    users, renshe_liaison, employment_row, evidence, action, role
):
    if action == "return_self_evaluation":
        _submit(renshe_liaison, employment_row)
    before = _state()

    response = _act(action, client_for(users[role]), employment_row, evidence)

    if role == ACTIONS[action]:
        assert response.status_code == 302
        assert _state() != before
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == "other_liaison" and action in SCOPED:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert _state() == before
