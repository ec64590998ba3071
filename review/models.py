"""Verification: evidence, verdicts with four-eyes approval, and the audit trail.

Rows here are written only through review.services, each write in the same
transaction as its audit event.
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from claims.enums import Verdict as Decision
from claims.models import Actor, Claim

http_url = URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// address.")


class Evidence(models.Model):
    """A third-party source recorded for a claim."""

    class Relation(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence", db_index=False)
    url = models.URLField(max_length=2000, validators=[http_url])
    outlet = models.CharField(max_length=200)
    title = models.CharField(max_length=500, blank=True)
    excerpt = models.TextField(blank=True)
    published = models.DateField(null=True, blank=True)
    accessed = models.DateField()
    relation = models.CharField(max_length=16, choices=Relation)
    # Derived when the evidence is recorded, never typed: the registry actor the
    # outlet names in the claim's conflict, and whether the outlet is independent
    # of the conflict's parties and of the claimant (review.independence).
    outlet_actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    independent = models.BooleanField()
    # Set when the evidence is a suggestion accepted: the corpus claim it came from.
    source_claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_as_evidence", db_index=False
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Removal keeps the row (the audit trail and earlier verdicts refer to it).
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim", "id"]
        permissions = [("remove_evidence", "Can remove evidence from a claim")]
        indexes = [
            # A claim's evidence (review page, API detail, exports, the verdict rules);
            # also the "has evidence" filter's EXISTS probe.
            models.Index(fields=["claim", "id"], condition=Q(removed_at__isnull=True), name="evidence_claim_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(relation__in=["supports", "refutes", "context"]), name="evidence_relation_valid"
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"), name="evidence_url_http"
            ),
            # A corpus claim is accepted as evidence for a claim once.
            models.UniqueConstraint(
                fields=["claim", "source_claim"],
                condition=Q(source_claim__isnull=False, removed_at__isnull=True),
                name="evidence_suggestion_once",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False), name="evidence_removed_by_someone"
            ),
        ]

    def __str__(self):
        return f"{self.outlet}: {self.get_relation_display().lower()} claim {self.claim_id}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class DismissedSuggestion(models.Model):
    """A corpus claim an analyst decided is not evidence for this claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="dismissed_suggestions")
    source_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+", db_index=False)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "source_claim"], name="suggestion_dismissed_once"),
        ]

    def __str__(self):
        return f"claim {self.source_claim_id} dismissed as evidence for claim {self.claim_id}"


class Verdict(models.Model):
    """A decision on a claim: proposed by one person, approved or rejected by another."""

    Decision = Decision

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        # An approved verdict that a later approved verdict replaced.
        SUPERSEDED = "superseded", "Superseded"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts", db_index=False)
    decision = models.CharField(max_length=16, choices=Decision)
    rationale = models.TextField()
    state = models.CharField(max_length=16, choices=State, default=State.PROPOSED)
    # Null only for verdicts recorded before claimdesk kept verdict records.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="verdicts_proposed"
    )
    proposed_at = models.DateTimeField()
    # The claim's version the proposal was made against.
    claim_version = models.PositiveIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="verdicts_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why an editor rejected the proposal.
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["claim", "-id"]
        permissions = [
            ("propose_verdict", "Can propose a verdict"),
            ("decide_verdict", "Can approve or reject a verdict proposed by someone else"),
        ]
        indexes = [
            # A claim's verdicts, newest first (review page, history, API, exports).
            models.Index(fields=["claim", "-id"], name="verdict_claim_idx"),
            # The editors' approval queue: pending proposals, oldest first.
            models.Index(fields=["proposed_at"], condition=Q(state="proposed"), name="verdict_pending_idx"),
            # Verdicts decided per day (dashboard), and an editor's own decisions.
            models.Index(fields=["decided_at"], condition=Q(decided_at__isnull=False), name="verdict_decided_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["confirmed", "denied", "unverified"]), name="verdict_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "approved", "rejected", "superseded"]), name="verdict_state_valid"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="verdict_rationale_required"),
            # One pending proposal per claim at a time.
            models.UniqueConstraint(fields=["claim"], condition=Q(state="proposed"), name="verdict_one_pending"),
            # One approved verdict in force per claim.
            models.UniqueConstraint(fields=["claim"], condition=Q(state="approved"), name="verdict_one_approved"),
            # Four eyes: nobody decides their own proposal.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | Q(proposed_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="verdict_four_eyes",
            ),
            # Decided verdicts say who decided and when; pending ones do not.
            models.CheckConstraint(
                condition=Q(state="proposed", decided_at__isnull=True)
                | Q(state__in=["approved", "rejected", "superseded"], decided_at__isnull=False),
                name="verdict_decided_when_decided",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.get_state_display().lower()}) for claim {self.claim_id}"


