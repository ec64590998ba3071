"""Synthetic review work for generated claims (`generate_claims`): evidence, verdicts in every state, audit chains.

About a third of the claims get evidence (one to three items from the
conflict's registry outlets: third parties are independent, the parties'
own outlets and the claimant are not), and most of those a verdict history:
proposed, approved, rejected, reopened or replaced. Every row is what the
services would have written (review.services), with the claim's version
and review state to match and one audit event per action, hash-chained as
review.audit chains them, so `verify_audit` passes on the generated data.
Rows go in with claims.bulk (COPY on PostgreSQL), batch by batch.
"""

import datetime
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from claims import bulk
from claims.enums import THIRD_PARTY, ReviewState
from claims.models import Conflict
from review.audit import GENESIS, claim_chain, event_hash
from review.models import AuditEvent, Evidence, Verdict

EVIDENCE_SHARE = 1 / 3
# What happens to a claim with evidence, and how often.
SCENARIOS = {"none": 30, "proposed": 20, "approved": 30, "rejected": 10, "reopened": 5, "replaced": 5}
RELATIONS = [Evidence.Relation.SUPPORTS] * 5 + [Evidence.Relation.REFUTES] * 3 + [Evidence.Relation.CONTEXT] * 2
RATIONALES = {
    "confirmed": "Independent reporting from the scene supports the claim.",
    "denied": "Independent monitors refute the claim.",
    "unverified": "No independent source could be reached.",
}
ANALYSTS = [f"synthetic-analyst-{n}" for n in range(1, 5)]
EDITORS = [f"synthetic-editor-{n}" for n in range(1, 3)]


@dataclass(slots=True)
class _Event:
    """What review.audit.event_hash reads of an event."""

    chain: str
    seq: int
    claim_id: int
    action: str
    username: str
    created_at: datetime.datetime
    before: dict
    after: dict
    prev_hash: str = GENESIS
    hash: str = ""


def synthetic_reviewers() -> dict[str, int]:
    """Ids of the accounts the generated work is by (inactive: nobody signs in as them), by username."""
    User = get_user_model()
    names = [*ANALYSTS, *EDITORS]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    for name in names:
        if name not in existing:
            user = User(username=name, is_active=False)
            user.set_unusable_password()
            user.save()
    return dict(User.objects.filter(username__in=names).values_list("username", "pk"))


def outlets(conflict: Conflict) -> list[tuple[str, int, str]]:
    """(name, actor id, side) of the conflict's registry actors, the outlets evidence comes from."""
    rows = conflict.memberships.order_by("actor__name").values_list("actor__name", "actor_id", "side")
    return list(rows)


