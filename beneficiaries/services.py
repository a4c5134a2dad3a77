"""Writes of the beneficiary lists, and the audited reads of full numbers.

Every function checks permission through `beneficiaries.access`, works inside one
transaction, and writes its audit row in that transaction. Audit rows name
records by id and never hold an ID number or phone number, full or masked.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from audit.services import record
from beneficiaries import access
from beneficiaries.access import RowAccess
from beneficiaries.forms import BeneficiaryForm
from beneficiaries.id_numbers import id_number_hash
from beneficiaries.imports import ReadResult
from beneficiaries.models import Beneficiary, DoubleCountingPair, ImportBatch
from beneficiaries.selectors import list_indicators, townships
from core.errors import Refused
from core.permissions import require
from core.uploads import limit
from projects.models import Indicator, TaskRow
from reporting.imports.pending import purge_pending


class BatchRefused(Refused):
    """A staged import that can no longer be applied."""


EVENTS = {
    "create": "beneficiary.create",
    "update": "beneficiary.update",
    "remove": "beneficiary.remove",
    "reveal": "beneficiary.reveal_full",
    "export": "beneficiary.export_masked",
    "export_full": "beneficiary.export_full",
    "import": "beneficiary.import",
    "pair_add": "beneficiary.pair_add",
    "pair_remove": "beneficiary.pair_remove",
}


def _audit(kind: str, *, user, request, task_row: TaskRow | None, ids, **detail) -> None:
    record(
        event=EVENTS[kind],
        request=request,
        user=user,
        obj=task_row,
        detail={"beneficiary_ids": sorted(ids), **detail},
    )


def _apply(entry: Beneficiary, cleaned: dict) -> list[str]:
    """Copy a form's cleaned data onto an entry; returns the names of the fields that changed."""
    changed = []
    if cleaned.get("id_number") and cleaned["id_number"] != entry.id_number:
        entry.set_id_number(cleaned["id_number"])
        changed.append("id_number")
    for name in ("name", "gender", "phone", "village", "benefit_type", "amount", "benefit_date"):
        if getattr(entry, name) != cleaned[name]:
            setattr(entry, name, cleaned[name])
            changed.append(name)
    for name in ("township", "indicator"):
        if getattr(entry, f"{name}_id") != cleaned[name].pk:
            setattr(entry, name, cleaned[name])
            changed.append(name)
    return changed


@transaction.atomic
def create_beneficiary(*, user, row_access: RowAccess, cleaned: dict, request=None) -> Beneficiary:
    require(row_access.can_enter, _("只有参与本项任务的单位联络员可以录入受益对象。"))
    entry = Beneficiary(entered_by_unit=row_access.unit, created_by=user)
    _apply(entry, cleaned)
    entry.full_clean()
    entry._change_reason = _("录入")
    entry.save()
    _audit("create", user=user, request=request, task_row=row_access.task_row, ids=[entry.pk])
    return entry


@transaction.atomic
def update_beneficiary(*, user, entry: Beneficiary, cleaned: dict, request=None) -> list[str]:
    require(access.can_change_entry(user, entry), _("只能修改本单位录入的受益对象。"))
    entry = Beneficiary.objects.select_for_update().get(pk=entry.pk)
    if entry.is_removed:
        raise ValidationError(_("该受益对象已移除，不能修改。"))
    changed = _apply(entry, cleaned)
    if changed:
        entry.full_clean()
        entry._change_reason = _("修改：%(fields)s") % {
            "fields": "、".join(str(Beneficiary._meta.get_field(name).verbose_name) for name in changed)
        }
        entry.save()
        _audit(
            "update",
            user=user,
            request=request,
            task_row=entry.indicator.task_row,
            ids=[entry.pk],
            fields=changed,
        )
    return changed


@transaction.atomic
def remove_beneficiary(*, user, entry: Beneficiary, reason: str, request=None) -> Beneficiary:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("移除时必须填写原因。"))
    require(access.can_change_entry(user, entry), _("只能移除本单位录入的受益对象。"))
    entry = Beneficiary.objects.select_for_update().get(pk=entry.pk)
    if entry.is_removed:
        return entry
    entry.is_removed = True
    entry.removed_at = timezone.now()
    entry.removed_by = user
    entry.removal_reason = reason[:300]
    entry._change_reason = _("移除：%(reason)s") % {"reason": reason[:200]}
    entry.save()
    _audit(
        "remove",
        user=user,
        request=request,
        task_row=entry.indicator.task_row,
        ids=[entry.pk],
        reason=reason[:300],
    )
    return entry


