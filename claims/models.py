"""Documents, the actors who make claims, and the claims extracted from them."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from claims.enums import ClaimType, Stance, Verdict

side_validator = RegexValidator(r"^[a-z0-9_]+$", "A side is a lower-case slug such as 'third_party'.")


class Actor(models.Model):
    """A source of claims. Loaded from the registry, or proposed by extraction."""

    name = models.CharField(max_length=200, unique=True)
    # Sides are data (one registry per conflict), so they are slugs, not choices.
    side = models.CharField(max_length=64, validators=[side_validator])
    aliases = models.JSONField(default=list, blank=True)
    # True for a source the extractor met that the registry does not list.
    is_proposed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(side=""), name="actor_side_not_empty"),
        ]

    def __str__(self):
        return self.name


class Document(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        EXTRACTING = "extracting", "Extracting"
        EXTRACTED = "extracted", "Extracted"
        FAILED = "failed", "Failed"

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
        ]

    def __str__(self):
        return self.title or self.source_name or f"Document {self.pk}"

    @property
    def extraction_seconds(self) -> float | None:
        if self.extraction_started_at and self.extraction_finished_at:
            return (self.extraction_finished_at - self.extraction_started_at).total_seconds()
        return None


class Claim(models.Model):
    """A proposition a document attributes to a source (see docs/schema.md)."""

    Stance = Stance
    Type = ClaimType
    Verdict = Verdict

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="claims", db_index=False)
    # Position in the document at extraction time (document order).
    index = models.PositiveIntegerField()
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
    verdict = models.CharField(max_length=16, choices=Verdict, default=Verdict.UNVERIFIED)
    # A reviewed claim that the latest extraction of its document no longer finds.
    is_stale = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # A document's claims in text order (document page, re-extraction, exports).
            models.Index(fields=["document", "start"], name="claim_document_idx"),
            # Claim list filtered by side and stance, newest first (admin, API).
            models.Index(fields=["side", "stance", "-id"], name="claim_side_stance_idx"),
            # Claim list filtered by stance alone, newest first (admin, API).
            models.Index(fields=["stance", "-id"], name="claim_stance_idx"),
            # Claim list filtered by verdict, newest first (review queue, admin, API).
            models.Index(fields=["verdict", "-id"], name="claim_verdict_idx"),
            # Claim list filtered by type, newest first (admin, API).
            models.Index(fields=["claim_type", "-id"], name="claim_type_idx"),
            # Claim list filtered by claimant, newest first (admin, API).
            models.Index(fields=["claimant", "-id"], name="claim_claimant_idx"),
            # Claim list filtered or drilled down by event date (admin date hierarchy, API ranges).
            models.Index(fields=["event_date", "-id"], name="claim_event_date_idx"),
            # Work queue: claims still waiting for pre-tagging (the sweep).
            models.Index(fields=["id"], condition=Q(tagger_version=""), name="claim_untagged_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="claim_offsets_ordered"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="claim_confidence_range",
            ),
            models.CheckConstraint(condition=Q(stance__in=["", *Stance.values]), name="claim_stance_valid"),
            models.CheckConstraint(condition=Q(claim_type__in=["", *ClaimType.values]), name="claim_type_valid"),
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="claim_verdict_valid"),
        ]

    def __str__(self):
        who = self.claimant_mention or "unattributed"
        return f"{who}: {self.quote[:80]}"

    @property
    def is_reviewed(self) -> bool:
        return self.verdict != self.Verdict.UNVERIFIED

    @property
    def is_tagged(self) -> bool:
        return bool(self.tagger_version)