@dataclass
class ReviewGenerator:
    """Adds review work to each batch of generated claims (claims.generate's `on_batch`)."""

    rng: random.Random
    conflict: Conflict
    now: datetime.datetime
    users: dict[str, int] = field(default_factory=dict)
    sources: list[tuple[str, int, str]] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=lambda: {"evidence": 0, "verdicts": 0, "events": 0})

    def __post_init__(self):
        self.scenarios = list(SCENARIOS)
        self.scenario_weights = list(itertools.accumulate(SCENARIOS.values()))

    def _prepare(self) -> None:
        # Read at the first batch, once claims.generate has added its synthetic actors.
        self.users = self.users or synthetic_reviewers()
        self.sources = self.sources or outlets(self.conflict)
        # Mostly independent outlets, as analysts look for them; some from the parties.
        self.weights = list(itertools.accumulate(6 if side == THIRD_PARTY else 1 for _, _, side in self.sources))

    def __call__(self, claims: list[dict]) -> Callable[[], None]:
        """Set each chosen claim's version and review state; returns the writer of its rows."""
        if not self.users:
            self._prepare()
        chosen = [row for row in claims if self.rng.random() < EVIDENCE_SHARE]
        if not chosen or not self.sources:
            return lambda: None
        plans = [self._plan(row) for row in chosen]
        evidence_ids = iter(bulk.reserve_ids(Evidence, sum(len(plan.evidence) for plan in plans)))
        verdict_ids = iter(bulk.reserve_ids(Verdict, sum(len(plan.verdicts) for plan in plans)))
        evidence, verdicts, events = [], [], []
        for row, plan in zip(chosen, plans, strict=True):
            self._rows(row, plan, evidence_ids, verdict_ids, evidence, verdicts, events)
        event_ids = bulk.reserve_ids(AuditEvent, len(events))

        def write() -> None:
            bulk.insert_rows(Evidence, evidence, now=self.now)
            bulk.insert_rows(Verdict, verdicts, now=self.now)
            bulk.insert_rows(AuditEvent, (_event_row(pk, event) for pk, event in zip(event_ids, events, strict=True)))
            self.written["evidence"] += len(evidence)
            self.written["verdicts"] += len(verdicts)
            self.written["events"] += len(events)

        return write

    def _plan(self, row: dict) -> "_Plan":
        count = self.rng.choices((1, 2, 3), cum_weights=(80, 97, 100))[0]
        items = []
        for name, actor_id, side in self.rng.choices(self.sources, cum_weights=self.weights, k=count):
            independent = side == THIRD_PARTY and actor_id != row["claimant_id"]
            items.append((name, actor_id, independent, self.rng.choice(RELATIONS)))
        scenario = self.rng.choices(self.scenarios, cum_weights=self.scenario_weights)[0]
        decisions = ["unverified"]
        if any(independent and relation == "supports" for _, _, independent, relation in items):
            decisions.append("confirmed")
        if any(independent and relation == "refutes" for _, _, independent, relation in items):
            decisions.append("denied")
        steps = {
            "none": [],
            "proposed": ["propose"],
            "approved": ["propose", "approve"],
            "rejected": ["propose", "reject"],
            "reopened": ["propose", "approve", "propose"],
            "replaced": ["propose", "approve", "propose", "approve"],
        }[scenario]
        verdicts = [self.rng.choice(decisions) for step in steps if step == "propose"]
        return _Plan(evidence=items, steps=steps, verdicts=verdicts)

    def _rows(self, row, plan, evidence_ids, verdict_ids, evidence, verdicts, events) -> None:
        claim_id = row["id"]
        chain = claim_chain(claim_id)
        at = self.now - datetime.timedelta(days=self.rng.randrange(2, 365), minutes=self.rng.randrange(1440))
        row["created_at"] = at
        analyst = self.rng.choice(ANALYSTS)
        state, in_force = ReviewState.UNREVIEWED.value, ""
        history: list[_Event] = []

        def event(action: str, username: str, before: dict, after: dict) -> None:
            nonlocal at
            at += datetime.timedelta(minutes=self.rng.randrange(1, 240))
            history.append(_Event(chain, len(history) + 1, claim_id, action, username, at, before, after))

        for name, actor_id, independent, relation in plan.evidence:
            pk = next(evidence_ids)
            url = f"https://{name.lower().replace(' ', '-')[:40]}.example/reports/{claim_id}-{pk}"
            evidence.append(
                {
                    "id": pk,
                    "claim_id": claim_id,
                    "url": url,
                    "outlet": name[:200],
                    "title": f"Report on claim {claim_id}",
                    "accessed": at.date(),
                    "relation": relation,
                    "outlet_actor_id": actor_id,
                    "independent": independent,
                    "added_by_id": self.users[analyst],
                    "created_at": at,
                }
            )
            summary = {
                "evidence_id": pk,
                "url": url,
                "outlet": name[:200],
                "relation": relation,
                "independent": independent,
                "title": f"Report on claim {claim_id}",
                "published": None,
                "source_claim": None,
            }
            event("evidence.added", analyst, {}, summary)

        decisions = iter(plan.verdicts)
        pending: dict | None = None
        approved: dict | None = None
        for step in plan.steps:
            before = {"review_state": state, "verdict": in_force}
            if step == "propose":
                decision = next(decisions)
                reopened = state == ReviewState.APPROVED
                state = ReviewState.PROPOSED.value
                pending = {
                    "id": next(verdict_ids),
                    "claim_id": claim_id,
                    "decision": decision,
                    "rationale": RATIONALES[decision],
                    "state": Verdict.State.PROPOSED,
                    "proposed_by_id": self.users[analyst],
                    "claim_version": len(history) + 1,
                }
                event(
                    "verdict.reopened" if reopened else "verdict.proposed",
                    analyst,
                    before,
                    {
                        "review_state": state,
                        "verdict_id": pending["id"],
                        "decision": decision,
                        "rationale": pending["rationale"],
                    },
                )
                pending["proposed_at"] = at
                verdicts.append(pending)
                continue
            editor = self.rng.choice(EDITORS)
            if step == "approve":
                superseded = []
                if approved is not None:
                    approved["state"] = Verdict.State.SUPERSEDED
                    superseded = [approved["id"]]
                state, in_force = ReviewState.APPROVED.value, pending["decision"]
                event(
                    "verdict.approved",
                    editor,
                    before,
                    {
                        "review_state": state,
                        "verdict": in_force,
                        "verdict_id": pending["id"],
                        "proposed_by": analyst,
                        "superseded": superseded,
                    },
                )
                pending.update(state=Verdict.State.APPROVED, decided_by_id=self.users[editor], decided_at=at)
                approved, pending = pending, None
            else:  # reject
                reason = "Ask the monitors before deciding."
                state = ReviewState.APPROVED.value if in_force else ReviewState.REJECTED.value
                event(
                    "verdict.rejected",
                    editor,
                    before,
                    {"review_state": state, "verdict_id": pending["id"], "reason": reason},
                )
                pending.update(
                    state=Verdict.State.REJECTED, decided_by_id=self.users[editor], decided_at=at, decision_note=reason
                )
                pending = None

        previous = GENESIS
        for item in history:
            item.prev_hash = previous
            item.hash = previous = event_hash(item)
        events.extend((item, self.users[item.username]) for item in history)
        row["version"] = len(history)
        row["review_state"] = state
        row["verdict"] = in_force
        row["updated_at"] = at


@dataclass
class _Plan:
    evidence: list[tuple[str, int, bool, str]]
    steps: list[str]
    verdicts: list[str]


def _event_row(pk: int, pair: tuple[_Event, int]) -> dict:
    event, user_id = pair
    return {
        "id": pk,
        "chain": event.chain,
        "seq": event.seq,
        "claim_id": event.claim_id,
        "action": event.action,
        "username": event.username,
        "user_id": user_id,
        "created_at": event.created_at,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
