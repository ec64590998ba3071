"""Claim vocabularies shared by the models, the extractor's output, the API and exports.

Values follow the claim schema (docs/schema.md).
"""

from django.db import models

# The side of every actor that is not a party to the conflict.
THIRD_PARTY = "third_party"


class Stance(models.TextChoices):
    ASSERT = "assert", "Assert"
    DENY = "deny", "Deny"
    CONFIRM = "confirm", "Confirm"


class ClaimType(models.TextChoices):
    # In order of precedence: a claim takes the first type that applies.
    CASUALTIES = "casualties", "Casualties"
    MATERIEL = "materiel", "Materiel"
    TERRITORIAL = "territorial", "Territorial"
    ATTACK = "attack", "Attack"
    CEASEFIRE = "ceasefire", "Ceasefire"
    DIPLOMATIC = "diplomatic", "Diplomatic"
    OTHER = "other", "Other"


class Verdict(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    CONFIRMED = "confirmed", "Confirmed"
    DENIED = "denied", "Denied"


class ReviewState(models.TextChoices):
    """Where a claim's latest verdict stands."""

    UNREVIEWED = "unreviewed", "Unreviewed"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
