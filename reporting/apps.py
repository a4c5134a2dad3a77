from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("月度调度")

    def ready(self):
        from audit import registry
        from core import data_version
        from projects import target_lock
        from reporting.models import PendingImport, ReviewEvent, rows_with_locked_figures

        # Once a row's figures are locked, its targets change only through 指标调整.
        target_lock.lock_targets_when(rows_with_locked_figures)

        # Excel uploads waiting for confirmation appear on no cached page.
        data_version.ignore_writes_to(PendingImport)
        registry.audit_history_of("reporting")
        registry.label_events(
            {
                **{f"submission.{value}": label for value, label in ReviewEvent.Action.choices},
                "reporting.entry_locked": _("修改已锁定的月度数据"),
                "reporting.import": _("Excel导入月度数据"),
                "reporting_month.forward": _("整月上报"),
            }
        )