class AuditEvent(models.Model):
    """One human action (or one machine batch), append-only and hash-chained.

    Each claim has its own chain: events are numbered 1, 2, ... and event n
    is the claim's version after that action. `hash` is the SHA-256 of the
    event's content together with the previous event's hash (review.audit),
    so an edited, removed or reordered event breaks the chain. Machine
    writes go to the "pipeline" chain, one event per batch.
    """

    class Action(models.TextChoices):
        CLAIM_CORRECTED = "claim.corrected", "Claim corrected"
        EVIDENCE_ADDED = "evidence.added", "Evidence added"
        EVIDENCE_REMOVED = "evidence.removed", "Evidence removed"
        SUGGESTION_ACCEPTED = "suggestion.accepted", "Suggested evidence accepted"
        SUGGESTION_DISMISSED = "suggestion.dismissed", "Suggested evidence dismissed"
        VERDICT_PROPOSED = "verdict.proposed", "Verdict proposed"
        VERDICT_REOPENED = "verdict.reopened", "Approved verdict reopened"
        VERDICT_APPROVED = "verdict.approved", "Verdict approved"
        VERDICT_REJECTED = "verdict.rejected", "Verdict rejected"
        VERDICT_IMPORTED = "verdict.imported", "Verdict recorded before verdict records"
        CLAIMS_RETAGGED = "claims.retagged", "Claims pre-tagged again (batch)"

    # "claim:<id>" or "pipeline": the chain this event belongs to.
    chain = models.CharField(max_length=40)
    seq = models.PositiveIntegerField()
    # The claim's id stays readable in its events after an admin deletes the claim.
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="audit_events"
    )
    action = models.CharField(max_length=32, choices=Action)
    # Who, as a name: the hash covers it, and stays valid if the account goes.
    username = models.CharField(max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]
        indexes = [
            # A claim's history in order (review page, API history, verify_audit).
            models.Index(fields=["claim", "seq"], name="audit_claim_idx"),
            # Actions per day and per person (dashboard, an analyst's counts for today).
            models.Index(fields=["username", "created_at"], name="audit_user_day_idx"),
        ]

    def __str__(self):
        return f"{self.chain} #{self.seq}: {self.get_action_display()} by {self.username}"

    def get_absolute_url(self):
        return reverse("admin:review_auditevent_change", args=[self.pk])


