"""Measurements that run inside Django, in their own process: `python -m bench.jobs NAME '{json}'`.

The harness starts them with DATABASE_URL (and CELERY_BROKER_URL) set for a benchmark database;
each prints one JSON line with what it measured.
"""

import json
import os
import sys
import time


def pretag_inline() -> dict:
    """Pre-tag every untagged claim in this process, batch by batch, as a worker would."""
    from django.conf import settings

    from claims.services import claims_pretag

    ids = _untagged_ids()
    size = settings.CLAIMDESK_PRETAG_BATCH_SIZE
    started = time.perf_counter()
    tagged = sum(claims_pretag(claim_ids=ids[i : i + size]) for i in range(0, len(ids), size))
    return {"claims": tagged, "seconds": time.perf_counter() - started, "untagged": _untagged_count()}


def pretag_queued(*, wait_seconds: float) -> dict:
    """Queue pre-tagging of every untagged claim to the broker and wait until the workers are done."""
    from claims.models import Claim
    from claims.services import claims_queue_pretag

    ids = _untagged_ids()
    untagged = Claim.objects.filter(tagger_version="")
    started = time.perf_counter()
    batches = claims_queue_pretag(claim_ids=ids)
    deadline = started + wait_seconds
    while untagged.exists():
        if time.perf_counter() > deadline:
            return {"error": f"{untagged.count()} claims still untagged after {wait_seconds:.0f}s"}
        time.sleep(0.1)
    return {"claims": len(ids), "seconds": time.perf_counter() - started, "batches": batches}


def superuser(*, username: str, password: str) -> dict:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return {"username": username}


def _untagged_ids() -> list[int]:
    from claims.models import Claim

    return list(Claim.objects.filter(tagger_version="").order_by("pk").values_list("pk", flat=True))


def _untagged_count() -> int:
    from claims.models import Claim

    return Claim.objects.filter(tagger_version="").count()


JOBS = {"pretag-inline": pretag_inline, "pretag-queued": pretag_queued, "superuser": superuser}


def main() -> None:
    name, arguments = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(JOBS[name](**arguments)), flush=True)


if __name__ == "__main__":
    main()
