"""The admin for documents, conflicts, actors and claims.

Lists are limited to what the user may see (claims.selectors), filtered by
the one claims FilterSet (claims.listing), and never count or load more than
a page needs. Documents are added through the ingest service; claims come
from extraction only. review.admin extends the claim page with the
verification actions.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models.functions import Length, Substr
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from claims import reading, selectors, services
from claims.filters import ClaimFilter
from claims.listing import CappedCountPaginator, FilterSetInputFilter, choice_filter, filtered, input_filter
from claims.models import THIRD_PARTY, Actor, ActorMembership, Claim, Conflict, Document

CSS = {"all": ["claims/admin.css"]}


def _visible_conflicts(request) -> list[Conflict]:
    """The conflicts the user may see, read once per request (filters share it)."""
    cached = getattr(request, "_claimdesk_visible_conflicts", None)
    if cached is None:
        allowed = selectors.visible_conflict_ids(request.user)
        conflicts = Conflict.objects.order_by("name")
        cached = list(conflicts if allowed is None else conflicts.filter(pk__in=allowed))
        request._claimdesk_visible_conflicts = cached
    return cached


def _conflict_lookups(request, model_admin):
    return [(conflict.slug, conflict.name) for conflict in _visible_conflicts(request)]


def _side_lookups(request, model_admin):
    """Sides come from the conflicts (their parties) and third parties, not from scanning claims."""
    labels = {}
    for conflict in _visible_conflicts(request):
        for slug in conflict.parties:
            labels.setdefault(slug, conflict.side_label(slug))
    labels[THIRD_PARTY] = "third party"
    return list(labels.items())


class ClaimantFilter(FilterSetInputFilter):
    """The claimant, picked from the registries of the user's conflicts."""

    title = "claimant"
    inputs = (("claimant", "Claimant", "select"),)

    def choices(self, changelist):
        for choice in super().choices(changelist):
            allowed = [conflict.pk for conflict in _visible_conflicts(self.request)]
            actors = Actor.objects.filter(memberships__conflict_id__in=allowed).distinct().order_by("name")
            choice["options"] = [(str(pk), name) for pk, name in actors.values_list("pk", "name")]
            yield choice


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

    def get_queryset(self, request):
        allowed = selectors.visible_conflict_ids(request.user)
        queryset = super().get_queryset(request)
        return queryset if allowed is None else queryset.filter(memberships__conflict_id__in=allowed).distinct()


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "end_date"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        allowed = selectors.visible_conflict_ids(request.user)
        queryset = super().get_queryset(request)
        return queryset if allowed is None else queryset.filter(pk__in=allowed)


