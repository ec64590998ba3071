"""The review workspace as analysts and an editor use it, in Debian's Chromium driven by Playwright.

Saves the README's screenshots (1280 px wide) into docs/screenshots/.
"""

from pathlib import Path

import pytest
from django.core.cache import cache

from claims import services as claim_services
from claims.models import Claim
from review.models import Evidence, Reservation, Verdict
from tests.conftest import CORPUS, ROOT
from tests.factories import ClaimFactory, DocumentFactory, UserFactory

PASSWORD = "browser-test-password-1"
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def browser(chromium_browser):
    return chromium_browser


def _signed_in(browser, live_server, username: str):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{live_server.url}/review/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/review/")
    return page


def _claim_id(page) -> int:
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _shoot(page, name: str) -> Path:
    """Save a full-page screenshot; the page must fit 1280 px without horizontal scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.django_db(transaction=True)
def test_review_workspace_in_a_browser(browser, live_server, actors):
    claim_services.document_ingest(raw=(CORPUS / "000_d8d09dd0182ca9c2.txt").read_bytes())
    for name, role in (("ana", "analyst"), ("bo", "analyst"), ("ed", "editor")):
        UserFactory(username=name, roles=[role], password=PASSWORD)
    cache.clear()

    ana = _signed_in(browser, live_server, "ana")
    bo = _signed_in(browser, live_server, "bo")

    # The queue: filters on the left, waiting claims on the right.
    ana.goto(f"{live_server.url}/review/queue/")
    assert ana.locator("#queue-list tbody tr").count() == Claim.objects.count()
    _shoot(ana, "queue")
    # Least certain first: the list in rising confidence, shown on each row.
    ana.select_option("#queue-form select[name=order]", "least_certain")
    ana.click("#queue-form button[type=submit]:not(.primary)")
    ana.wait_for_url("**/review/queue/?*order=least_certain*")
    shown = [float(text.removeprefix("conf. ")) for text in ana.locator("#queue-list .confidence").all_inner_texts()]
    assert len(shown) == Claim.objects.exclude(confidence=None).count() > 1
    assert shown == sorted(shown) and shown[0] < shown[-1]
    ana.select_option("#queue-form select[name=order]", "")

    # Both analysts take "review next" with the same filters: each gets a claim of their own.
    ana.select_option("#queue-form select[name=claim_type]", "materiel")
    ana.click("#queue-next")
    ana.wait_for_url("**/review/claims/*/")
    bo.goto(f"{live_server.url}/review/next/?claim_type=materiel")
    bo.wait_for_url("**/review/claims/*/")
    mine, theirs = _claim_id(ana), _claim_id(bo)
    assert mine != theirs
    # The first materiel claim is the F-16 claim, and its answer (Turkey's denial) is suggested as evidence.
    assert Claim.objects.get(pk=theirs).responds_to_id == mine
    assert ana.locator(".suggestions li").count() == 1
    bo.goto(f"{live_server.url}/review/next/")  # bo widens the filters: still not ana's claim
    theirs = _claim_id(bo)
    assert theirs != mine
    leases = dict(Reservation.objects.values_list("claim_id", "user__username"))
    assert leases == {mine: "ana", theirs: "bo"}
    assert "Reserved for you" in ana.inner_text("#lease")
    assert ana.inner_text("#quote") == Claim.objects.get(pk=mine).quote

    # Evidence, from the keyboard: e focuses the form, Ctrl+Enter sends it.
    ana.keyboard.press("e")
    assert ana.evaluate("document.activeElement.id") == "evidence-url"
    ana.keyboard.type("https://harbour.example/stepanakert")
    ana.keyboard.press("Tab")
    ana.keyboard.type("Harbour Gazette")
    ana.select_option("#evidence-form select[name=relation]", "supports")
    ana.fill("#evidence-form input[name=title]", "Shelling of Stepanakert seen by our correspondent")
    ana.focus("#evidence-form input[name=title]")
    ana.keyboard.press("Control+Enter")
    ana.wait_for_selector(".evidence-item")
    evidence = Evidence.objects.get(claim_id=mine)
    assert (evidence.outlet, evidence.relation, evidence.independent) == ("Harbour Gazette", "supports", True)
    assert "independent" in ana.inner_text(".evidence-item")

    # `?` lists the shortcuts.
    ana.keyboard.press("?")
    assert ana.is_visible("#shortcuts")
    ana.keyboard.press("Escape")
    assert not ana.is_visible("#shortcuts")

    ana.locator("#verdict-form").scroll_into_view_if_needed()
    ana.evaluate("window.scrollTo(0, 0)")
    _shoot(ana, "review")

    # Propose "confirmed" with the keyboard: c picks it and focuses the rationale, Ctrl+Enter sends.
    ana.keyboard.press("c")
    assert ana.evaluate("document.activeElement.id") == "rationale"
    ana.keyboard.type("Harbour Gazette's correspondent saw the shelling.")
    ana.keyboard.press("Control+Enter")
    ana.wait_for_url(lambda url: f"/review/claims/{mine}/" not in url)
    verdict = Verdict.objects.get(claim_id=mine)
    assert (verdict.decision, verdict.state, verdict.proposed_by.username) == ("confirmed", "proposed", "ana")
    # From the queue the analyst goes straight on, to a claim that is nobody else's.
    assert _claim_id(ana) not in (mine, theirs)
    assert Claim.objects.get(pk=_claim_id(ana)).claim_type == "materiel"
    assert "1</b> proposed" in ana.inner_html("#today-counts")

    # The editor approves from the approval queue.
    ed = _signed_in(browser, live_server, "ed")
    ed.goto(f"{live_server.url}/review/approvals/")
    row = ed.locator(f"#approval-list tr[data-verdict='{verdict.pk}']")
    assert "Confirmed" in row.inner_text()
    assert ed.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    row.locator("button:has-text('Approve')").click()
    ed.wait_for_selector(".message.success")
    verdict.refresh_from_db()
    assert (verdict.state, verdict.decided_by.username) == ("approved", "ed")
    assert Claim.objects.get(pk=mine).verdict == "confirmed"

    # The dashboard, drawn on the server.
    cache.clear()
    ed.goto(f"{live_server.url}/review/")
    assert ed.locator("svg.chart").count() == 4
    _shoot(ed, "dashboard")
    for page in (ana, bo, ed):
        page.context.close()


@pytest.mark.django_db(transaction=True)
def test_review_page_renders_markup_in_a_claim_as_text(browser, live_server, actors):
    UserFactory(username="ana", roles=["analyst"], password=PASSWORD)
    evil = '<script>window.__owned = 1</script><b>bold</b><img src=x onerror="window.__owned = 2">'
    sentence = f"The ministry said that {evil}."
    claim = ClaimFactory(
        document=DocumentFactory(conflict=actors, text=sentence, title="<script>x</script>"),
        sentence=sentence,
        quote=evil,
        start=23,
        end=23 + len(evil),
        claimant_mention="<i>The ministry</i>",
        locations=["<u>Town</u>"],
    )
    page = _signed_in(browser, live_server, "ana")
    page.goto(f"{live_server.url}/review/claims/{claim.pk}/")
    assert page.inner_text("#quote") == evil
    assert page.evaluate("window.__owned") is None
    assert page.locator("#sentence b, #sentence img, #sentence script").count() == 0
    assert "<u>Town</u>" in page.inner_text("#fields")
    page.goto(f"{live_server.url}/review/documents/{claim.document_id}/")
    assert page.evaluate("window.__owned") is None
    assert page.inner_text("h1") == "<script>x</script>"
    page.context.close()
