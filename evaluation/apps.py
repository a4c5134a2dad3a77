from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("评估验收与绩效考核")

    def ready(self):
        from audit import registry
        from projects import target_lock

        target_lock.adjust_targets_at("evaluation:adjustment_new")
        registry.audit_history_of("evaluation")
        registry.label_events(
            {
                "evaluation.self_evaluation_submitted": _("提交自评"),
                "evaluation.self_evaluation_returned": _("退回自评"),
                "evaluation.evidence_uploaded": _("上传佐证材料"),
                "evaluation.evidence_downloaded": _("下载佐证材料"),
                "evaluation.evidence_deleted": _("删除佐证材料"),
                "evaluation.indicator_certified": _("认定指标完成情况"),
                "evaluation.notice_published": _("发布公示"),
                "evaluation.score_weights_set": _("设置考核分值"),
                "evaluation.scores_exported": _("导出考核得分"),
                "target_adjustment.filed": _("提出指标调整申请"),
                "target_adjustment.reviewed": _("审核指标调整申请"),
                "target_adjustment.decided": _("决定指标调整申请"),
            }
        )
