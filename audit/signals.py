"""Audit rows for every create, change and delete of plan data, figures and evaluations.

django-simple-history writes a historical record in the same transaction as each save or
delete; the audit row is written right after it, in that transaction too, for the apps that
asked for it (audit.registry.audit_history_of). Beneficiary lists are left out: their services
write their own audit rows, which name records, never a person's numbers.
"""

from django.dispatch import receiver
from django.forms.models import model_to_dict
from simple_history.signals import post_create_historical_record

from audit import registry
from audit.services import record, record_many

KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# Personal or secret fields whose values never go into the log (only that they changed).
UNLOGGED_VALUES = {"phone", "id_number", "id_hash", "password"}
MAX_VALUE = 200


def _shown(field: str, value) -> str | None:
    if field in UNLOGGED_VALUES:
        return "***"
    if value is None:
        return None
    return str(value)[:MAX_VALUE]


def _changes(history_instance) -> dict:
    previous = history_instance.prev_record
    if previous is None:
        return {}
    delta = history_instance.diff_against(previous)
    return {
        change.field: [_shown(change.field, change.old), _shown(change.field, change.new)]
        for change in delta.changes
    }


def _history_event(instance, history_instance, user, changes) -> dict:
    kind = KINDS.get(history_instance.history_type, "changed")
    detail = {"history_id": history_instance.pk}
    reason = history_instance.history_change_reason
    if reason:
        detail["reason"] = str(reason)[:MAX_VALUE]
    if kind == "changed":
        detail["changes"] = changes()
    return {"event": f"{instance._meta.label_lower}.{kind}", "user": user, "obj": instance, "detail": detail}


@receiver(post_create_historical_record, dispatch_uid="audit_history")
def record_history(sender, instance, history_instance, history_user=None, **kwargs):
    if not registry.is_audited(instance._meta.app_label):
        return
    record(**_history_event(instance, history_instance, history_user, lambda: _changes(history_instance)))


def tracked_values(instance) -> dict:
    """The values a history diff compares (editable tracked fields), to pass to `record_bulk_history`."""
    names = [field.name for field in instance.history.model.tracked_fields if field.editable]
    return model_to_dict(instance, fields=names)


def record_bulk_history(entries, *, user) -> None:
    """The audit rows of history written in bulk (which sends no signal), in one statement.

    entries: (instance, history_instance, values before the change or None for a creation),
    the earlier values as `tracked_values` gave them before the instance was changed.
    """
    events = []
    for instance, history_instance, before in entries:

        def changes(instance=instance, before=before) -> dict:
            after = tracked_values(instance)
            return {
                name: [_shown(name, before.get(name)), _shown(name, value)]
                for name, value in sorted(after.items())
                if before is not None and before.get(name) != value
            }

        events.append(_history_event(instance, history_instance, user, changes))
    record_many(events)
