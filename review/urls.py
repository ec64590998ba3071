"""The review workspace, mounted at /review/ (config.urls)."""

from django.urls import path

from review.views import claim, dashboard, documents, queue

app_name = "review"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("queue/", queue.queue, name="queue"),
    path("next/", queue.take_next, name="next"),
    path("approvals/", queue.approvals, name="approvals"),
    path("claims/<int:pk>/", claim.review, name="claim"),
    path("claims/<int:pk>/correct/", claim.correct, name="claim-correct"),
    path("claims/<int:pk>/evidence/", claim.add_evidence, name="evidence-add"),
    path("claims/<int:pk>/suggestions/<int:source_pk>/", claim.handle_suggestion, name="suggestion"),
    path("claims/<int:pk>/verdict/", claim.propose, name="verdict-propose"),
    path("claims/<int:pk>/skip/", claim.skip, name="skip"),
    path("verdicts/<int:pk>/approve/", claim.approve, name="verdict-approve"),
    path("verdicts/<int:pk>/reject/", claim.reject, name="verdict-reject"),
    path("documents/<int:pk>/", documents.document, name="document"),
]
