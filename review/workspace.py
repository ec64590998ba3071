"""The review workspace's queue and reads: reservations, context, related claims, today's counts.

Reservations are leases: "review next" hands an analyst the first unreviewed
claim that nobody else holds and records a Reservation that expires by
itself after LEASE. On PostgreSQL the candidate row is taken with
`SELECT ... FOR UPDATE SKIP LOCKED`, so two analysts asking at the same
moment lock different rows; the lease of the locked row is then read again
(a new statement sees every lease committed before the lock was granted), so
a claim is never handed to two analysts.
"""

import datetime
import logging
import re
from dataclasses import dataclass

import redis
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone

from claims.enums import ReviewState
from claims.extraction.sentences import sentence_spans
from claims.models import ActorMembership, Claim, Conflict, Document
from claims.selectors import visible_conflict_ids
from review.models import AuditEvent, DashboardSnapshot, Reservation, Verdict

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=15)
# How many locked-but-taken candidates "review next" steps over before giving up.
ATTEMPTS = 5


@dataclass(frozen=True)
class QueueOrder:
    label: str
    fields: tuple[str, ...]


# The queue's orders ("order" of its filters) by name: oldest first, or the claims the engine
# is least sure of first (calibrated confidence, lowest first; claims without one come last).
# Each is served by an index over unreviewed claims (claims.models).
QUEUE_ORDERS = {
    "": QueueOrder("oldest first", ("id",)),
    "least_certain": QueueOrder("least certain first", ("confidence", "id")),
}
RELATED_LIMIT = 8
# Claims of the same days looked at for related ones, at most (the event-date index, in order).
WINDOW_LIMIT = 1000
# Share of words two quotes have in common (of all the words of both) to count as the same wording.
WORDING_OVERLAP = 0.6
# Claims an analyst skipped, passed over by their "review next" until they fall out of this memory.
SKIP_MEMORY = 50
CONTEXT_SENTENCES = 2
# Characters of the document read on each side of a claim to find its context.
CONTEXT_REACH = 1500


# --- the queue -----------------------------------------------------------------


def held_by_others(user, now: datetime.datetime) -> Exists:
    return Exists(Reservation.objects.filter(claim=OuterRef("pk"), expires_at__gt=now).exclude(user=user))


def queue_order(order: str | None) -> QueueOrder:
    """The queue's order by its name: oldest first (the default) or least certain first."""
    return QUEUE_ORDERS.get(order or "", QUEUE_ORDERS[""])


def reservation_take_next(
    *, user, queryset: QuerySet, skipped: tuple[int, ...] = (), order: str | None = None
) -> int | None:
    """Reserve the first unreviewed claim of `queryset` (already filtered) nobody else holds.

    The user's other leases are released: an analyst holds one claim at a
    time. Claims in `skipped` (this analyst's recent skips) are passed over.
    `order` names the queue's order (QUEUE_ORDERS). Returns the claim's id,
    or None when the queue is empty.
    """
    now = timezone.now()
    candidates = (
        queryset.filter(review_state=ReviewState.UNREVIEWED)
        .exclude(held_by_others(user, now))
        .exclude(pk__in=skipped)
        .order_by(*queue_order(order).fields)
    )
    with transaction.atomic():
        passed: list[int] = []
        for _ in range(ATTEMPTS):
            locked = _lock_first(candidates.exclude(pk__in=passed))
            if locked is None:
                return None
            taken = Reservation.objects.filter(claim_id=locked, expires_at__gt=now).exclude(user=user).exists()
            if not taken:
                _lease(user, locked, now)
                return locked
            passed.append(locked)
    return None


def _lock_first(candidates: QuerySet) -> int | None:
    if connection.vendor == "postgresql":
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    return candidates.values_list("pk", flat=True).first()


