"""What the API shows and accepts; thin: the services validate the rules."""

import datetime
from collections import defaultdict
from types import SimpleNamespace

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.enums import ClaimType, ReviewState, Stance
from claims.models import Actor, ActorMembership, Claim, ClaimTombstone, Document
from review.api.statements import row_reader, statement_cursor
from review.models import AuditEvent, Evidence, Verdict, WebhookDelivery, WebhookEndpoint

# The claim columns a page reads: never the document's text (it can be 20 MiB).
CLAIM_COLUMNS = (
    "id",
    "document_id",
    "conflict_id",
    "index",
    "sentence",
    "quote",
    "start",
    "end",
    "claimant_id",
    "claimant_mention",
    "side",
    "stance",
    "claim_type",
    "event_date",
    "time",
    "locations",
    "responds_to_id",
    "extractor_version",
    "confidence",
    "verdict",
    "review_state",
    "version",
    "is_stale",
    "created_at",
    "updated_at",
    "document__id",
    "document__title",
    "document__url",
    "document__source_name",
    "claimant__id",
    "claimant__name",
)


def claim_queryset():
    """Claims with what a page shows; on PostgreSQL each row brings its answers' ids (one query a page)."""
    claims = Claim.objects.select_related("document", "claimant").only(*CLAIM_COLUMNS)
    if connection.vendor == "postgresql":
        answers = Claim.objects.filter(responds_to=OuterRef("pk")).order_by("id").values("id")
        claims = claims.annotate(answer_list=ArraySubquery(answers))
    return claims


class ClaimRow(SimpleNamespace):
    """A claim of a page as plain values, read by claim_data as a Claim is."""

    is_verified = property(Claim.is_verified.fget)


def _page_columns() -> tuple[str, list]:
    """The select list of CLAIM_COLUMNS over claims c, documents d and actors a, and their fields."""
    tables = {"document": "d", "claimant": "a"}
    columns, fields = [], []
    for name in CLAIM_COLUMNS:
        model, table, field_name = Claim, "c", name
        if "__" in name:
            relation, field_name = name.split("__")
            model, table = Claim._meta.get_field(relation).related_model, tables[relation]
        field = next(f for f in model._meta.concrete_fields if field_name in (f.name, f.attname))
        columns.append(f"{table}.{connection.ops.quote_name(field.column)}")
        fields.append(field)
    return ", ".join(columns), fields


PAGE_COLUMNS, PAGE_FIELDS = _page_columns()
# A page's claims by id with their documents, claimants and answers' ids: a constant
# statement, prepared (review.api.statements), where building the same query through
# the ORM cost more than PostgreSQL took to run it.
PAGE_ROWS = f"""
SELECT {PAGE_COLUMNS},
       ARRAY(SELECT r.id FROM {Claim._meta.db_table} r WHERE r.responds_to_id = c.id ORDER BY r.id)
FROM {Claim._meta.db_table} c
JOIN {Document._meta.db_table} d ON d.id = c.document_id
LEFT JOIN {Actor._meta.db_table} a ON a.id = c.claimant_id
WHERE c.id = ANY(CAST(%s AS bigint[]))
"""  # noqa: S608 - names from the models


