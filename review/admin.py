from django.contrib import admin

from review import admin_exports  # noqa: F401 - the datasets' admin, in a module of its own
from review.models import AuditEvent, DismissedSuggestion, Evidence, Verdict


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only through review.services: the admin shows, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "chain", "seq", "action", "username"]
    list_filter = ["action"]
    search_fields = ["=chain", "=username"]
    show_full_result_count = False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["claim", "outlet", "relation", "independent", "added_by", "created_at", "removed_at"]
    list_filter = ["relation", "independent"]
    raw_id_fields = ["claim", "source_claim"]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["claim", "decision", "state", "proposed_by", "proposed_at", "decided_by", "decided_at"]
    list_filter = ["state", "decision"]
    raw_id_fields = ["claim"]


@admin.register(DismissedSuggestion)
class DismissedSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "source_claim", "dismissed_by", "dismissed_at"]
