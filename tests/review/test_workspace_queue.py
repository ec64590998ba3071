"""The queue: "review next" reserves claims with leases that expire, skip releases, filters apply."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from review import services, workspace
from review.models import Reservation
from review.selectors import claims_for
from review.views import QUEUE_SESSION_KEY
from tests.factories import ClaimFactory, DocumentFactory, UserFactory


@pytest.fixture
def three(conflict):
    document = DocumentFactory(conflict=conflict)
    return [
        ClaimFactory(
            document=document,
            side=side,
            event_date=datetime.date(2020, 10, day),
            locations=places,
            sentence=f"The ministry said that the bridge at {places[0]} was destroyed.",
        )
        for side, day, places in (("north", 1, ["Ostrava"]), ("south", 2, ["Lenka"]), ("north", 3, ["Lenka"]))
    ]


def _next(client, **filters):
    response = client.get(reverse("review:next"), filters)
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.django_db
def test_workspace_next_reserves_first_unreviewed_and_others_get_the_following(client, three, analyst, other_analyst):
    client.force_login(analyst)
    assert _next(client) == f"/review/claims/{three[0].pk}/"
    assert _next(client) == f"/review/claims/{three[0].pk}/"  # asking again keeps the same claim
    client.force_login(other_analyst)
    assert _next(client) == f"/review/claims/{three[1].pk}/"
    leases = dict(Reservation.objects.values_list("claim_id", "user__username"))
    assert leases == {three[0].pk: "ana", three[1].pk: "bo"}


@pytest.mark.django_db
def test_workspace_next_uses_the_filterset(client, three, analyst):
    client.force_login(analyst)
    assert _next(client, side="south") == f"/review/claims/{three[1].pk}/"
    assert _next(client, place="Lenka", event_date_after="2020-10-03") == f"/review/claims/{three[2].pk}/"
    # One lease at a time: taking another released the first.
    assert list(Reservation.objects.values_list("claim_id", flat=True)) == [three[2].pk]
    empty = client.get(reverse("review:next"), {"side": "nowhere"}, follow=True)
    assert [str(m) for m in empty.context["messages"]] == ["No unreviewed claim is waiting with these filters."]


@pytest.mark.django_db
def test_workspace_queue_offers_the_least_certain_claims_first(client, three, analyst, other_analyst):
    for claim, confidence in zip(three, (0.9, None, 0.55), strict=True):
        Claim.objects.filter(pk=claim.pk).update(confidence=confidence)
    client.force_login(analyst)

    oldest = client.get(reverse("review:queue"))
    assert [c.pk for c in oldest.context["claims"]] == [c.pk for c in three]
    least = client.get(reverse("review:queue"), {"order": "least_certain"})
    # lowest confidence first; a claim without one comes last
    assert [c.pk for c in least.context["claims"]] == [three[2].pk, three[0].pk, three[1].pk]
    html = least.content.decode()
    assert '<option value="least_certain" selected>least certain first</option>' in html
    assert "least certain first</small>" in html
    assert '<span class="confidence" title="calibrated confidence">conf. 0.55</span>' in html

    # "review next" takes the least certain claim nobody holds, and keeps the order for "next" and "skip"
    assert _next(client, order="least_certain") == f"/review/claims/{three[2].pk}/"
    assert client.session[QUEUE_SESSION_KEY] == {"order": "least_certain"}
    client.force_login(other_analyst)
    assert _next(client, order="least_certain") == f"/review/claims/{three[0].pk}/"
    assert _next(client) == f"/review/claims/{three[0].pk}/"  # the claim held is kept, whatever the order


@pytest.mark.django_db
def test_workspace_next_skips_claims_with_a_proposal(client, three, analyst):
    services.verdict_propose(claim=three[0], user=analyst, decision="unverified", rationale="n/a", expected_version=0)
    client.force_login(analyst)
    assert _next(client) == f"/review/claims/{three[1].pk}/"


@pytest.mark.django_db
def test_workspace_expired_lease_is_handed_out_again(client, three, analyst, other_analyst):
    client.force_login(analyst)
    _next(client)
    Reservation.objects.update(
        reserved_at=timezone.now() - datetime.timedelta(hours=1),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    client.force_login(other_analyst)
    assert _next(client) == f"/review/claims/{three[0].pk}/"
    assert Reservation.objects.get(claim=three[0]).user == other_analyst


@pytest.mark.django_db
def test_workspace_skip_releases_and_moves_on(client, three, analyst, other_analyst):
    client.force_login(analyst)
    _next(client)
    skipped = client.post(reverse("review:skip", args=[three[0].pk]))
    assert skipped["Location"] == reverse("review:next")
    assert _next(client) == f"/review/claims/{three[1].pk}/"
    client.force_login(other_analyst)
    assert _next(client) == f"/review/claims/{three[0].pk}/"  # released: free for someone else


@pytest.mark.django_db
def test_workspace_skipping_every_claim_offers_them_again(client, three, analyst):
    client.force_login(analyst)
    for claim in three:
        assert _next(client) == f"/review/claims/{claim.pk}/"
        client.post(reverse("review:skip", args=[claim.pk]))
    assert _next(client) == f"/review/claims/{three[0].pk}/"


@pytest.mark.django_db
def test_workspace_next_keeps_the_filters_for_skip(client, three, analyst):
    client.force_login(analyst)
    _next(client, side="north")
    skipped = client.post(reverse("review:skip", args=[three[0].pk]))
    assert skipped["Location"] == reverse("review:next") + "?side=north"
    assert _next(client, side="north") == f"/review/claims/{three[2].pk}/"


@pytest.mark.django_db
def test_workspace_proposing_from_the_queue_goes_on_to_the_next(client, three, analyst):
    client.force_login(analyst)
    _next(client)
    done = client.post(
        reverse("review:verdict-propose", args=[three[0].pk]),
        {"decision": "unverified", "rationale": "Nothing independent yet.", "expected_version": 0},
    )
    assert done["Location"] == reverse("review:next")
    assert _next(client) == f"/review/claims/{three[1].pk}/"


@pytest.mark.django_db
def test_workspace_reserved_by_me_filter(three, analyst, other_analyst):
    workspace.reservation_take_next(user=analyst, queryset=Claim.objects.all())
    workspace.reservation_take_next(user=other_analyst, queryset=Claim.objects.all())
    mine = claims_for(user=analyst, data={"reserved_by_me": "true"}).qs
    assert list(mine.values_list("pk", flat=True)) == [three[0].pk]
    not_mine = claims_for(user=analyst, data={"reserved_by_me": "false"}).qs.order_by("pk")
    assert list(not_mine.values_list("pk", flat=True)) == [three[1].pk, three[2].pk]


@pytest.mark.django_db
def test_workspace_queue_page_lists_waiting_claims_without_others_leases(client, three, analyst, other_analyst):
    workspace.reservation_take_next(user=other_analyst, queryset=Claim.objects.all())
    client.force_login(analyst)
    page = client.get(reverse("review:queue"), {"claim_type": "materiel"})
    assert [c.pk for c in page.context["claims"]] == [three[1].pk, three[2].pk]
    assert page.context["has_more"] is False
    chosen = client.get(reverse("review:queue"), {"claimant": three[2].claimant_id})
    assert [c.pk for c in chosen.context["claims"]] == [three[2].pk]
    html = chosen.content.decode()
    assert f'<option value="{three[2].claimant_id}" selected>{three[2].claimant.name}</option>' in html
    bad = client.get(reverse("review:queue"), {"event_date_after": "soon"})
    assert list(bad.context["errors"]) == ["event_date"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workspace_concurrent_next_never_hands_one_claim_to_two_analysts(conflict):
    """Many analysts asking at the same moment, several times each: every lease is a different claim."""
    document = DocumentFactory(conflict=conflict)
    claims = [ClaimFactory(document=document) for _ in range(60)]
    analysts = [UserFactory(username=f"analyst{i}", roles=["analyst"]) for i in range(8)]
    barrier = threading.Barrier(len(analysts))
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(user):
        try:
            barrier.wait()
            got = []
            for _ in range(5):
                claim_id = workspace.reservation_take_next(user=user, queryset=Claim.objects.all())
                got.append(claim_id)
                # Proposing takes the claim out of the queue for good, as an analyst's verdict does.
                Claim.objects.filter(pk=claim_id).update(review_state="proposed")
            taken[user.username] = got
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(user,)) for user in analysts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    handed = [claim_id for got in taken.values() for claim_id in got]
    assert len(handed) == 40
    assert len(set(handed)) == 40
    assert set(handed) == {claim.pk for claim in claims[:40]}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workspace_next_locks_with_skip_locked(conflict, analyst):
    """The candidate row is taken with FOR UPDATE SKIP LOCKED: a row locked elsewhere is stepped over."""
    document = DocumentFactory(conflict=conflict)
    first, second = ClaimFactory(document=document), ClaimFactory(document=document)
    locked = threading.Event()
    release = threading.Event()

    def hold():
        from django.db import transaction

        with transaction.atomic():
            Claim.objects.select_for_update().get(pk=first.pk)
            locked.set()
            release.wait(20)
        connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(20)
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert workspace.reservation_take_next(user=analyst, queryset=Claim.objects.all()) == second.pk
        assert any("FOR UPDATE OF" in q["sql"] and "SKIP LOCKED" in q["sql"] for q in queries.captured_queries)
    finally:
        release.set()
        holder.join(20)


@pytest.mark.django_db
def test_workspace_queue_links_editors_to_an_export_of_its_filters(client, three, analyst, editor):
    client.force_login(editor)
    html = client.get(reverse("review:queue"), {"side": "north", "place": "Lenka"}).content.decode()
    assert 'href="/review/exports/new?side=north&amp;place=Lenka" id="export-filter"' in html
    client.force_login(analyst)
    assert 'id="export-filter"' not in client.get(reverse("review:queue")).content.decode()