def _positions(prefix: str | None) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The names (without the prefix) and positions in CLAIM_COLUMNS of a relation's columns, or the claim's own."""
    if prefix is None:
        found = [(name, at) for at, name in enumerate(CLAIM_COLUMNS) if "__" not in name]
    else:
        found = [(name.removeprefix(prefix), at) for at, name in enumerate(CLAIM_COLUMNS) if name.startswith(prefix)]
    names, positions = zip(*found, strict=True)
    return names, positions


# Where a page row's values go, found once: the claim's own fields, its document's, its claimant's.
PAGE_OWN, PAGE_DOCUMENT, PAGE_CLAIMANT = (_positions(p) for p in (None, "document__", "claimant__"))


def _take(row, columns: tuple[tuple[str, ...], tuple[int, ...]]) -> dict:
    names, positions = columns
    return dict(zip(names, [row[at] for at in positions], strict=True))


def page_claims(ids: list[int], request) -> list[ClaimRow]:
    """The claims `ids` (a page, in that order) as ClaimRows, with answers and evidence as with_related gives."""
    if not ids:
        return []
    found = _page_rows(ids)
    evidence = _evidence_of(ids) if may_see_evidence(request) else None
    claims = []
    for pk in ids:
        if pk not in found:
            continue  # deleted between the page's keys and its rows
        row, answer_ids = found[pk]
        claims.append(
            ClaimRow(
                **_take(row, PAGE_OWN),
                pk=pk,
                document=SimpleNamespace(**_take(row, PAGE_DOCUMENT)),
                claimant=SimpleNamespace(**_take(row, PAGE_CLAIMANT)),
                answer_ids=answer_ids,
                active_evidence=None if evidence is None else evidence[pk],
            )
        )
    return claims


def _page_rows(ids: list[int]) -> dict[int, tuple[list, list[int]]]:
    """Each claim's CLAIM_COLUMNS values and its answers' ids, by claim id."""
    if connection.vendor == "postgresql":
        read = row_reader(PAGE_FIELDS)
        with statement_cursor() as cursor:
            cursor.execute(PAGE_ROWS, [ids])
            return {row[0]: (read(row[:-1]), row[-1]) for row in cursor.fetchall()}
    answers = defaultdict(list)
    for answered, pk in Claim.objects.filter(responds_to_id__in=ids).order_by("id").values_list("responds_to_id", "id"):
        answers[answered].append(pk)
    return {row[0]: (row, answers[row[0]]) for row in Claim.objects.filter(pk__in=ids).values_list(*CLAIM_COLUMNS)}


def _evidence_of(ids: list[int]) -> dict[int, list[Evidence]]:
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(claim_id__in=ids, removed_at__isnull=True).order_by("claim_id", "id"):
        evidence[item.claim_id].append(item)
    return evidence


def may_see_evidence(request) -> bool:
    return request is not None and request.user.has_perm("review.view_evidence")


def with_related(claims: list[Claim], request) -> list[Claim]:
    """Attach each claim's answers (and evidence, for roles that see it): one query each for the page."""
    ids = [claim.pk for claim in claims]
    answers = defaultdict(list)
    if ids and not all(hasattr(claim, "answer_list") for claim in claims):
        rows = Claim.objects.filter(responds_to_id__in=ids).order_by("id").values_list("responds_to_id", "id")
        for answered, pk in rows:
            answers[answered].append(pk)
    show_evidence = may_see_evidence(request)
    evidence = _evidence_of(ids) if ids and show_evidence else {}
    for claim in claims:
        claim.answer_ids = claim.answer_list if hasattr(claim, "answer_list") else answers[claim.pk]
        claim.active_evidence = evidence[claim.pk] if show_evidence else None
    return claims


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "url",
            "outlet",
            "title",
            "excerpt",
            "published",
            "accessed",
            "relation",
            "independent",
            "source_claim",
            "created_at",
        ]
        read_only_fields = fields


class EvidenceInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="The source's address: http:// or https:// only.")
    outlet = serializers.CharField(max_length=200)
    relation = serializers.ChoiceField(choices=Evidence.Relation.choices)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    excerpt = serializers.CharField(required=False, allow_blank=True, default="", max_length=100_000)
    published = serializers.DateField(required=False, allow_null=True, default=None)
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2**31 - 1
    )


class ClaimantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    side = serializers.CharField(help_text="The claimant's side in the claim's conflict (as on the claim).")


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class ClaimSerializer(serializers.ModelSerializer):
    doc = serializers.SerializerMethodField(help_text="File name of the source document (docs/schema.md).")
    claimant = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    time = serializers.TimeField(format="%H:%M", allow_null=True, read_only=True)
    responds_to = serializers.IntegerField(source="responds_to_id", allow_null=True, read_only=True)
    answers = serializers.SerializerMethodField(help_text="Ids of the claims that deny or confirm this one.")
    verified = serializers.SerializerMethodField(help_text="An approved verdict is in force.")
    evidence = serializers.SerializerMethodField(
        help_text="Active evidence; present only for roles that may see evidence (analyst, editor, admin)."
    )
    stance = serializers.ChoiceField(choices=[("", "untagged"), *Stance.choices], read_only=True)
    claim_type = serializers.ChoiceField(choices=[("", "untagged"), *ClaimType.choices], read_only=True)
    verdict = serializers.ChoiceField(choices=[("", "none"), *Claim.Verdict.choices], read_only=True)
    review_state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "doc",
            "index",
            "sentence",
            "quote",
            "start",
            "end",
            "claimant_mention",
            "claimant",
            "side",
            "stance",
            "claim_type",
            "event_date",
            "time",
            "locations",
            "responds_to",
            "answers",
            "document",
            "conflict",
            "review_state",
            "verdict",
            "verified",
            "evidence",
            "is_stale",
            "extractor_version",
            "confidence",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_doc(self, claim) -> str:
        document = claim.document
        return document.source_name or document.title

    @extend_schema_field(ClaimantSerializer(allow_null=True))
    def get_claimant(self, claim):
        if claim.claimant_id is None:
            return None
        return {"id": claim.claimant.id, "name": claim.claimant.name, "side": claim.side}

    @extend_schema_field(DocumentRefSerializer)
    def get_document(self, claim):
        document = claim.document
        return {"id": document.id, "title": document.title, "url": document.url}

    def get_answers(self, claim) -> list[int]:
        return claim.answer_ids

    def get_verified(self, claim) -> bool:
        return claim.is_verified

    @extend_schema_field(EvidenceSerializer(many=True, allow_null=True))
    def get_evidence(self, claim):
        if claim.active_evidence is None:
            return None
        return EvidenceSerializer(claim.active_evidence, many=True).data

    def to_representation(self, claim):
        data = super().to_representation(claim)
        if claim.active_evidence is None:
            del data["evidence"]
        return data


def _iso(value):
    """A date-time as DRF writes it (UTC, `Z`), or None."""
    if value is None:
        return None
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def claim_data(claim: Claim) -> dict:
    """A claim as ClaimSerializer describes it, built directly: a page of 50 is the API's hot path.

    The schema (ClaimSerializer) and this function are kept equal by the
    schemathesis test, which validates every answer against the schema.
    """
    document = claim.document
    data = {
        "id": claim.pk,
        "doc": document.source_name or document.title,
        "index": claim.index,
        "sentence": claim.sentence,
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "claimant_mention": claim.claimant_mention,
        "claimant": None
        if claim.claimant_id is None
        else {"id": claim.claimant.id, "name": claim.claimant.name, "side": claim.side},
        "side": claim.side,
        "stance": claim.stance,
        "claim_type": claim.claim_type,
        "event_date": claim.event_date.isoformat() if claim.event_date else None,
        "time": claim.time.strftime("%H:%M") if claim.time else None,
        "locations": claim.locations,
        "responds_to": claim.responds_to_id,
        "answers": claim.answer_ids,
        "document": {"id": document.id, "title": document.title, "url": document.url},
        "conflict": claim.conflict_id,
        "review_state": claim.review_state,
        "verdict": claim.verdict,
        "verified": claim.is_verified,
        "is_stale": claim.is_stale,
        "extractor_version": claim.extractor_version,
        "confidence": claim.confidence,
        "version": claim.version,
        "created_at": _iso(claim.created_at),
        "updated_at": _iso(claim.updated_at),
    }
    if claim.active_evidence is not None:
        data["evidence"] = EvidenceSerializer(claim.active_evidence, many=True).data
    return data


class ClaimCorrectionSerializer(serializers.Serializer):
    """A correction: `expected_version` and the fields to change (claim_correct's rules apply)."""

    expected_version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    claimant = serializers.CharField(required=False, allow_null=True, help_text="An actor's id or exact name.")
    claimant_mention = serializers.CharField(required=False, allow_blank=True, max_length=500)
    side = serializers.CharField(required=False, max_length=64)
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    claim_type = serializers.ChoiceField(choices=ClaimType.choices, required=False)
    event_date = serializers.DateField(required=False, allow_null=True)
    time = serializers.TimeField(required=False, allow_null=True)
    locations = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=100)

    def validate_claimant(self, value):
        if value is None:
            return None
        if value.isdigit():
            if int(value) > 2**63 - 1:
                raise serializers.ValidationError("No such actor.")
            return int(value)
        return value

    def validate(self, attrs):
        if len(attrs) == 1:
            raise serializers.ValidationError("Name at least one field to correct.")
        return attrs


