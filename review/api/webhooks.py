"""Webhook events: what happened, to whom it goes, and how it is signed.

Events are emitted after the write that caused them commits
(transaction.on_commit), one delivery row per subscribed endpoint whose
owner may see the claim or document, each sent by a Celery task
(review.api.tasks). A payload is thin: ids, the new state and the API URL
to read the rest from, with the client's own token.

Signature (README, "Webhooks"): the header

    Claimdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

over the exact bytes of the body. Receivers recompute it, compare in
constant time and refuse timestamps older than a few minutes.
"""

import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from claims.selectors import visible_conflict_ids
from review.models import AuditEvent, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

Event = WebhookEndpoint.Event
SIGNATURE_HEADER = "Claimdesk-Signature"
EVENT_HEADER = "Claimdesk-Event"
DELIVERY_HEADER = "Claimdesk-Delivery"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (the README has the same lines): True for a genuine, recent delivery."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _absolute(path: str) -> str:
    return settings.CLAIMDESK_SITE_URL.rstrip("/") + path


# --- emitting -------------------------------------------------------------------------


def on_claim_event(event: AuditEvent, claim) -> None:
    """Called for every audit event a service records: claim.updated, and claim.verdict_approved."""
    data = {
        "claim_id": claim.pk,
        "version": claim.version,
        "action": event.action,
        "review_state": claim.review_state,
        "verdict": claim.verdict,
        "href": _absolute(reverse("api:claim-detail", args=[claim.pk])),
    }
    conflict_id = claim.conflict_id
    transaction.on_commit(lambda: emit(Event.CLAIM_UPDATED, data, conflict_id=conflict_id))
    if event.action == AuditEvent.Action.VERDICT_APPROVED:
        approved = {**data, "verdict_id": event.after.get("verdict_id"), "approved_by": event.username}
        transaction.on_commit(lambda: emit(Event.CLAIM_VERDICT_APPROVED, approved, conflict_id=conflict_id))


def on_document_extracted(sender, *, document_id: int, **kwargs) -> None:
    from claims.models import Document

    document = Document.objects.filter(pk=document_id).values("conflict_id", "status", "claim_count").first()
    if document is None:
        return
    data = {
        "document_id": document_id,
        "status": document["status"],
        "claim_count": document["claim_count"],
        "href": _absolute(reverse("api:document-detail", args=[document_id])),
        "claims": _absolute(reverse("api:claim-list") + f"?document={document_id}"),
    }
    emit(Event.DOCUMENT_EXTRACTED, data, conflict_id=document["conflict_id"])


def _may_see(owner, conflict_id: int) -> bool:
    if not (owner.is_active and owner.has_perm("claims.view_claim")):
        return False
    allowed = visible_conflict_ids(owner)
    return allowed is None or conflict_id in allowed


def emit(event: str, data: dict, *, conflict_id: int) -> list[WebhookDelivery]:
    """Record one delivery per endpoint subscribed to `event` that may see it, and queue them."""
    live = WebhookEndpoint.objects.filter(is_active=True, disabled_at__isnull=True).select_related("owner")
    endpoints = [e for e in live if event in e.events and _may_see(e.owner, conflict_id)]
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    payload = {"id": str(event_id), "event": event, "created_at": timezone.now().isoformat(), "data": data}
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=event, event_id=event_id, payload=payload) for e in endpoints]
    )
    for delivery in deliveries:
        queue(delivery.pk)
    return deliveries


def queue(delivery_id: int, *, countdown: float | None = None) -> bool:
    """Send the delivery task; False when it cannot wait `countdown` seconds or the broker is down.

    Without a broker tasks run in-process, at once: a retry that should wait
    would run inside the request that caused the event, so it is not made.
    """
    from config.celery import app
    from review.api.tasks import deliver_webhook

    if countdown and app.conf.task_always_eager:
        return False
    try:
        deliver_webhook.apply_async(kwargs={"delivery_id": delivery_id}, countdown=countdown)
    except OperationalError as exc:
        logger.warning("Broker unreachable, webhook delivery %s waits: %s", delivery_id, exc)
        return False
    return True


