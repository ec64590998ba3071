"""Reads: conflicts and their registries, what a user may see, queue and status figures."""

import logging
import threading

from django.db.models import Count, F, Max, QuerySet
from kombu.exceptions import ChannelError

from claims.extraction import Registry
from claims.models import ActorMembership, Claim, Conflict, Document

logger = logging.getLogger(__name__)

_registry_lock = threading.Lock()
# conflict id -> (key the registry was built for, registry)
_registry_cache: dict[int, tuple[tuple, Registry]] = {}


def actor_registry(conflict: Conflict | int) -> Registry:
    """A conflict's registry as stored in the database, rebuilt only when it changes.

    Proposed actors are left out: they are the extractor's guesses, not data
    a person has vouched for.
    """
    conflict = conflict if isinstance(conflict, Conflict) else Conflict.objects.get(pk=conflict)
    listed = ActorMembership.objects.filter(conflict=conflict, is_proposed=False)
    key = (*listed.aggregate(n=Count("id"), latest=Max("updated_at")).values(), conflict.updated_at)
    with _registry_lock:
        cached = _registry_cache.get(conflict.pk)
        if cached is None or cached[0] != key:
            records = listed.order_by("pk").values("side", "aliases", name=F("actor__name"))
            cached = (key, Registry.from_records(list(records), parties=conflict.parties))
            _registry_cache[conflict.pk] = cached
        return cached[1]


def visible_conflict_ids(user) -> set[int] | None:
    """The conflicts `user` may see: None for all, else their ids (maybe none).

    A user listed as a member of some conflicts sees only those; one listed
    in none sees all. Superusers see all.
    """
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    cached = getattr(user, "_claimdesk_conflicts", False)
    if cached is False:
        ids = set(Conflict.members.through.objects.filter(user_id=user.pk).values_list("conflict_id", flat=True))
        cached = ids or None
        user._claimdesk_conflicts = cached
    return cached


def claims_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The claims `user` may see: none without the view permission, else their conflicts'."""
    queryset = Claim.objects.all() if queryset is None else queryset
    if not user.has_perm("claims.view_claim"):
        return queryset.none()
    allowed = visible_conflict_ids(user)
    return queryset if allowed is None else queryset.filter(conflict_id__in=allowed)


def documents_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Document.objects.all() if queryset is None else queryset
    if not user.has_perm("claims.view_document"):
        return queryset.none()
    allowed = visible_conflict_ids(user)
    return queryset if allowed is None else queryset.filter(conflict_id__in=allowed)


def user_may_see_claim(user, claim: Claim) -> bool:
    allowed = visible_conflict_ids(user)
    return user.has_perm("claims.view_claim") and (allowed is None or claim.conflict_id in allowed)


def broker_queue_length(queue: str | None = None) -> int | None:
    """Messages waiting in the broker's queue (the default one): 0 in eager mode, None if unreachable."""
    from config.celery import app

    if app.conf.task_always_eager:
        return 0
    queue = queue or app.conf.task_default_queue
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            return connection.default_channel.queue_declare(queue=queue, passive=True).message_count
    except ChannelError:
        return 0  # the broker drops a queue once it is empty
    except Exception as exc:  # noqa: BLE001 - any broker failure reads as "unknown"
        logger.warning("Cannot read the length of queue %r: %s", queue, exc)
        return None


def document_status_counts() -> dict[str, int]:
    """Documents per status (one grouped query on the status index)."""
    rows = Document.objects.order_by().values_list("status").annotate(n=Count("id"))
    counts = dict.fromkeys(Document.Status.values, 0)
    counts.update(dict(rows))
    return counts
