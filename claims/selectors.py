"""Reads: the actor registry for extraction, queue and status figures."""

import logging
import threading

from django.db.models import Count, Max
from kombu.exceptions import ChannelError

from claims.extraction import Registry
from claims.models import Actor, Document

logger = logging.getLogger(__name__)

_registry_lock = threading.Lock()
_registry_cache: dict = {"key": None, "registry": None}


def actor_registry() -> Registry:
    """The registry as stored in the database, rebuilt only when actors change.

    Proposed actors are left out: they are the extractor's guesses, not data
    a person has vouched for.
    """
    listed = Actor.objects.filter(is_proposed=False)
    key = tuple(listed.aggregate(n=Count("id"), latest=Max("updated_at")).values())
    with _registry_lock:
        if _registry_cache["key"] != key:
            records = listed.order_by("pk").values("name", "side", "aliases")
            _registry_cache["registry"] = Registry.from_records(list(records))
            _registry_cache["key"] = key
        return _registry_cache["registry"]


def broker_queue_length(queue: str = "celery") -> int | None:
    """Messages waiting in the broker's queue: 0 in eager mode, None if unreachable."""
    from config.celery import app

    if app.conf.task_always_eager:
        return 0
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
