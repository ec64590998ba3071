"""Documents, the actors who make claims, and the claims extracted from them."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Expression, F, Q

from claims.enums import THIRD_PARTY, ClaimType, ReviewState, Stance, Verdict

side_validator = RegexValidator(r"^[a-z0-9_]+$", "A side is a lower-case slug such as 'third_party'.")


class Conflict(models.Model):
    """A war or crisis followed in claimdesk: it scopes documents, claims and actors' sides."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    # The belligerent parties, in order: {"party_a": "Ukraine", ...}. Every
    # conflict also has third parties (THIRD_PARTY), which are not listed.
    sides = models.JSONField(default=dict, blank=True)
    # The period the conflict's reporting usually covers (filters, dashboards).
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # Users limited to some conflicts see only those; a user limited to none sees all.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="conflicts", help_text="Users limited to this conflict."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="conflict_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.sides, dict) or not all(
            isinstance(label, str) and label.strip() and side_validator.regex.fullmatch(slug)
            for slug, label in self.sides.items()
        ):
            raise ValidationError({"sides": 'Sides map lower-case slugs to display names: {"party_a": "Ukraine"}.'})

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(slug for slug in self.sides if slug != THIRD_PARTY)

    def side_label(self, side: str) -> str:
        if side == THIRD_PARTY:
            return "third party"
        return self.sides.get(side) or side.replace("_", " ")


class Actor(models.Model):
    """A source of claims, once across conflicts; its side is per conflict (ActorMembership)."""

    name = models.CharField(max_length=200, unique=True)
    conflicts = models.ManyToManyField(Conflict, through="ActorMembership", related_name="actors")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ActorMembership(models.Model):
    """An actor's part in one conflict: its side there and the names it goes by there."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="memberships")
    # Sides are data (one registry per conflict), so they are slugs, not choices.
    side = models.CharField(max_length=64, validators=[side_validator])
    aliases = models.JSONField(default=list, blank=True)
    # True for a source the extractor met that the conflict's registry does not list.
    is_proposed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conflict", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["conflict", "actor"], name="membership_one_per_conflict"),
            models.CheckConstraint(condition=~Q(side=""), name="membership_side_not_empty"),
        ]
        indexes = [
            # The conflict's registry for extraction, and the side filter's choices.
            models.Index(fields=["conflict", "side"], name="membership_conflict_side_idx"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.side}) in {self.conflict}"


class Document(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        EXTRACTING = "extracting", "Extracting"
        EXTRACTED = "extracted", "Extracted"
        FAILED = "failed", "Failed"

    conflict = models.ForeignKey(Conflict, on_delete=models.PROTECT, related_name="documents", db_index=False)
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_date = models.DateField(null=True, blank=True)
    # The file the text came from, when it was ingested from a file.
    source_name = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    # What normalisation had to repair: invalid_utf8, html_stripped, nul_removed...
    input_flags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    error = models.TextField(blank=True)
    extractor_version = models.CharField(max_length=64, blank=True)
    claim_count = models.PositiveIntegerField(default=0)
    # How many times a worker has started extracting this document.
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the latest attempt did not finish (a worker lost, a database cut), kept
    # after a later attempt succeeds; `error` is the reason a document failed.
    last_error = models.TextField(blank=True)
    # While extracting: until when the worker holds the document (claims/leases.py).
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Last time the extraction task was sent to the broker.
    queued_at = models.DateTimeField(null=True, blank=True)
    extraction_started_at = models.DateTimeField(null=True, blank=True)
    extraction_finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # Status filter in the admin, the dashboard's per-status counts and
            # the sweep for documents left pending (queued_at < cutoff).
            models.Index(fields=["status", "queued_at"], name="document_status_idx"),
            # Document list scoped to a conflict, newest first.
            models.Index(fields=["conflict", "-id"], name="document_conflict_idx"),
            # The sweep: documents whose worker stopped renewing its lease.
            models.Index(fields=["lease_expires_at"], condition=Q(status="extracting"), name="document_lease_idx"),
        ]

    def __str__(self):
        return self.title or self.source_name or f"Document {self.pk}"

    @property
    def extraction_seconds(self) -> float | None:
        if self.extraction_started_at and self.extraction_finished_at:
            return (self.extraction_finished_at - self.extraction_started_at).total_seconds()
        return None


class ClaimQuerySet(models.QuerySet):
    def untouched(self):
        """Claims with machine work only: the pipeline may re-tag, replace or delete them.

        tags_corrected covers corrections saved before claims had versions.
        """
        return self.filter(version=0, tags_corrected=False)


# Text search: on PostgreSQL each claim's sentence and claimant mention are kept as a
# tsvector in the column search_document (generated by the database, GIN-indexed:
# migration 0007), which claims.filters reads through SearchDocument.
SEARCH_CONFIG = "english"


class SearchDocument(Expression):
    """The claim's stored search document, a column Django does not manage.

    A generated column is written by PostgreSQL alone, so it is no model field
    (Django would insert into it and read it with every claim); this names it
    on the query's own claims table, whatever alias a subquery gives that.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.search_document", []


