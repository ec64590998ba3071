"""The admin as a person uses it, in Debian's Chromium driven by Playwright."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from claims import services
from claims.models import Claim
from tests.conftest import CORPUS

PASSWORD = "browser-test-password-1"


@pytest.fixture
def page(chromium_path, live_server):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made by the test itself between page actions are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser.new_page()
        browser.close()
        # The ORM calls made while Playwright's loop ran opened a connection of
        # their own context; left open, it keeps the test database from being dropped.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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