def _lease(user, claim_id: int, now: datetime.datetime) -> None:
    Reservation.objects.filter(user=user).exclude(claim_id=claim_id).delete()
    # One INSERT ... ON CONFLICT: an expired lease (or the user's own) on this claim is taken over.
    Reservation.objects.bulk_create(
        [Reservation(claim_id=claim_id, user=user, reserved_at=now, expires_at=now + LEASE)],
        update_conflicts=True,
        unique_fields=["claim"],
        update_fields=["user", "reserved_at", "expires_at"],
    )


def reservation_release(*, user, claim_id: int) -> bool:
    """Give the claim back to the queue (skip); True if the user held it."""
    deleted, _ = Reservation.objects.filter(user=user, claim_id=claim_id).delete()
    return deleted > 0


def reservation_of(claim_id: int) -> Reservation | None:
    """The lease in force on a claim, if any."""
    return Reservation.objects.filter(claim_id=claim_id, expires_at__gt=timezone.now()).select_related("user").first()


def counts_today(user) -> dict[str, int]:
    """What the user did today (UTC), from the audit trail: proposals, decisions, evidence, corrections."""
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        AuditEvent.objects.filter(username=user.get_username(), created_at__gte=start)
        .order_by()
        .values_list("action")
        .annotate(n=Count("id"))
    )
    by_action = dict(rows)
    action = AuditEvent.Action
    return {
        "proposed": by_action.get(action.VERDICT_PROPOSED, 0) + by_action.get(action.VERDICT_REOPENED, 0),
        "decided": by_action.get(action.VERDICT_APPROVED, 0) + by_action.get(action.VERDICT_REJECTED, 0),
        "evidence": by_action.get(action.EVIDENCE_ADDED, 0) + by_action.get(action.SUGGESTION_ACCEPTED, 0),
        "corrected": by_action.get(action.CLAIM_CORRECTED, 0),
    }


# --- one claim -----------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """The claim's sentence split around its quote, and the sentences around it."""

    before: list[str]
    lead: str
    quote: str
    tail: str
    after: list[str]


def claim_context(claim: Claim) -> Context:
    """Two sentences of the document on each side of the claim's, read from a window of the text.

    Only CONTEXT_REACH characters on each side are fetched (SUBSTR in the
    database), never the whole document.
    """
    at = claim.sentence.find(claim.quote)
    lead, quote, tail = (
        (claim.sentence[:at], claim.quote, claim.sentence[at + len(claim.quote) :])
        if at >= 0 and claim.quote
        else (claim.sentence, "", "")
    )
    sentence_start = claim.start - max(at, 0)
    sentence_end = sentence_start + len(claim.sentence)
    first = max(0, sentence_start - CONTEXT_REACH)
    length = (sentence_end + CONTEXT_REACH) - first
    window = (
        Document.objects.filter(pk=claim.document_id)
        .annotate(window=Substr("text", first + 1, length))
        .values_list("window", flat=True)
        .first()
        or ""
    )
    left, right = window[: sentence_start - first], window[sentence_end - first :]
    before = [left[s:e] for s, e, _ in sentence_spans(left)]
    after = [right[s:e] for s, e, _ in sentence_spans(right)]
    # The first sentence of the window may be cut by it: keep only whole ones.
    if first > 0 and before:
        before = before[1:]
    if len(window) == length and after:
        after = after[:-1]
    return Context(before[-CONTEXT_SENTENCES:], lead, quote, tail, after[:CONTEXT_SENTENCES])


