import hashlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.extraction import EXTRACTOR_VERSION
from claims.models import Actor, ActorMembership, Claim, Conflict, Document


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Conflict {n}")
    slug = factory.Sequence(lambda n: f"conflict-{n}")
    sides = factory.LazyFunction(lambda: {"north": "Northland", "south": "Southland"})


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ministry {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorMembership

    actor = factory.SubFactory(ActorFactory)
    conflict = factory.SubFactory(ConflictFactory)
    side = "third_party"
    aliases = factory.LazyAttribute(lambda m: [m.actor.name])


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    conflict = factory.SubFactory(ConflictFactory)
    text = factory.Sequence(lambda n: f"Report {n}. The ministry said that the bridge was destroyed.")
    sha256 = factory.LazyAttribute(lambda d: hashlib.sha256(d.text.encode()).hexdigest())
    title = factory.Sequence(lambda n: f"Report {n}")
    status = Document.Status.EXTRACTED


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    document = factory.SubFactory(DocumentFactory)
    conflict = factory.LazyAttribute(lambda c: c.document.conflict)
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


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `roles=["analyst"]` puts them in those role groups (made by migration)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "a-test-password-1")

    @factory.post_generation
    def roles(self, create, names, **kwargs):
        if names:
            self.groups.add(*Group.objects.filter(name__in=names))
        self.save()
