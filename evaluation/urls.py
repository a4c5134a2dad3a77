from django.urls import path

from evaluation import adjustment_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    # Open to anyone on the intranet, no login (公示).
    path("notice/<int:year>/", views.public_notice, name="public_notice"),
    path("<int:year>/", views.overview, name="overview"),
    path("<int:year>/notice/", views.manage_notice, name="manage_notice"),
    path("<int:year>/scores/", views.scores, name="scores"),
    path("<int:year>/scores/weights/", views.set_weights, name="set_weights"),
    path("<int:year>/scores.xlsx", views.export_scores, name="export_scores"),
    path("<int:year>/scores/<int:unit_id>/", views.unit_score, name="unit_score"),
    path("rows/<int:pk>/", views.row_detail, name="row"),
    path("rows/<int:pk>/self-evaluation/", views.save_self_evaluation, name="save_self_evaluation"),
    path("rows/<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("rows/<int:pk>/return/", views.return_self_evaluation, name="return_self_evaluation"),
    path("evidence/<int:pk>/", views.download_evidence, name="download_evidence"),
    path("evidence/<int:pk>/delete/", views.delete_evidence, name="delete_evidence"),
    path("indicators/<int:pk>/certify/", views.certify, name="certify"),
    path("adjustments/", adjustment_views.adjustment_list, name="adjustment_list"),
    path("adjustments/new/", adjustment_views.adjustment_new, name="adjustment_new"),
    path("adjustments/<int:pk>/", adjustment_views.adjustment_detail, name="adjustment_detail"),
    path("adjustments/<int:pk>/review/", adjustment_views.adjustment_review, name="adjustment_review"),
    path("adjustments/<int:pk>/decision/", adjustment_views.adjustment_decision, name="adjustment_decision"),
]
