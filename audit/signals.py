"""Audit rows for every create, change and delete of plan data, figures and evaluations.

django-simple-history writes a historical record in the same transaction as each save or
delete; the audit row is written right after it, in that transaction too. Beneficiary
lists are left out here: their services write their own audit rows, which name records,
never a person's numbers.
"""

from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from audit.services import record

AUDITED_APPS = {"projects", "reporting", "evaluation"}
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


@receiver(post_create_historical_record, dispatch_uid="audit_history")
def record_history(sender, instance, history_instance, history_user=None, **kwargs):
    if instance._meta.app_label not in AUDITED_APPS:
        return
    kind = KINDS.get(history_instance.history_type, "changed")
    detail = {"history_id": history_instance.pk}
    reason = history_instance.history_change_reason
    if reason:
        detail["reason"] = str(reason)[:MAX_VALUE]
    if kind == "changed":
        detail["changes"] = _changes(history_instance)
    record(event=f"{instance._meta.label_lower}.{kind}", user=history_user, obj=instance, detail=detail)
