"""What the apps above the audit log tell it: whose plan-data history it records, and event names.

`audit` sits below every app it audits, so it names none of them: each app registers itself in
its `AppConfig.ready` (`audit_history_of`, `label_events`, `model_moved`), as it does for the
data version (`core.data_version.ignore_writes_to`).
"""

from collections.abc import Mapping

_audited_apps: set[str] = set()
_event_labels: dict[str, str] = {}
_moved_models: dict[tuple[str, str], tuple[str, str]] = {}


def audit_history_of(*app_labels: str) -> None:
    """Every historical record (django-simple-history) of these apps' models gets an audit row."""
    _audited_apps.update(app_labels)


def is_audited(app_label: str) -> bool:
    return app_label in _audited_apps


def label_events(labels: Mapping[str, object]) -> None:
    """The events an app records, in words for the audit pages (lazy strings are kept lazy)."""
    _event_labels.update(labels)


def event_labels() -> Mapping[str, object]:
    return _event_labels


def model_moved(old: tuple[str, str], new: tuple[str, str]) -> None:
    """A model that moved to another app: its earlier events keep the old label and read the same."""
    _moved_models[old] = new


def current_model(app_label: str, model_name: str) -> tuple[str, str]:
    return _moved_models.get((app_label, model_name), (app_label, model_name))
