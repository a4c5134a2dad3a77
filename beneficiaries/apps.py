from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "beneficiaries"
    verbose_name = _("基层表与受益对象")

    def ready(self):
        from audit import registry

        registry.label_events(
            {
                "beneficiary.create": _("新增受益对象"),
                "beneficiary.update": _("修改受益对象"),
                "beneficiary.remove": _("删除受益对象"),
                "beneficiary.reveal_full": _("查看完整身份证号"),
                "beneficiary.export_masked": _("导出名单（脱敏）"),
                "beneficiary.export_full": _("导出完整名单"),
                "beneficiary.import": _("导入受益对象名单"),
                "beneficiary.pair_add": _("标记重复计算指标对"),
                "beneficiary.pair_remove": _("取消重复计算指标对"),
                "beneficiary.admin_list": _("后台查看受益对象名单"),
                "beneficiary.admin_view": _("后台查看受益对象"),
                "beneficiary.admin_history": _("后台查看受益对象历史"),
                "beneficiary.rehash": _("重算身份证号摘要"),
            }
        )
