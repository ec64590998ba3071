"""The admin as a person uses it, in Debian's Chromium driven by Playwright."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from claims import services
from claims.models import Claim
from tests.conftest import CORPUS
from tests.factories import UserFactory

PASSWORD = "browser-test-password-1"


@pytest.fixture
def page(chromium_browser):
    return chromium_browser.new_page()


@pytest.mark.django_db(transaction=True)
def test_admin_login_and_filter_claims(page, live_server, actors):
    services.document_ingest(raw=(CORPUS / "000_d8d09dd0182ca9c2.txt").read_bytes())
    get_user_model().objects.create_superuser("analyst", password=PASSWORD)
    denials = Claim.objects.filter(stance="deny").count()
    assert denials == 3  # the filter check below means nothing on an empty result

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#pipeline-status")
    assert "extracted: 1" in page.inner_text("#pipeline-status")

    page.goto(f"{live_server.url}/admin/claims/claim/")
    page.click("#changelist-filter a[href*='stance=deny']")
    page.wait_for_url("**stance=deny**")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == denials
    tags = page.locator("#result_list td.field-claim_column .cd-meta").all_inner_texts()
    assert len(tags) == denials
    assert all(tag.startswith("Deny · ") for tag in tags), tags


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#pipeline-status")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_admin_pages_read_at_1280_px(page, live_server, actors):
    from review import services as review

    services.document_ingest(raw=(CORPUS / "000_d8d09dd0182ca9c2.txt").read_bytes(), conflict=actors)
    analyst = UserFactory(username="ana", roles=["analyst"], password=PASSWORD)
    editor = UserFactory(username="ed", roles=["editor"], password=PASSWORD)
    answered = Claim.objects.filter(responses__stance="deny").order_by("pk").first()
    review.evidence_add(
        claim=answered,
        user=analyst,
        url="https://icrc.example/statement",
        outlet="ICRC",
        relation="supports",
        title="Field report",
        excerpt="Our team saw the shelling of the town.",
    )
    review.evidence_add(
        claim=answered, user=analyst, url="https://tv.example/news", outlet="Azerbaijani MoD", relation="refutes"
    )
    proposal = review.verdict_propose(
        claim=answered, user=analyst, decision="confirmed", rationale="The ICRC team saw it.", expected_version=2
    )
    review.verdict_approve(verdict=proposal, user=editor)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "ana")

    mentions = Claim.objects.filter(sentence__contains="Stepanakert").count()
    assert mentions > 0
    page.goto(f"{live_server.url}/admin/claims/claim/")
    page.fill("#searchbar", "Stepanakert")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**q=Stepanakert**")
    assert page.locator("#result_list tbody tr").count() == mentions
    assert fits(page), "the claims list scrolls sideways at 1280 px"
    page.goto(f"{live_server.url}/admin/claims/claim/?stance=deny")
    assert page.locator("#result_list td.field-answers_column a").count() > 0
    assert fits(page)
    page.screenshot(path=SCREENSHOTS / "admin-changelist.png")

    page.goto(f"{live_server.url}/admin/claims/claim/{answered.pk}/change/")
    assert page.locator("#evidence .cd-independent").count() == 1
    assert page.locator("#evidence .cd-not-independent").count() == 1
    assert fits(page), "the claim page scrolls sideways at 1280 px"
    page.screenshot(path=SCREENSHOTS / "admin-claim.png", full_page=True)

    page.goto(f"{live_server.url}/admin/claims/document/{answered.document_id}/change/")
    assert page.locator("#document-claims tbody tr").count() == min(50, answered.document.claims.count())
    assert fits(page), "the document page scrolls sideways at 1280 px"
    page.screenshot(path=SCREENSHOTS / "admin-document.png", full_page=True)