def with_page_facts(claims: QuerySet) -> QuerySet:
    """Annotate what the review page tells of each claim, in the claim's own query.

    `registered`: the conflict's registry lists the claimant (not a proposed actor);
    `position`: how many claims come before it in its document (the document page it is on).
    """
    listed = ActorMembership.objects.filter(
        conflict_id=OuterRef("conflict_id"), actor_id=OuterRef("claimant_id"), is_proposed=False
    )
    before = (
        Claim.objects.filter(document_id=OuterRef("document_id"))
        .filter(Q(start__lt=OuterRef("start")) | Q(start=OuterRef("start"), id__lt=OuterRef("id")))
        .order_by()
        .values("document_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return claims.annotate(registered=Exists(listed), position=Coalesce(Subquery(before), 0))


def related_claims(claim: Claim, *, visible: QuerySet) -> list[Claim]:
    """Other claims about the same event, from any document and any source.

    Same or adjacent event date, and either a place in common (tested in
    SQL) or nearly the same wording (WORDING_OVERLAP of the quotes' words
    shared): one pass over at most WINDOW_LIMIT claims of those days, in the
    event-date index's order; the chosen few are then fetched whole.
    """
    if claim.event_date is None:
        return []
    days = (claim.event_date - datetime.timedelta(days=1), claim.event_date + datetime.timedelta(days=1))
    window = visible.filter(event_date__range=days).exclude(pk=claim.pk).order_by("event_date", "-id")
    shares_place = ExpressionWrapper(_overlapping(claim.locations), BooleanField()) if claim.locations else Value(False)
    words = _words(claim.quote)
    chosen: list[int] = []
    candidates = window.annotate(shares_place=shares_place).values_list("pk", "quote", "shares_place")
    for pk, quote, shared in candidates[:WINDOW_LIMIT]:
        if shared or _near(words, _words(quote)):
            chosen.append(pk)
            if len(chosen) >= RELATED_LIMIT:
                break
    if not chosen:
        return []
    found = Claim.objects.filter(pk__in=chosen).select_related("claimant").order_by("event_date", "-id")
    return list(found)


def _overlapping(places: list[str]) -> Q:
    if connection.vendor == "postgresql":
        # jsonb ?| text[]: the array holds one of these strings.
        return Q(locations__has_any_keys=list(places))
    match = Q()
    for place in places:
        match |= Q(locations__icontains=f'"{place}"')
    return match


_WORD = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in _WORD.findall(text or ""))


def _near(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    if not mine or not theirs:
        return False
    return len(mine & theirs) / len(mine | theirs) >= WORDING_OVERLAP


# --- the dashboard -------------------------------------------------------------

# Seconds the dashboard's aggregates are kept in a process when no fresh snapshot answers.
DASHBOARD_TTL = 120
# A snapshot this old is recomputed by a worker (review.refresh_dashboard), queued by the page view.
DASHBOARD_REFRESH = datetime.timedelta(minutes=2)
# A snapshot older than this (no worker?) is not shown; the page computes its own figures.
SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=10)
DAYS_SHOWN = 30
BUSIEST = 10


def dashboard_scope(allowed: set[int] | None) -> str:
    return "all" if allowed is None else ",".join(map(str, sorted(allowed))) or "none"


def dashboard_figures(user) -> dict:
    """The dashboard's aggregates for the conflicts `user` sees.

    Read from the scope's DashboardSnapshot. A view that finds it older than
    DASHBOARD_REFRESH (or missing) queues review.refresh_dashboard, and shows
    the snapshot meanwhile; without one younger than SNAPSHOT_MAX_AGE (a user
    limited to several conflicts, no worker running) the figures are computed
    here, at most once per DASHBOARD_TTL per process.
    """
    allowed = visible_conflict_ids(user)
    scope = dashboard_scope(allowed)
    snapshot = DashboardSnapshot.objects.filter(scope=scope).values_list("figures", "computed_at").first()
    age = timezone.now() - snapshot[1] if snapshot is not None else None
    if age is None or age >= DASHBOARD_REFRESH:
        _queue_refresh()
    if age is not None and age < SNAPSHOT_MAX_AGE:
        return snapshot[0]
    key = f"review:dashboard:{scope}"
    figures = _cache("get", key)
    if figures is None:
        figures = _figures(allowed)
        _cache("set", key, figures, DASHBOARD_TTL)
    return figures


def _cache(method: str, *args, default=None):
    """A call on the shared cache; while the cache (Redis, CACHE_URL) is down, `default` and a warning.

    The dashboard only saves work with the cache: without it the page computes
    its figures and queues no refresh, and still answers.
    """
    try:
        return getattr(cache, method)(*args)
    except redis.RedisError as exc:
        logger.warning("The cache does not answer, the dashboard works without it: %s", exc)
        return default


def _queue_refresh() -> None:
    """Ask a worker for new snapshots, at most once per DASHBOARD_REFRESH per process.

    Without a broker (tasks run in-process) nothing is queued: the page's own
    figures are what a small embedded installation needs.
    """
    from config.celery import app
    from review.tasks import refresh_dashboard

    if app.conf.task_always_eager or not _cache("add", "review:dashboard:queued", True, DASHBOARD_REFRESH.seconds):
        return  # in-process tasks; or asked already (or the cache is down: no flood of refreshes)
    try:
        refresh_dashboard.delay()
    except Exception as exc:  # noqa: BLE001 - the page still answers; the next view asks again
        _cache("delete", "review:dashboard:queued")
        logger.warning("Cannot queue the dashboard's refresh: %s", exc)


def dashboard_refresh() -> list[str]:
    """Recompute the snapshots: all conflicts together, and each conflict alone. Returns the scopes."""
    scopes = [None, *({conflict_id} for conflict_id in Conflict.objects.order_by("pk").values_list("pk", flat=True))]
    done = []
    for allowed in scopes:
        scope = dashboard_scope(allowed)
        DashboardSnapshot.objects.update_or_create(
            scope=scope, defaults={"figures": _figures(allowed), "computed_at": timezone.now()}
        )
        done.append(scope)
    return done


def _figures(allowed: set[int] | None) -> dict:
    claims = Claim.objects.order_by()
    verdicts = Verdict.objects.order_by()
    if allowed is not None:
        claims = claims.filter(conflict_id__in=allowed)
        verdicts = verdicts.filter(claim__conflict_id__in=allowed)
    by_state = dict(claims.values_list("review_state").annotate(n=Count("id")))
    last = claims.aggregate(last=Max("event_date"))["last"]
    per_side: list[tuple[str, str, int]] = []
    if last is not None:
        first = last - datetime.timedelta(days=DAYS_SHOWN - 1)
        per_side = [
            (day.isoformat(), side, n)
            for day, side, n in claims.filter(event_date__range=(first, last))
            .values_list("event_date", "side")
            .annotate(n=Count("id"))
        ]
    today = timezone.now().date()
    since = timezone.now() - datetime.timedelta(days=DAYS_SHOWN - 1)
    decided = (
        verdicts.filter(decided_at__gte=since, state__in=[Verdict.State.APPROVED, Verdict.State.SUPERSEDED])
        .annotate(day=TruncDate("decided_at"))
        .values_list("day", "decision")
        .annotate(n=Count("id"))
    )
    busiest = (
        claims.exclude(claimant=None)
        .values_list("claimant__name")
        .annotate(n=Count("id"), denied=Count("id", filter=Q(verdict=Verdict.Decision.DENIED)))
        .order_by("-n", "claimant__name")[:BUSIEST]
    )
    return {
        "by_state": {state: by_state.get(state, 0) for state in ReviewState.values},
        "last_event_day": last.isoformat() if last else None,
        "side_days": [first.isoformat(), last.isoformat()] if last else [],
        "decided_from": (today - datetime.timedelta(days=DAYS_SHOWN - 1)).isoformat(),
        "decided_to": today.isoformat(),
        "per_side": per_side,
        "decided": [(day.isoformat(), decision, n) for day, decision, n in decided],
        "busiest": [(name, n, denied) for name, n, denied in busiest],
        "computed_at": timezone.now().strftime("%Y-%m-%d %H:%M"),
    }