@dataclass(frozen=True)
class Revealed:
    id_number: str
    phone: str


@transaction.atomic
def reveal(*, user, entry: Beneficiary, row_access: RowAccess, request=None) -> Revealed:
    """The full numbers of one person, for a user allowed to see them; the audit row is written first."""
    require(row_access.full_numbers, _("您没有查看完整身份证号的权限。"))
    _audit("reveal", user=user, request=request, task_row=row_access.task_row, ids=[entry.pk])
    return Revealed(id_number=entry.id_number, phone=entry.phone)


@transaction.atomic
def record_export(*, user, row_access: RowAccess, ids: list[int], full: bool, request=None) -> None:
    """Write the audit row of an export, before the file leaves; full exports need the permission."""
    if full:
        require(row_access.full_numbers, _("您没有导出完整身份证号的权限。"))
    require(row_access.people, _("您只能查看统计数，不能导出名单。"))
    _audit(
        "export_full" if full else "export",
        user=user,
        request=request,
        task_row=row_access.task_row,
        ids=ids,
        count=len(ids),
    )


# --- imports ----------------------------------------------------------------------------------------


def _duplicates_in_rows(rows: list[dict], indicators: list[Indicator]) -> None:
    """Mark each staged row whose ID number is counted elsewhere: in the file, the lists or a marked pair."""
    hashes = [id_number_hash(row["id_number"]) for row in rows]
    indicator_ids = {item.pk for item in indicators}
    partners: dict[int, set[int]] = {pk: set() for pk in indicator_ids}
    for a_id, b_id in DoubleCountingPair.objects.filter(indicator_a__in=indicator_ids).values_list(
        "indicator_a", "indicator_b"
    ):
        partners[a_id].add(b_id)
    for a_id, b_id in DoubleCountingPair.objects.filter(indicator_b__in=indicator_ids).values_list(
        "indicator_a", "indicator_b"
    ):
        partners[b_id].add(a_id)
    relevant = indicator_ids | {pk for ids in partners.values() for pk in ids}
    existing: dict[str, list[tuple[int, int, str]]] = {}
    unique_hashes = sorted(set(hashes))
    for start in range(0, len(unique_hashes), 500):
        for pk, indicator_id, id_hash, unit_name in (
            Beneficiary.objects.active()
            .filter(id_hash__in=unique_hashes[start : start + 500], indicator_id__in=relevant)
            .values_list("pk", "indicator_id", "id_hash", "entered_by_unit__name")
        ):
            existing.setdefault(id_hash, []).append((pk, indicator_id, unit_name))
    seen: dict[tuple[str, int], int] = {}
    for row, id_hash in zip(rows, hashes, strict=True):
        indicator_id = int(row["indicator"])
        flags = [
            _("已录入记录#%(pk)s（%(unit)s）") % {"pk": pk, "unit": unit}
            for pk, other_indicator, unit in existing.get(id_hash, [])
            if other_indicator == indicator_id or other_indicator in partners[indicator_id]
        ]
        if (id_hash, indicator_id) in seen:
            flags.append(_("本文件第%(line)s行") % {"line": seen[(id_hash, indicator_id)]})
        seen.setdefault((id_hash, indicator_id), row["line"])
        row["duplicates"] = flags


@transaction.atomic
def stage_import(
    *, user, row_access: RowAccess, result: ReadResult, file_name: str, file_sha256: str, request=None
) -> ImportBatch:
    """Keep a checked file's rows for the preview; nothing reaches the list until `apply_import`."""
    require(row_access.can_enter, _("只有参与本项任务的单位联络员可以导入受益对象。"))
    if not result.ok:
        raise ValidationError(_("文件未通过校验，不能导入。"))
    _duplicates_in_rows(result.rows, list_indicators(row_access.task_row))
    return ImportBatch.objects.create(
        task_row=row_access.task_row,
        unit=row_access.unit,
        created_by=user,
        file_name=file_name[:200],
        file_sha256=file_sha256,
        row_count=len(result.rows),
        rows=result.rows,
    )


def _pending_batch(user, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, created_by=user).first()
    if batch is None:
        raise PermissionDenied(_("找不到该导入批次。"))
    if batch.status != ImportBatch.Status.PENDING:
        raise BatchRefused(_("该批次已%(status)s，不能再次操作。") % {"status": batch.get_status_display()})
    return batch


