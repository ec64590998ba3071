"""The claim's admin page with verification, and read-only lists of evidence, verdicts and the audit trail.

Every write here calls review.services, like the workspace and the API:
the correction form (claim_correct) and one small form per action (add or
remove evidence, accept or dismiss a suggestion, propose, approve or reject
a verdict). Each carries the claim's version as the page showed it, so a
page that is out of date is refused with what changed, never saved over.
Refusals (PermissionDenied, ValidationError) become the admin's error
messages.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from claims.admin import ClaimAdmin, choice_filter, claimant_name
from claims.enums import THIRD_PARTY, ClaimType, Stance
from claims.models import Actor, Claim
from claims.selectors import visible_conflict_ids
from review import (
    admin_exports,  # noqa: F401 - the datasets' admin, in a module of its own
    selectors,
    services,
)
from review.api import admin as api_admin  # noqa: F401 - registers webhook endpoints and deliveries
from review.filters import ReviewClaimFilter
from review.models import AuditEvent, DismissedSuggestion, Evidence, Verdict

# --- the correction form ---------------------------------------------------------


class ClaimCorrectionForm(forms.ModelForm):
    """The fields claim_correct takes, and the version the page showed (hidden)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    side = forms.ChoiceField(required=False)
    stance = forms.ChoiceField(choices=Stance.choices)
    claim_type = forms.ChoiceField(choices=ClaimType.choices, label="Type")
    locations = forms.CharField(required=False, help_text="Place names, separated by commas.")

    class Meta:
        model = Claim
        fields = ["claimant", "claimant_mention", "side", "stance", "claim_type", "event_date", "time", "locations"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        if "claimant" in self.fields:
            # The conflict's registry, and the claimant it has now whatever that is.
            self.fields["claimant"].queryset = (
                Actor.objects.filter(Q(memberships__conflict_id=claim.conflict_id) | Q(pk=claim.claimant_id))
                .distinct()
                .order_by("name")
            )
            self.fields["claimant"].help_text = "A new claimant brings its side in this conflict."
        sides = [*claim.conflict.parties, THIRD_PARTY]
        if claim.side and claim.side not in sides:
            sides.append(claim.side)  # shown as it is; claim_correct says which sides are allowed
        self.fields["side"].choices = [("", "—"), *((side, claim.conflict.side_label(side)) for side in sides)]
        if not self.is_bound:
            self.initial["locations"] = ", ".join(claim.locations)
            self.initial["version"] = claim.version

    def _post_clean(self):
        pass  # claim_correct validates and writes; the instance is never changed from here


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Your role does not allow this."


# --- one form per verification action ----------------------------------------------


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EvidenceForm(VersionForm):
    url = forms.CharField(label="URL", max_length=2000, widget=forms.URLInput)
    outlet = forms.CharField(max_length=200)
    relation = forms.ChoiceField(choices=Evidence.Relation.choices)
    title = forms.CharField(max_length=500, required=False)
    excerpt = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    published = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RemoveEvidenceForm(VersionForm):
    evidence = forms.IntegerField()
    reason = forms.CharField(max_length=1000)


class SuggestionForm(VersionForm):
    source_claim = forms.IntegerField()


class ProposeForm(VersionForm):
    decision = forms.ChoiceField(choices=Verdict.Decision.choices)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(VersionForm):
    verdict = forms.IntegerField()
    reason = forms.CharField(required=False, max_length=2000)


def _evidence_add(request, claim, data):
    evidence = services.evidence_add(
        claim=claim,
        user=request.user,
        url=data["url"],
        outlet=data["outlet"],
        relation=data["relation"],
        title=data["title"],
        excerpt=data["excerpt"],
        published=data["published"],
        expected_version=data["version"],
    )
    independence = "independent" if evidence.independent else "not independent"
    return f"Evidence from {evidence.outlet} added ({independence})."


def _evidence_remove(request, claim, data):
    evidence = Evidence.objects.filter(claim=claim, pk=data["evidence"]).first()
    if evidence is None:
        raise ValidationError("That evidence is not recorded for this claim.")
    services.evidence_remove(
        evidence=evidence, user=request.user, reason=data["reason"], expected_version=data["version"]
    )
    return f"Evidence from {evidence.outlet} removed."


def _suggested(claim, data) -> Claim:
    source = Claim.objects.filter(pk=data["source_claim"]).first()
    if source is None:
        raise ValidationError("That claim no longer exists.")
    return source


def _suggestion_accept(request, claim, data):
    source = _suggested(claim, data)
    services.suggestion_accept(claim=claim, source_claim=source, user=request.user, expected_version=data["version"])
    return f"Claim {source.pk} accepted as evidence."


def _suggestion_dismiss(request, claim, data):
    source = _suggested(claim, data)
    services.suggestion_dismiss(claim=claim, source_claim=source, user=request.user, expected_version=data["version"])
    return f"Claim {source.pk} dismissed as evidence."


def _verdict_propose(request, claim, data):
    verdict = services.verdict_propose(
        claim=claim,
        user=request.user,
        decision=data["decision"],
        rationale=data["rationale"],
        expected_version=data["version"],
    )
    return f"Verdict “{verdict.get_decision_display()}” proposed; an editor other than you approves or rejects it."


def _pending(claim, data) -> Verdict:
    verdict = Verdict.objects.filter(claim=claim, pk=data["verdict"]).first()
    if verdict is None:
        raise ValidationError("That verdict is not one of this claim's.")
    return verdict


def _verdict_approve(request, claim, data):
    verdict = services.verdict_approve(
        verdict=_pending(claim, data), user=request.user, expected_version=data["version"]
    )
    return f"Verdict “{verdict.get_decision_display()}” approved: it is now the claim's verdict."


def _verdict_reject(request, claim, data):
    verdict = services.verdict_reject(
        verdict=_pending(claim, data), user=request.user, reason=data["reason"], expected_version=data["version"]
    )
    return f"Verdict “{verdict.get_decision_display()}” rejected."


# action name in the URL -> (form, service call, panel to come back to)
ACTIONS = {
    "evidence-add": (EvidenceForm, _evidence_add, "evidence"),
    "evidence-remove": (RemoveEvidenceForm, _evidence_remove, "evidence"),
    "suggestion-accept": (SuggestionForm, _suggestion_accept, "evidence"),
    "suggestion-dismiss": (SuggestionForm, _suggestion_dismiss, "evidence"),
    "verdict-propose": (ProposeForm, _verdict_propose, "verdicts"),
    "verdict-approve": (DecideForm, _verdict_approve, "verdicts"),
    "verdict-reject": (DecideForm, _verdict_reject, "verdicts"),
}


# --- the page -------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def history_rows(events) -> list[tuple[AuditEvent, list[tuple[str, str | None, str | None]]]]:
    """Each event with its (field, before, after) lines.

    before is None for a value that is new; after is None for a value the
    event took away (removed evidence), and blank values it only looked at
    (a proposal's verdict in force) are left out. Fields are in alphabetical
    order: JSON columns do not keep the order they were written in.
    """
    rows = []
    for event in events:
        lines = [
            (name, _shown(event.before[name]) if name in event.before else None, _shown(value))
            for name, value in sorted(event.after.items())
        ]
        lines += [
            (name, _shown(value), None)
            for name, value in sorted(event.before.items())
            if name not in event.after and value not in (None, "", [])
        ]
        rows.append((event, lines))
    return rows


admin.site.unregister(Claim)


@admin.register(Claim)
class ReviewClaimAdmin(ClaimAdmin):
    filterset_class = ReviewClaimFilter
    form = ClaimCorrectionForm
    list_filter = [
        *ClaimAdmin.list_filter[:2],
        choice_filter("has_evidence", "has evidence"),
        *ClaimAdmin.list_filter[2:],
    ]
    MACHINE_FIELDS = [
        "conflict",
        "extractor_version",
        "tagger_version",
        "confidence",
        "corrected_fields",
        "is_stale",
        "created_at",
        "updated_at",
    ]

    def get_urls(self):
        verify = path(
            "<path:object_id>/verify/<slug:action>/",
            self.admin_site.admin_view(self.verify_view),
            name="claims_claim_verify",
        )
        return [verify, *super().get_urls()]

    def has_change_permission(self, request, obj=None):
        # Changing a claim is correcting it (claim_correct); nothing else of it is editable here.
        return request.user.has_perm("claims.correct_claim")

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["sentence_display", "document_link", "answers_display", "review_display"]}),
            (
                "Correct the extraction",
                {
                    "fields": [
                        ("claimant", "side"),
                        "claimant_mention",
                        ("stance", "claim_type"),
                        ("event_date", "time"),
                        "locations",
                        "version",
                    ]
                },
            ),
            ("Extraction", {"classes": ["collapse"], "fields": self.MACHINE_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["sentence_display", "document_link", "answers_display", "review_display", *self.MACHINE_FIELDS]

    def get_object(self, request, object_id, from_field=None):
        claim = super().get_object(request, object_id, from_field)
        if claim is not None:
            # The page reads the claim once, with what its panels name.
            claim = (
                Claim.objects.select_related("conflict", "claimant", "document", "responds_to__claimant")
                .defer("document__text")
                .get(pk=claim.pk)
            )
        return claim

    @admin.display(description="sentence")
    def sentence_display(self, claim):
        at = claim.sentence.find(claim.quote) if claim.quote else -1
        if at < 0:
            return format_html('<div class="cd-sentence">{}</div>', claim.sentence)
        end = at + len(claim.quote)
        return format_html(
            '<div class="cd-sentence">{}<mark>{}</mark>{}</div>',
            claim.sentence[:at],
            claim.quote,
            claim.sentence[end:],
        )

    @admin.display(description="document")
    def document_link(self, claim):
        return format_html(
            '<a href="{}">{}</a> (claim {} in it)',
            reverse("admin:claims_document_change", args=[claim.document_id]),
            str(claim.document),
            claim.index + 1,
        )

    @admin.display(description="answers")
    def answers_display(self, claim):
        answered = claim.responds_to
        if answered is None:
            return "—"
        return format_html(
            '<a href="{}">claim {}</a>, {}: “{}”',
            reverse("admin:claims_claim_change", args=[answered.pk]),
            answered.pk,
            claimant_name(answered),
            answered.quote,
        )

    @admin.display(description="review")
    def review_display(self, claim):
        verdict = f", verdict in force: {claim.get_verdict_display()}" if claim.verdict else ""
        return format_html(
            '<span class="cd-badge cd-{}">{}</span>{} · version {}',
            claim.review_state,
            claim.get_review_state_display(),
            verdict,
            claim.version,
        )

    # --- corrections: the change form -----------------------------------------------------

    def save_form(self, request, form, change):
        claim = form.instance
        values = {name: form.cleaned_data[name] for name in form.changed_data if name in services.CORRECTABLE}
        try:
            corrected = services.claim_correct(
                claim=claim, user=request.user, expected_version=form.cleaned_data["version"], **values
            )
        except (ValidationError, PermissionDenied) as exc:
            request._claimdesk_correction = ("refused", _message(exc))
            return claim
        if corrected.version == claim.version:
            request._claimdesk_correction = ("unchanged", "Nothing to correct: those are the claim's values already.")
        else:
            event = selectors.claim_history(claim.pk).get(seq=corrected.version)
            request._claimdesk_correction = ("saved", f"Claim {claim.pk}: {services.describe_event(event)}.")
        return corrected

    def save_model(self, request, obj, form, change):
        pass  # claim_correct has written it, or refused

    def save_related(self, request, form, formsets, change):
        pass

    def log_change(self, request, obj, message):
        pass  # the audit trail records corrections, with before and after

    def response_change(self, request, obj):
        outcome, message = request._claimdesk_correction
        level = {"refused": messages.ERROR, "unchanged": messages.INFO, "saved": messages.SUCCESS}[outcome]
        self.message_user(request, message, level)
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[obj.pk]))

    # --- the verification panels -------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        if claim is not None:
            extra_context = {**(extra_context or {}), **self._verification_context(request, claim)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _verification_context(self, request, claim) -> dict:
        user = request.user
        pending = selectors.pending_verdict(claim)
        initial = {"version": claim.version}
        return {
            "verification": True,
            "claim_version": claim.version,
            "evidence_list": Evidence.objects.filter(claim=claim)
            .select_related("added_by", "removed_by", "outlet_actor")
            .order_by("id"),
            "suggestions": list(selectors.suggested_evidence(claim)),
            "verdicts": claim.verdicts.select_related("proposed_by", "decided_by").order_by("-id"),
            "pending": pending,
            "history": history_rows(selectors.claim_history(claim.pk)),
            "answered_by": claim.responses.select_related("claimant").order_by("id")[:20],
            "can_add_evidence": user.has_perm("review.add_evidence"),
            "can_remove_evidence": user.has_perm("review.remove_evidence"),
            "can_propose": user.has_perm("review.propose_verdict") and pending is None,
            "can_decide": user.has_perm("review.decide_verdict")
            and pending is not None
            and pending.proposed_by_id != user.pk,
            "evidence_form": EvidenceForm(initial=initial, auto_id="evidence_%s"),
            "propose_form": ProposeForm(initial=initial, auto_id="propose_%s"),
            "verify_urls": {
                action.replace("-", "_"): reverse("admin:claims_claim_verify", args=[claim.pk, action])
                for action in ACTIONS
            },
        }

    def verify_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in ACTIONS:
            raise Http404("No such action.")
        claim = super().get_object(request, object_id)
        if claim is None:
            raise Http404("No such claim, or not one you may see.")
        form_class, act, panel = ACTIONS[action]
        form = form_class(request.POST)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            self.message_user(request, f"Nothing was saved: {problems}", messages.ERROR)
        else:
            try:
                self.message_user(request, act(request, claim, form.cleaned_data), messages.SUCCESS)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _message(exc), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]) + f"#{panel}")


# --- read-only lists ----------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only through review.services: the admin shows, never edits."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm("claims.view_claim"):
            return queryset.none()
        allowed = visible_conflict_ids(request.user)
        return queryset if allowed is None else queryset.filter(claim__conflict_id__in=allowed)

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
    list_select_related = ["claim", "added_by"]
    raw_id_fields = ["claim", "source_claim"]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["claim", "decision", "state", "proposed_by", "proposed_at", "decided_by", "decided_at"]
    list_filter = ["state", "decision"]
    list_select_related = ["claim", "proposed_by", "decided_by"]
    raw_id_fields = ["claim"]


@admin.register(DismissedSuggestion)
class DismissedSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "source_claim", "dismissed_by", "dismissed_at"]
    list_select_related = ["claim", "source_claim", "dismissed_by"]
