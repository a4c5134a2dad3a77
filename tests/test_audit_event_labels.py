"""Every event the code records reads in words on the audit pages, and the audit app names no app above it."""

import re
from pathlib import Path

import pytest

from audit import registry
from audit.selectors import event_label
from reporting.models import ReviewEvent

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "audit",
    "projects",
    "accounts",
    "reporting",
    "evaluation",
    "beneficiaries",
    "exchange",
    "ops",
    "demo",
)
# event="…" in a record() call, and the values of an app's table of event names (beneficiaries.services).
RECORDED = re.compile(r'event="([a-z_.]+)"|^\s+"[a-z_]+": "([a-z_]+\.[a-z_.]+)",$', re.MULTILINE)


def _recorded_events() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for direct, tabled in RECORDED.findall(path.read_text()):
                found.add(direct or tabled)
    return found | {f"submission.{action}" for action in ReviewEvent.Action.values}


@pytest.mark.parametrize("event", sorted(_recorded_events()))
def test_it_labels_every_event_the_code_records(event):
    assert event_label(event) != event, f"no label for {event}: add it in its app's AppConfig.ready"


def test_it_labels_the_review_steps_as_the_review_trail_does():
    assert event_label("submission.return") == "退回"
    assert event_label("submission.late_open") == "开放补报"


@pytest.mark.parametrize("app", ["projects", "accounts", "reporting", "evaluation"])
def test_it_records_the_history_of_the_apps_that_asked(app):
    assert registry.is_audited(app)


def test_it_records_no_history_of_beneficiary_lists_by_signal():
    # Their services write audit rows naming records, never a person's numbers.
    assert not registry.is_audited("beneficiaries")


def test_the_audit_app_names_no_app_above_it():
    above = ("projects", "accounts", "reporting", "evaluation", "beneficiaries", "ops", "demo", "minsheng")
    for path in (ROOT / "audit").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        for app in above:
            assert not re.search(rf'["\']{app}["\.]', text), f"{path.name} names {app}"