@transaction.atomic
def apply_import(*, user, row_access: RowAccess, batch_id: int, request=None) -> int:
    """Write every staged row, checked again, or none; returns the number written."""
    require(row_access.can_enter, _("只有参与本项任务的单位联络员可以导入受益对象。"))
    batch = _pending_batch(user, batch_id)
    if batch.task_row_id != row_access.task_row.pk or batch.unit_id != row_access.unit.pk:
        raise PermissionDenied(_("找不到该导入批次。"))
    indicators, units = list_indicators(row_access.task_row), townships()
    entries, errors = [], []
    for row in batch.rows:
        form = BeneficiaryForm(row, indicators=indicators, townships=units)
        if not form.is_valid():
            errors.append(_("第%(line)s行") % {"line": row.get("line")})
            continue
        entry = Beneficiary(entered_by_unit=batch.unit, created_by=user, import_batch=batch)
        _apply(entry, form.cleaned_data)
        entry.clean()  # the form checked the fields, without a query per row
        entries.append(entry)
    if errors:
        raise BatchRefused(
            _("以下行已不再符合要求，本次未导入任何数据，请重新上传：%(rows)s")
            % {"rows": "、".join(errors[:20])}
        )
    bulk_create_with_history(
        entries, Beneficiary, batch_size=500, default_user=user, default_change_reason=_("Excel导入")
    )
    batch.status = ImportBatch.Status.APPLIED
    batch.finished_at = timezone.now()
    batch.rows = []
    batch.save()
    ids = list(Beneficiary.objects.filter(import_batch=batch).values_list("pk", flat=True))
    _audit(
        "import",
        user=user,
        request=request,
        task_row=row_access.task_row,
        ids=ids,
        batch=batch.pk,
        count=len(ids),
    )
    return len(ids)


@transaction.atomic
def discard_import(*, user, batch_id: int) -> None:
    batch = _pending_batch(user, batch_id)
    batch.status = ImportBatch.Status.DISCARDED
    batch.finished_at = timezone.now()
    batch.rows = []
    batch.save()


def stale_import_cutoff() -> datetime:
    """Batches uploaded before this are given up: IMPORT_PENDING_MAX_AGE seconds (24 hours) ago."""
    return timezone.now() - timedelta(seconds=limit("IMPORT_PENDING_MAX_AGE"))


def expired(batch: ImportBatch) -> bool:
    """Given up (by its uploader or for its age) and older than the bound: gone for good."""
    return batch.status == ImportBatch.Status.DISCARDED and batch.created_at < stale_import_cutoff()


def expired_message() -> str:
    message = _(
        "该导入批次已超过%(hours)s小时未确认，已自动放弃，其中暂存的个人信息已清除。如需导入，请重新上传。"
    )
    return message % {"hours": limit("IMPORT_PENDING_MAX_AGE") // 3600}


@transaction.atomic
def discard_stale_imports(*, older_than: datetime | None = None) -> int:
    """Empty the batches nobody confirmed in time, so full numbers do not linger in waiting rows.

    Run by the daily command, and also whenever an import is started or a batch is opened and
    before every backup, so that without the command a batch outlives the bound only until then.
    """
    purge_pending(older_than=older_than)  # the Excel uploads of monthly figures as well
    stale = ImportBatch.objects.select_for_update().filter(
        status=ImportBatch.Status.PENDING, created_at__lt=older_than or stale_import_cutoff()
    )
    return stale.update(status=ImportBatch.Status.DISCARDED, finished_at=timezone.now(), rows=[])


# --- double counting pairs --------------------------------------------------------------------------


@transaction.atomic
def add_pair(*, user, indicator_a: Indicator, indicator_b: Indicator, note: str = "", request=None):
    require(access.can_manage_pairs(user), _("只有专班办公室可以标记重复计算指标对。"))
    if indicator_a.pk > indicator_b.pk:
        indicator_a, indicator_b = indicator_b, indicator_a
    pair = DoubleCountingPair(indicator_a=indicator_a, indicator_b=indicator_b, note=note, created_by=user)
    pair.full_clean()
    pair.save()
    record(event=EVENTS["pair_add"], request=request, user=user, obj=pair)
    return pair


@transaction.atomic
def remove_pair(*, user, pair_id: int, request=None) -> None:
    require(access.can_manage_pairs(user), _("只有专班办公室可以取消重复计算指标对。"))
    pair = DoubleCountingPair.objects.select_related("indicator_a", "indicator_b").get(pk=pair_id)
    record(event=EVENTS["pair_remove"], request=request, user=user, obj=pair)
    pair.delete()
