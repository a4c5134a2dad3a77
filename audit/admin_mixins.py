"""django-import-export in the admin, audited and with formulas neutralised.

Each admin export writes an audit row in the transaction that builds the file; each
confirmed import writes one after its rows (whose own history rows are audited one by one).
"""

from django.db import transaction
from import_export.admin import ExportMixin, ImportExportMixin

from audit.export_formats import SAFE_FORMATS
from audit.services import record


class AuditedExportMixin(ExportMixin):
    formats = SAFE_FORMATS

    def get_export_data(self, file_format, request, queryset, **kwargs):
        with transaction.atomic():
            record(
                event="admin.export",
                request=request,
                detail={
                    "model": self.model._meta.label,
                    "format": file_format.get_title(),
                    "rows": queryset.count(),
                },
            )
            return super().get_export_data(file_format, request, queryset, **kwargs)


class AuditedImportExportMixin(AuditedExportMixin, ImportExportMixin):
    formats = SAFE_FORMATS

    def process_result(self, result, request):
        record(
            event="admin.import",
            request=request,
            detail={"model": self.model._meta.label, "totals": dict(result.totals)},
        )
        return super().process_result(result, request)