class DocumentIngestForm(forms.ModelForm):
    """A new document, pasted or uploaded, read and checked as every other input is (claims.reading)."""

    pasted_text = forms.CharField(
        label="Text", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 14, "class": "cd-wide"})
    )
    upload = forms.FileField(label="Or a file", required=False, help_text="Plain text or HTML, in any common encoding.")

    class Meta:
        model = Document
        fields = ["conflict", "title", "url", "publisher", "published_date"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        conflicts = _visible_conflicts(request)
        self.fields["conflict"].queryset = Conflict.objects.filter(pk__in=[c.pk for c in conflicts])
        if len(conflicts) == 1:
            self.fields["conflict"].initial = conflicts[0].pk
        self.fields["title"].help_text = "Left blank, the text's first line."

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("pasted_text") or "", cleaned.get("upload")
        if bool(text.strip()) == bool(upload):
            raise forms.ValidationError("Paste the text or upload a file (one of the two).")
        try:
            raw = reading.read_upload(upload=upload) if upload else reading.read_pasted(text=text)
            reading.document_text(raw)  # binary, empty or over the limit: said here, not after saving
        except reading.IngestError as exc:
            raise forms.ValidationError(f"This cannot be a document: {exc}.") from None
        cleaned["raw"] = raw
        return cleaned

    def _post_clean(self):
        pass  # the document is made by the ingest service, not from this form's instance


def _forms_with_request(form_class, request):
    class WithRequest(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, request=request, **kwargs)

    return WithRequest


def claimant_name(claim) -> str:
    """Who makes the claim, as the lists show it: the registry's name, else the mention."""
    return claim.claimant.name if claim.claimant else (claim.claimant_mention or "unattributed")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "conflict",
        "status_badge",
        "claim_count",
        "extractor_version",
        "attempts",
        "extraction_time",
        "created_at",
    ]
    list_filter = ["status", "conflict"]
    list_select_related = ["conflict"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["=sha256"]
    readonly_fields = [
        "conflict",
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
        "text_preview",
    ]
    DOCUMENT_FIELDS = ["title", ("conflict", "status"), ("url", "publisher"), ("published_date", "source_name")]
    EXTRACTION_FIELDS = [
        "error",
        "claim_count",
        "extractor_version",
        "attempts",
        "last_error",
        "lease_expires_at",
        "queued_at",
        "extraction_started_at",
        "extraction_finished_at",
        "input_flags",
        "sha256",
        "created_at",
        "updated_at",
    ]
    actions = ["reextract"]
    change_form_template = "admin/claims/document/change_form.html"
    PREVIEW_CHARS = 5000
    CLAIMS_PER_PAGE = 50
    # What a row of the document's claims shows.
    CLAIM_ROW_FIELDS = [
        *("id", "index", "quote", "stance", "claim_type", "event_date", "review_state", "verdict"),
        "claimant__name",
    ]

    class Media:
        css = CSS

    def get_queryset(self, request):
        # A document's text is up to the size limit: lists and pages read only the preview (text_preview).
        return selectors.documents_visible_to(request.user, super().get_queryset(request)).defer("text")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = _forms_with_request(DocumentIngestForm, request)
            kwargs["fields"] = [*DocumentIngestForm.Meta.fields, "pasted_text", "upload"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["conflict", "pasted_text", "upload"]}),
                ("Where it comes from", {"fields": ["title", "url", "publisher", "published_date"]}),
            ]
        return [
            (None, {"fields": self.DOCUMENT_FIELDS}),
            ("Extraction", {"classes": ["collapse"], "fields": self.EXTRACTION_FIELDS}),
            ("Text", {"classes": ["collapse"], "fields": ["text_preview"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        data = form.cleaned_data
        upload = data.get("upload")
        result = services.document_ingest(
            raw=data["raw"],
            source_name=upload.name if upload else "",
            title=data.get("title") or "",
            url=data.get("url") or "",
            publisher=data.get("publisher") or "",
            published_date=data.get("published_date"),
            conflict=data["conflict"],
        )
        request._claimdesk_ingest = result
        return result.document

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if request._claimdesk_ingest.created:
            super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        result = request._claimdesk_ingest
        page = reverse("admin:claims_document_change", args=[obj.pk])
        if not result.created:
            messages.warning(
                request,
                format_html(
                    "This text is already stored as document {} (“{}”); nothing new was added.", obj.pk, str(obj)
                ),
            )
        else:
            messages.success(request, f"Document {obj.pk} stored; its claims are extracted in the background.")
        return HttpResponseRedirect(page)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        document = self.get_object(request, object_id)
        if document is not None:
            extra_context = {**(extra_context or {}), "claims_page": self._claims_page(request, document)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _claims_page(self, request, document):
        claims = (
            selectors.claims_visible_to(request.user, document.claims.all())
            .select_related("claimant")
            .only(*self.CLAIM_ROW_FIELDS)
            .order_by("start", "id")
        )
        return Paginator(claims, self.CLAIMS_PER_PAGE).get_page(request.GET.get("claims_page"))

    @admin.display(description="text")
    def text_preview(self, document):
        head, size = (
            Document.objects.filter(pk=document.pk)
            .annotate(head=Substr("text", 1, self.PREVIEW_CHARS), size=Length("text"))
            .values_list("head", "size")
            .get()
        )
        more = size - len(head)
        suffix = f"\n… ({more:,} more characters)" if more > 0 else ""
        return format_html('<pre class="cd-text">{}{}</pre>', head, suffix)

    @admin.display(description="status", ordering="status")
    def status_badge(self, document):
        return format_html('<span class="cd-badge cd-{}">{}</span>', document.status, document.get_status_display())

    @admin.display(description="extraction time")
    def extraction_time(self, document):
        seconds = document.extraction_seconds
        return "—" if seconds is None else f"{seconds:.2f} s"

    def has_reextract_permission(self, request):
        # Extracting again is ingesting again: who may add documents may do it.
        return request.user.has_perm("claims.add_document")

    @admin.action(description="Extract again (keeps reviewed claims)", permissions=["reextract"])
    def reextract(self, request, queryset):
        count = services.documents_reextract(document_ids=list(queryset.values_list("pk", flat=True)))
        if selectors.broker_queue_length() is None:
            self.message_user(
                request,
                f"{count} documents are pending extraction, but the broker is unreachable: "
                "they are queued once it is back.",
                messages.ERROR,
            )
            return
        self.message_user(request, f"{count} documents queued for extraction.", messages.SUCCESS)


class ClaimChangeList(ChangeList):
    def apply_select_related(self, qs):
        return self.model_admin.listed(qs)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    filterset_class = ClaimFilter
    list_display = ["id", "claim_column", "claimant_column", "event_date", "answers_column", "document_column"]
    list_display_links = ["id"]
    list_filter = [
        choice_filter("review_state", "review state"),
        choice_filter("verdict", "verdict"),
        choice_filter("claim_type", "type"),
        choice_filter("stance", "stance"),
        choice_filter("side", "side", _side_lookups),
        choice_filter("conflict", "conflict", _conflict_lookups),
        ClaimantFilter,
        input_filter("place", ("place", "Place", "text")),
        input_filter("document", ("document", "Document id", "number")),
        input_filter("event date", ("event_date_after", "From", "date"), ("event_date_before", "To", "date")),
    ]
    # The search box's `q` is the FilterSet's text search (get_search_results).
    search_fields = ["sentence", "claimant_mention"]
    search_help_text = "Every word in the sentence or the claimant's name (full-text search)."
    paginator = CappedCountPaginator
    show_full_result_count = False
    # Counts per filter choice would each count the table: never at a million claims.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    actions = ["retag", "export_claims"]  # export_claims: review.admin_exports

    class Media:
        css = CSS

    def get_queryset(self, request):
        return selectors.claims_visible_to(request.user, super().get_queryset(request))

    def get_changelist(self, request, **kwargs):
        return ClaimChangeList

    def listed(self, queryset):
        """The columns a list row shows, and nothing more: no document text, no sentences."""
        return queryset.select_related("claimant", "conflict", "document", "responds_to__claimant").only(
            "id",
            "quote",
            "stance",
            "claim_type",
            "event_date",
            "side",
            "review_state",
            "verdict",
            "claimant_mention",
            "claimant__name",
            "conflict__sides",
            "document__title",
            "document__source_name",
            "responds_to__quote",
            "responds_to__claimant_mention",
            "responds_to__claimant__name",
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return filtered(self.filterset_class, {"q": search_term}, queryset), False

    def has_add_permission(self, request):
        return False  # claims come from extraction

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Claim._meta.fields]

    @admin.display(description="claim")
    def claim_column(self, claim):
        tags = " · ".join(part for part in (claim.get_stance_display(), claim.get_claim_type_display()) if part)
        return format_html(
            '<div class="cd-quote">{}</div><div class="cd-meta">{}{}</div>',
            claim.quote,
            tags or "not tagged yet",
            _review_badge(claim),
        )

    @admin.display(description="claimant", ordering="claimant__name")
    def claimant_column(self, claim):
        side = claim.conflict.side_label(claim.side) if claim.side else "side unknown"
        return format_html('{}<div class="cd-meta">{}</div>', claimant_name(claim), side)

    @admin.display(description="answers")
    def answers_column(self, claim):
        answered = claim.responds_to
        if answered is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a> {}: <span class="cd-answered">{}</span>',
            reverse("admin:claims_claim_change", args=[answered.pk]),
            answered.pk,
            claimant_name(answered),
            _shortened(answered.quote, 140),
        )

    @admin.display(description="document")
    def document_column(self, claim):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:claims_document_change", args=[claim.document_id]),
            _shortened(str(claim.document), 48),
        )

    def has_export_permission(self, request):
        # The export action (review.admin_exports): editors and admins.
        return request.user.has_perm("review.export_dataset")

    def has_retag_permission(self, request):
        # Re-tagging after a tagger upgrade is an administrator's job.
        return request.user.has_perm("claims.change_claim")

    @admin.action(description="Run pre-tagging again (skips reviewed and corrected claims)", permissions=["retag"])
    def retag(self, request, queryset):
        try:
            # Batch by batch on the primary key: the selection is never read whole into memory.
            count = services.claims_retag(claims=queryset)
        except services.RetagError as exc:
            self.message_user(request, f"Pre-tagging was not queued: {exc}.", messages.ERROR)
            return
        if not count:
            self.message_user(
                request,
                "None of the selected claims may be re-tagged: a person corrected or reviewed them.",
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            f"{count} claims queued for pre-tagging (corrected and reviewed ones left as they are).",
            messages.SUCCESS,
        )


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _review_badge(claim):
    state = claim.review_state
    label = claim.get_review_state_display()
    if claim.verdict:
        label = f"{label}: {claim.get_verdict_display()}"
    return format_html(' <span class="cd-badge cd-{}">{}</span>', state, label)
