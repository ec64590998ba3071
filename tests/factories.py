import hashlib

import factory

from claims.extraction import EXTRACTOR_VERSION
from claims.models import Actor, Claim, Document


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ministry {n}")
    side = "third_party"
    aliases = factory.LazyAttribute(lambda a: [a.name])


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    text = factory.Sequence(lambda n: f"Report {n}. The ministry said that the bridge was destroyed.")
    sha256 = factory.LazyAttribute(lambda d: hashlib.sha256(d.text.encode()).hexdigest())
    title = factory.Sequence(lambda n: f"Report {n}")
    status = Document.Status.EXTRACTED


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    document = factory.SubFactory(DocumentFactory)
    index = factory.Sequence(lambda n: n)
    sentence = "The ministry said that the bridge was destroyed."
    quote = "the bridge was destroyed"
    start = 23
    end = 47
    claimant = factory.SubFactory(ActorFactory)
    claimant_mention = "The ministry"
    side = "third_party"
    stance = Claim.Stance.ASSERT
    claim_type = Claim.Type.MATERIEL
    extractor_version = EXTRACTOR_VERSION
    tagger_version = "test"