# --- delivering -----------------------------------------------------------------------


def max_attempts() -> int:
    return settings.CLAIMDESK_WEBHOOK_MAX_ATTEMPTS


def backoff_seconds(attempt: int) -> float:
    """Wait before attempt `attempt + 1`: the base, doubled after every failed attempt."""
    return settings.CLAIMDESK_WEBHOOK_BACKOFF_SECONDS * 2 ** (attempt - 1)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer other than 2xx: the attempt failed


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
    try:
        with _opener.open(request, timeout=settings.CLAIMDESK_WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(65536)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def delivery_attempt(*, delivery_id: int) -> str:
    """Make the next attempt of a pending delivery; queue the one after it, or give up.

    Idempotent: the attempt is claimed with a conditional update, so a
    message delivered twice makes one attempt.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        logger.info("Webhook delivery %s is gone", delivery_id)
        return "missing"
    if delivery.status != WebhookDelivery.Status.PENDING:
        return delivery.status
    endpoint = delivery.endpoint
    if endpoint.is_disabled or not endpoint.is_active:
        _finish(delivery, WebhookDelivery.Status.FAILED, error="The endpoint is disabled.")
        return WebhookDelivery.Status.FAILED
    attempt = delivery.attempts + 1
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=attempt, last_attempt_at=timezone.now())
    if claimed != 1:
        return "skipped"
    status, error = _send(delivery, endpoint)
    if status is not None and 200 <= status < 300:
        _finish(delivery, WebhookDelivery.Status.DELIVERED, response_status=status, delivered_at=timezone.now())
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return WebhookDelivery.Status.DELIVERED
    disabled = _count_failure(endpoint)
    if attempt < max_attempts() and not disabled:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(response_status=status, error=error)
        if queue(delivery.pk, countdown=backoff_seconds(attempt)):
            return "retrying"
        error += " (not retried: retries need a worker and a broker)"
    _finish(delivery, WebhookDelivery.Status.FAILED, response_status=status, error=error)
    return WebhookDelivery.Status.FAILED


def _send(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> tuple[int | None, str]:
    body = body_bytes(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "claimdesk-webhooks/1",
        SIGNATURE_HEADER: sign(endpoint.secret, int(time.time()), body),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.event_id),
    }
    try:
        status = _post(endpoint.url, body, headers)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        return None, f"{type(exc).__name__}: {reason}"[:2000]
    return status, "" if 200 <= status < 300 else f"the endpoint answered HTTP {status}"


def _count_failure(endpoint: WebhookEndpoint) -> bool:
    """One more failed attempt in a row; True when the endpoint is now disabled."""
    limit = settings.CLAIMDESK_WEBHOOK_DISABLE_AFTER
    with transaction.atomic():
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        current.consecutive_failures += 1
        fields = ["consecutive_failures", "updated_at"]
        if current.consecutive_failures >= limit and current.disabled_at is None:
            current.disabled_at = timezone.now()
            current.disabled_reason = f"Disabled after {current.consecutive_failures} failed attempts in a row."
            fields += ["disabled_at", "disabled_reason"]
            logger.warning("Webhook endpoint %s disabled: %s", current.pk, current.disabled_reason)
        current.save(update_fields=fields)
        return current.disabled_at is not None


def _finish(delivery: WebhookDelivery, status: str, **fields) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=status, **fields)


def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Turn a disabled endpoint on again (admin action): its failure count starts over."""
    endpoint.disabled_at, endpoint.disabled_reason, endpoint.consecutive_failures = None, "", 0
    endpoint.save(update_fields=["disabled_at", "disabled_reason", "consecutive_failures", "updated_at"])
    return endpoint