class VerdictSerializer(serializers.ModelSerializer):
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "decision",
            "rationale",
            "state",
            "proposed_by",
            "proposed_at",
            "claim_version",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class VerdictInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Verdict.Decision.choices)
    rationale = serializers.CharField(max_length=20_000)
    expected_version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)


class VerdictDecisionSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2**31 - 1
    )


class VerdictRejectSerializer(VerdictDecisionSerializer):
    reason = serializers.CharField(max_length=20_000)


class ChangeSerializer(serializers.ModelSerializer):
    """One audit event: who did what, before and after, and its link in the claim's hash chain."""

    before = serializers.JSONField()
    after = serializers.JSONField()

    class Meta:
        model = AuditEvent
        fields = ["seq", "action", "username", "created_at", "before", "after", "prev_hash", "hash"]
        read_only_fields = fields


class HistorySerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    version = serializers.IntegerField()
    head = serializers.CharField(help_text="Hash of the latest event (64 zeros for a claim nobody touched).")
    intact = serializers.BooleanField(help_text="The chain recomputes: no event was edited, removed or reordered.")
    broken = serializers.CharField(allow_null=True, help_text="The first broken link, when not intact.")
    events = ChangeSerializer(many=True)


class TombstoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimTombstone
        fields = ["id", "claim_id", "document_id", "reason", "deleted_at"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    conflict = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.CharField(read_only=True, help_text="The address the document was published at.")
    href = serializers.SerializerMethodField(help_text="This document in the API.")

    class Meta:
        model = Document
        fields = [
            "id",
            "href",
            "title",
            "url",
            "publisher",
            "published_date",
            "source_name",
            "conflict",
            "status",
            "error",
            "claim_count",
            "input_flags",
            "extractor_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_href(self, document) -> str:
        from django.urls import reverse

        path = reverse("api:document-detail", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


DOCUMENT_COLUMNS = [name for name in DocumentSerializer.Meta.fields if name not in ("href", "conflict")]


class DocumentInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The document's text (or send `file` instead)."
    )
    file = serializers.FileField(required=False, help_text="The document as a file (multipart/form-data).")
    title = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000, default="")
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    published_date = serializers.DateField(required=False, allow_null=True, default=None)
    conflict = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The conflict's slug; needed when there are several."
    )

    def validate(self, attrs):
        if ("text" in attrs) == ("file" in attrs):
            raise serializers.ValidationError("Send the document either as `text` or as `file`, not both or neither.")
        return attrs


class MembershipSerializer(serializers.ModelSerializer):
    conflict = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ActorMembership
        fields = ["conflict", "side", "aliases", "is_proposed"]
        read_only_fields = fields


class ActorSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["id", "name", "memberships", "updated_at"]
        read_only_fields = fields


class ActorInputSerializer(serializers.Serializer):
    """An actor of one conflict's registry, as `load_actors` reads it: created or updated."""

    conflict = serializers.CharField(help_text="The conflict's slug.")
    name = serializers.CharField(max_length=200)
    side = serializers.CharField(max_length=64)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=200)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices), min_length=1, max_length=10
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        min_length=16,
        max_length=200,
        help_text="Shared secret for the signature; generated and shown once when left out.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "secret",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
        ]
        read_only_fields = ["id", "disabled_at", "disabled_reason", "consecutive_failures", "created_at"]

    def validate_url(self, value):
        if not value.startswith(("http://", "https://")):
            raise serializers.ValidationError("Enter an http:// or https:// address.")
        return value

    def validate_events(self, value):
        return list(dict.fromkeys(value))


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_id",
            "status",
            "attempts",
            "response_status",
            "error",
            "created_at",
            "last_attempt_at",
        ]
        read_only_fields = fields


class TokenCheckSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    read_only = serializers.BooleanField()
