from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property
from django.utils.html import format_html

from claims import services
from claims.models import Actor, ActorMembership, Claim, Conflict, Document


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows, and estimates an unfiltered table's size.

    An exact COUNT(*) over a million claims costs more than the page itself;
    past the cap the admin shows the cap, and pages beyond it stay reachable.
    """

    CAP = 10_000

    @cached_property
    def count(self):
        query = self.object_list.query
        if not query.where and connection.vendor == "postgresql":
            estimate = _estimated_rows(self.object_list.model._meta.db_table)
            if estimate > self.CAP:
                return estimate
        # Keeping the list's ordering lets the count walk the same index as the page.
        return self.object_list.values("pk")[: self.CAP + 1].count()


def _estimated_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(row[0], 0) if row else 0


class SideFilter(admin.SimpleListFilter):
    """Sides come from the registry (actors), not from scanning claims."""

    title = "side"
    parameter_name = "side"

    def lookups(self, request, model_admin):
        sides = ActorMembership.objects.order_by("side").values_list("side", flat=True).distinct()
        return [(side, side.replace("_", " ")) for side in sides]

    def queryset(self, request, queryset):
        return queryset.filter(side=self.value()) if self.value() else queryset


class ActorMembershipInline(admin.TabularInline):
    model = ActorMembership
    extra = 0
    fields = ["conflict", "side", "aliases", "is_proposed"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "updated_at"]
    list_filter = ["memberships__conflict", "memberships__side", "memberships__is_proposed"]
    search_fields = ["name"]
    inlines = [ActorMembershipInline]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "end_date"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status_badge",
        "claim_count",
        "extractor_version",
        "attempts",
        "extraction_time",
        "created_at",
    ]
    list_filter = ["status"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    search_fields = ["=sha256"]
    readonly_fields = [
        "sha256",
        "status",
        "error",
        "extractor_version",
        "claim_count",
        "attempts",
        "last_error",
        "lease_expires_at",
        "queued_at",
        "extraction_started_at",
        "extraction_finished_at",
        "input_flags",
        "created_at",
        "updated_at",
    ]
    exclude = ["text"]
    actions = ["reextract"]
    PREVIEW_CHARS = 5000

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "text_preview"]

    @admin.display(description="text")
    def text_preview(self, document):
        text = document.text[: self.PREVIEW_CHARS]
        more = len(document.text) - len(text)
        suffix = f"\n… ({more:,} more characters)" if more > 0 else ""
        return format_html('<pre style="white-space:pre-wrap;max-height:30em;overflow:auto">{}{}</pre>', text, suffix)

    @admin.display(description="status", ordering="status")
    def status_badge(self, document):
        colours = {"pending": "#777", "extracting": "#2f6fb0", "extracted": "#2e7d32", "failed": "#c62828"}
        return format_html(
            '<strong style="color:{}">{}</strong>', colours[document.status], document.get_status_display()
        )

    @admin.display(description="extraction time")
    def extraction_time(self, document):
        seconds = document.extraction_seconds
        return "—" if seconds is None else f"{seconds:.2f} s"

    @admin.action(description="Extract again (keeps reviewed claims)")
    def reextract(self, request, queryset):
        count = services.documents_reextract(document_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} documents queued for extraction.", messages.SUCCESS)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "claimant_mention",
        "claimant",
        "side",
        "stance",
        "claim_type",
        "event_date",
        "review_state",
        "verdict",
        "quote_short",
    ]
    list_filter = [SideFilter, "stance", "claim_type", "review_state", "verdict"]
    list_select_related = ["claimant"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    raw_id_fields = ["document", "claimant", "responds_to"]
    readonly_fields = [
        "document",
        "index",
        "sentence",
        "quote",
        "start",
        "end",
        "verdict",
        "review_state",
        "version",
        "conflict",
        "corrected_fields",
        "extractor_version",
        "tagger_version",
        "confidence",
        "tags_corrected",
        "is_stale",
        "created_at",
        "updated_at",
    ]
    actions = ["retag"]

    def get_readonly_fields(self, request, obj=None):
        # Corrections go through review.services.claim_correct (review.admin).
        return [field.name for field in Claim._meta.fields]

    @admin.display(description="quote")
    def quote_short(self, claim):
        return claim.quote if len(claim.quote) <= 120 else claim.quote[:119] + "…"

    @admin.action(description="Run pre-tagging again (skips reviewed and corrected claims)")
    def retag(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        batches = services.claims_queue_pretag(claim_ids=ids)
        self.message_user(request, f"{len(ids)} claims queued for pre-tagging in {batches} batches.", messages.SUCCESS)