class Reservation(models.Model):
    """A claim held for one analyst by "review next": a lease that expires by itself.

    A lease in force (expires_at in the future) keeps the claim out of other
    analysts' queues; an expired one is simply ignored, and overwritten when
    the claim is handed out again. One row per claim at most.
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="reservation")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservations")
    reserved_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            # An analyst's own leases (release on "next" and "skip", the reserved_by_me filter).
            models.Index(fields=["user", "expires_at"], name="reservation_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("reserved_at")), name="reservation_lease_positive"),
        ]

    def __str__(self):
        return f"claim {self.claim_id} reserved by user {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class WebhookEndpoint(models.Model):
    """A client's URL that is told about events, signed with its secret (README, "Webhooks").

    Deliveries carry only what the owner may see: events about claims and
    documents of conflicts the owner's role and conflicts allow.
    """

    class Event(models.TextChoices):
        CLAIM_VERDICT_APPROVED = "claim.verdict_approved", "A verdict was approved"
        CLAIM_UPDATED = "claim.updated", "A person changed a claim (correction, evidence, verdict)"
        DOCUMENT_EXTRACTED = "document.extracted", "A document's claims were extracted"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000, validators=[http_url])
    # Kept as given: signing needs the secret itself, not a digest of it.
    secret = models.CharField(max_length=200)
    events = models.JSONField(default=list)
    # The owner's switch; `disabled_at` is claimdesk's, set after repeated failures.
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The endpoints an event goes to: active and not disabled (every emitted event).
            models.Index(fields=["id"], condition=Q(is_active=True, disabled_at__isnull=True), name="webhook_live_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"), name="webhook_url_http"
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: every attempt's outcome is kept here."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    event = models.CharField(max_length=40, choices=WebhookEndpoint.Event)
    # The event's id, the same for every endpoint it went to: receivers deduplicate on it.
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-id"]
        indexes = [
            # An endpoint's delivery log, newest first (admin inline, API).
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once_per_endpoint"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "delivered", "failed"]), name="webhook_delivery_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.event} to {self.endpoint} ({self.get_status_display().lower()})"


class Dataset(models.Model):
    """An export of claims: who asked for what, what the file holds, and how to prove it.

    The file is kept (MEDIA_ROOT/datasets/) and can be downloaded again; its
    SHA-256 and the combined digest of the audit-chain heads of its claims let
    `manage.py verify_dataset` show later that neither the file nor the
    claims' history changed. Written only through review.exports.services.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSONL = "jsonl", "JSON Lines"
        CLAIMREVIEW = "claimreview", "ClaimReview (JSON-LD)"

    class Status(models.TextChoices):
        # Recorded; the request that made it writes the file now (a direct download, the command).
        PENDING = "pending", "Pending"
        # Waiting for a worker (more claims than CLAIMDESK_EXPORT_ASYNC_ROWS).
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="datasets")
    created_at = models.DateTimeField(auto_now_add=True)
    format = models.CharField(max_length=16, choices=Format)
    # The FilterSet's data as given, {name: [values]}, and the chosen claims' ids for a selection.
    filters = models.JSONField(default=dict, blank=True)
    claim_ids = models.JSONField(null=True, blank=True)
    include_unverified = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    # Claims matching when the export was recorded, and written so far (progress).
    expected_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    extractor_versions = models.JSONField(default=list, blank=True)
    tagger_versions = models.JSONField(default=list, blank=True)
    # SHA-256 over "<claim id>:<head hash of its audit chain>\n" for every row, in file order.
    audit_digest = models.CharField(max_length=64, blank=True)
    conflict_ids = models.JSONField(default=list, blank=True)
    file = models.FileField(upload_to="datasets/", max_length=300, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        permissions = [("export_dataset", "Can export datasets of claims and download them again")]
        indexes = [
            # verify_dataset: the dataset a file's checksum names.
            models.Index(fields=["sha256"], condition=~Q(sha256=""), name="dataset_sha256_idx"),
            # An editor's own exports, newest first (workspace exports page).
            models.Index(fields=["created_by", "-id"], name="dataset_creator_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["csv", "jsonl", "claimreview"]), name="dataset_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "queued", "running", "ready", "failed"]),
                name="dataset_status_valid",
            ),
            # A ready dataset has its file and the proofs that go with it.
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(sha256="") & ~Q(file="") & Q(row_count__isnull=False)),
                name="dataset_ready_has_file",
            ),
        ]

    def __str__(self):
        return f"Dataset {self.pk} ({self.get_format_display()}, {self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("exports:detail", args=[self.pk])

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def progress_percent(self) -> int:
        """Rows written as a share of the rows expected (100 once ready)."""
        if self.status == self.Status.READY:
            return 100
        if not self.expected_rows:
            return 0
        return min(99, self.rows_done * 100 // self.expected_rows)


class DashboardSnapshot(models.Model):
    """The workspace dashboard's aggregates for one scope, recomputed in the background.

    A worker recomputes them (review.refresh_dashboard, queued by a page view
    that finds them more than two minutes old) for every conflict and for all
    of them together, so a page view reads one row instead of scanning the
    claims table.
    """

    # "all", or the ids of the conflicts a user is limited to, sorted: "3" or "3,5".
    scope = models.CharField(max_length=200, unique=True)
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self):
        return f"dashboard for {self.scope} at {self.computed_at:%Y-%m-%d %H:%M}"