class Claim(models.Model):
    """A proposition a document attributes to a source (see docs/schema.md)."""

    Stance = Stance
    Type = ClaimType
    Verdict = Verdict
    ReviewState = ReviewState

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="claims", db_index=False)
    # The document's conflict, kept on the claim so a conflict filter is one index.
    conflict = models.ForeignKey(Conflict, on_delete=models.PROTECT, related_name="claims", db_index=False)
    # Position in the document at extraction time (document order).
    index = models.PositiveIntegerField()
    # What the claim is, as the engine found it: "start-end:stance:claimant", with
    # "#2", "#3" for a second or third claim alike in the same document. Kept
    # through corrections, so re-extraction finds the same claim again (claims.storing).
    # Blank for claims the engine did not make (generated, made by hand).
    identity = models.CharField(max_length=255, blank=True, editable=False)
    sentence = models.TextField()
    quote = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    claimant = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="claims", db_index=False
    )
    claimant_mention = models.CharField(max_length=500, blank=True)
    side = models.CharField(max_length=64, blank=True, validators=[side_validator])
    # Type and stance stay blank until pre-tagging sets them.
    stance = models.CharField(max_length=16, choices=Stance, blank=True)
    claim_type = models.CharField(max_length=16, choices=Type, blank=True)
    event_date = models.DateField(null=True, blank=True)
    time = models.TimeField(null=True, blank=True)
    locations = models.JSONField(default=list, blank=True)
    responds_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses")
    extractor_version = models.CharField(max_length=64)
    tagger_version = models.CharField(max_length=64, blank=True)
    confidence = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0.0)])
    # A person corrected type or stance: machines never overwrite them again.
    tags_corrected = models.BooleanField(default=False)
    # The fields a person corrected (claim_correct); they win over the engine's.
    corrected_fields = models.JSONField(default=list, blank=True)
    # The decision of the approved verdict in force; blank until one is approved.
    verdict = models.CharField(max_length=16, choices=Verdict, blank=True)
    # Where the claim's latest verdict stands (the one status machine of review).
    review_state = models.CharField(max_length=16, choices=ReviewState, default=ReviewState.UNREVIEWED)
    # Goes up by one with every human write (and its audit event); 0 = machine work only.
    version = models.PositiveIntegerField(default=0)
    # A claim the latest extraction of its document no longer finds, kept because a
    # person worked on it or another record refers to it.
    is_stale = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        permissions = [("correct_claim", "Can correct a claim's claimant, tags, dates and places")]
        indexes = [
            # A document's claims in text order (document page, re-extraction, exports).
            models.Index(fields=["document", "start"], name="claim_document_idx"),
            # Claim list filtered by side and stance, newest first (admin, API).
            models.Index(fields=["side", "stance", "-id"], name="claim_side_stance_idx"),
            # Claim list filtered by stance alone, newest first (admin, API).
            models.Index(fields=["stance", "-id"], name="claim_stance_idx"),
            # Claim list filtered by verdict, newest first (admin, API, exports).
            models.Index(fields=["verdict", "-id"], name="claim_verdict_idx"),
            # Claim list filtered by review state, newest first (review queue, admin, API).
            models.Index(fields=["review_state", "-id"], name="claim_review_state_idx"),
            # Review queue, least certain first: unreviewed claims by confidence.
            models.Index(fields=["review_state", "confidence", "id"], name="claim_review_confidence_idx"),
            # Claim list scoped to a conflict, newest first (every list).
            models.Index(fields=["conflict", "-id"], name="claim_conflict_idx"),
            # Incremental sync: changes since a point, in (updated_at, id) order (API).
            models.Index(fields=["updated_at", "id"], name="claim_updated_idx"),
            # Claim list filtered by type, newest first (admin, API).
            models.Index(fields=["claim_type", "-id"], name="claim_type_idx"),
            # Claim list filtered by claimant, newest first (admin, API).
            models.Index(fields=["claimant", "-id"], name="claim_claimant_idx"),
            # Claim list filtered or drilled down by event date (admin date hierarchy, API ranges).
            models.Index(fields=["event_date", "-id"], name="claim_event_date_idx"),
            # Work queue: claims still waiting for pre-tagging (the sweep).
            models.Index(fields=["id"], condition=Q(tagger_version=""), name="claim_untagged_idx"),
            # On PostgreSQL also claim_search_idx, a GIN index on the stored search
            # document (SearchDocument) for text search (changelist, queue, API `q`),
            # made by migration 0007 only there: SQLite falls back to a plain match.
        ]
        constraints = [
            # One claim per identity in a document; its index also serves re-extraction's match.
            models.UniqueConstraint(
                fields=["document", "identity"], condition=~Q(identity=""), name="claim_identity_unique"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="claim_offsets_ordered"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="claim_confidence_range",
            ),
            models.CheckConstraint(condition=Q(stance__in=["", *Stance.values]), name="claim_stance_valid"),
            models.CheckConstraint(condition=Q(claim_type__in=["", *ClaimType.values]), name="claim_type_valid"),
            models.CheckConstraint(condition=Q(verdict__in=["", *Verdict.values]), name="claim_verdict_valid"),
            models.CheckConstraint(condition=Q(review_state__in=ReviewState.values), name="claim_review_state_valid"),
            # An approved verdict is in force in state approved, never before a first
            # approval; a reopened claim keeps it while the new proposal is pending.
            models.CheckConstraint(
                condition=Q(review_state=ReviewState.APPROVED, verdict__gt="")
                | Q(review_state__in=[ReviewState.UNREVIEWED, ReviewState.REJECTED], verdict="")
                | Q(review_state=ReviewState.PROPOSED),
                name="claim_verdict_matches_state",
            ),
        ]

    def __str__(self):
        who = self.claimant_mention or "unattributed"
        return f"{who}: {self.quote[:80]}"

    @property
    def has_human_work(self) -> bool:
        """A person corrected, reviewed or added evidence: machines never delete or overwrite it."""
        return self.version > 0 or self.tags_corrected

    @property
    def is_verified(self) -> bool:
        """An approved verdict is in force."""
        return bool(self.verdict)

    @property
    def is_tagged(self) -> bool:
        return bool(self.tagger_version)


class ClaimTombstone(models.Model):
    """A claim that no longer exists: what incremental-sync clients delete on their side.

    Written for every deleted claim row, whatever deleted it (re-extraction, an
    admin deleting a document or a claim), by claims.signals. The claim's id is a
    plain integer, not a key: the row it named is gone.
    """

    claim_id = models.BigIntegerField()
    document_id = models.BigIntegerField()
    conflict_id = models.BigIntegerField()
    # Why it went: "reextracted" (the engine no longer finds it) or "deleted".
    reason = models.CharField(max_length=32)
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deleted_at", "id"]
        indexes = [
            # The tombstone feed: deletions since a point, in (deleted_at, id) order.
            models.Index(fields=["deleted_at", "id"], name="tombstone_deleted_idx"),
        ]

    def __str__(self):
        return f"Claim {self.claim_id} ({self.reason})"
