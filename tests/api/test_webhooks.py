"""Webhooks delivered to a real HTTP server: signed, logged, retried with backoff, disabled when failing."""

import http.server
import json
import threading
import time

import pytest

from claims import services as pipeline
from review import services
from review.api import webhooks
from review.api.tasks import deliver_webhook
from review.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import wait_until
from tests.factories import ConflictFactory

SECRET = "a-shared-secret-of-some-length"


class Receiver:
    """An HTTP server in a thread that records every request and answers with the next status given."""

    def __init__(self, statuses=()):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "at": time.monotonic()})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [request["headers"]["Claimdesk-Event"] for request in self.requests]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver():
    started = []

    def start(statuses=()):
        server = Receiver(statuses)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def readme_verify(secret: str, header: str, body: bytes, now: float) -> bool:
    """The README's verification snippet, as a receiver would paste it."""
    import hashlib
    import hmac

    fields = dict(item.split("=", 1) for item in header.split(","))
    signed = f"{fields['t']}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(now - int(fields["t"])) < 300


def _approve(claim, users):
    services.evidence_add(
        claim=claim,
        user=users["analyst"],
        url="https://gazette.example/a",
        outlet="Harbour Gazette",
        relation="supports",
    )
    verdict = services.verdict_propose(
        claim=claim, user=users["analyst"], decision="confirmed", rationale="Photographs.", expected_version=1
    )
    services.verdict_approve(verdict=verdict, user=users["editor"])


@pytest.mark.django_db
def test_registered_endpoint_gets_signed_events(api, users, claim, receiver, django_capture_on_commit_callbacks):
    server = receiver()
    created = api["api_client"].post(
        "/api/v1/webhooks/",
        {"url": server.url, "events": ["claim.verdict_approved", "claim.updated"], "secret": SECRET},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["secret"] == SECRET

    with django_capture_on_commit_callbacks(execute=True):
        _approve(claim, users)

    assert server.events() == ["claim.updated", "claim.updated", "claim.updated", "claim.verdict_approved"]
    approved = server.requests[-1]
    payload = json.loads(approved["body"])
    assert payload["event"] == "claim.verdict_approved"
    assert payload["data"] == {
        "claim_id": claim.pk,
        "version": 3,
        "action": "verdict.approved",
        "review_state": "approved",
        "verdict": "confirmed",
        "verdict_id": claim.verdicts.get().pk,
        "approved_by": "editor-user",
        "href": f"http://127.0.0.1:8000/api/v1/claims/{claim.pk}/",
    }
    assert approved["headers"]["Claimdesk-Delivery"] == payload["id"]
    header = approved["headers"]["Claimdesk-Signature"]
    assert readme_verify(SECRET, header, approved["body"], time.time()) is True
    assert readme_verify("another-secret", header, approved["body"], time.time()) is False
    assert readme_verify(SECRET, header, approved["body"] + b" ", time.time()) is False
    assert webhooks.verify(SECRET, header, approved["body"], now=int(time.time())) is True
    log = api["api_client"].get(f"/api/v1/webhooks/{created.json()['id']}/deliveries/").json()["results"]
    assert [(row["event"], row["status"], row["attempts"], row["response_status"]) for row in log] == [
        ("claim.verdict_approved", "delivered", 1, 200),
        ("claim.updated", "delivered", 1, 200),
        ("claim.updated", "delivered", 1, 200),
        ("claim.updated", "delivered", 1, 200),
    ]


@pytest.mark.django_db
def test_events_go_only_to_owners_who_may_see_them(users, claim, receiver, django_capture_on_commit_callbacks):
    server = receiver()
    owner = users["api_client"]
    ConflictFactory(slug="elsewhere").members.add(owner)
    WebhookEndpoint.objects.create(owner=owner, url=server.url, secret=SECRET, events=["claim.updated"])

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_correct(claim=claim, user=users["analyst"], expected_version=0, stance="deny")

    assert server.requests == []
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_document_extracted_event(users, actors, receiver, django_capture_on_commit_callbacks):
    server = receiver()
    WebhookEndpoint.objects.create(
        owner=users["api_client"], url=server.url, secret=SECRET, events=["document.extracted"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        document = pipeline.document_ingest(
            raw="On 2 October the Azerbaijani MoD said that Tartar was shelled."
        ).document

    document.refresh_from_db()
    assert server.events() == ["document.extracted"]
    data = json.loads(server.requests[0]["body"])["data"]
    assert (data["document_id"], data["status"], data["claim_count"]) == (document.pk, "extracted", 1)


@pytest.mark.django_db
def test_failing_endpoint_is_retried_then_disabled_and_shown_so(
    settings, users, claim, receiver, client, django_capture_on_commit_callbacks
):
    settings.CLAIMDESK_WEBHOOK_MAX_ATTEMPTS = 3
    settings.CLAIMDESK_WEBHOOK_BACKOFF_SECONDS = 0
    settings.CLAIMDESK_WEBHOOK_DISABLE_AFTER = 5
    server = receiver(statuses=[500] * 10)
    endpoint = WebhookEndpoint.objects.create(
        owner=users["api_client"], url=server.url, secret=SECRET, events=["claim.updated"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_correct(claim=claim, user=users["analyst"], expected_version=0, stance="deny")
        services.claim_correct(claim=claim, user=users["analyst"], expected_version=1, claim_type="casualties")

    first, second = WebhookDelivery.objects.order_by("id")
    assert (first.status, first.attempts, first.response_status, first.error) == (
        "failed",
        3,
        500,
        "the endpoint answered HTTP 500",
    )
    assert (second.status, second.attempts) == ("failed", 2)  # the fifth failure in a row disabled the endpoint
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 5
    assert endpoint.disabled_reason == "Disabled after 5 failed attempts in a row."
    assert len(server.requests) == 5

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_correct(claim=claim, user=users["analyst"], expected_version=2, stance="assert")
    assert len(server.requests) == 5  # a disabled endpoint gets nothing

    client.force_login(users["admin"])
    page = client.get("/admin/review/webhookendpoint/").content.decode()
    assert '<strong style="color:#c62828">Disabled</strong> since ' in page
    assert "Disabled after 5 failed attempts in a row." in page
    assert client.get("/admin/review/webhookendpoint/?state=disabled").context["cl"].result_count == 1


@pytest.mark.django_db
def test_unreachable_endpoint_is_logged_with_the_error(settings, users, claim, django_capture_on_commit_callbacks):
    settings.CLAIMDESK_WEBHOOK_MAX_ATTEMPTS = 1
    WebhookEndpoint.objects.create(
        owner=users["api_client"], url="http://127.0.0.1:1/hook", secret=SECRET, events=["claim.updated"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_correct(claim=claim, user=users["analyst"], expected_version=0, stance="deny")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, None)
    assert delivery.error.startswith("URLError: [Errno 111] Connection refused")


@pytest.mark.django_db
def test_delivery_task_row_missing_and_runs_twice(users, claim, receiver):
    server = receiver()
    endpoint = WebhookEndpoint.objects.create(owner=users["api_client"], url=server.url, secret=SECRET, events=[])
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="claim.updated", event_id="0" * 32, payload={"event": "claim.updated"}
    )

    assert deliver_webhook(delivery_id=delivery.pk + 1000) == "missing"
    assert deliver_webhook(delivery_id=delivery.pk) == "delivered"
    assert deliver_webhook(delivery_id=delivery.pk) == "delivered"

    delivery.refresh_from_db()
    assert (delivery.attempts, len(server.requests)) == (1, 1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_with_backoff(users, claim, receiver, broker_url, use_broker, start_worker):
    server = receiver(statuses=[503])
    endpoint = WebhookEndpoint.objects.create(
        owner=users["api_client"], url=server.url, secret=SECRET, events=["claim.updated"]
    )
    use_broker(broker_url)
    start_worker(CLAIMDESK_WEBHOOK_BACKOFF_SECONDS="2", CLAIMDESK_WEBHOOK_MAX_ATTEMPTS="3")

    services.claim_correct(claim=claim, user=users["analyst"], expected_version=0, stance="deny")

    delivery = wait_until(lambda: WebhookDelivery.objects.filter(endpoint=endpoint, status="delivered").first())
    assert (delivery.attempts, delivery.response_status) == (2, 200)
    first, second = server.requests
    assert second["at"] - first["at"] >= 2
    assert first["headers"]["Claimdesk-Delivery"] == second["headers"]["Claimdesk-Delivery"]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


@pytest.mark.django_db
def test_without_a_broker_a_failed_delivery_is_not_retried_inside_the_request(
    settings, users, claim, receiver, django_capture_on_commit_callbacks
):
    settings.CLAIMDESK_WEBHOOK_BACKOFF_SECONDS = 30
    server = receiver(statuses=[500] * 10)
    WebhookEndpoint.objects.create(owner=users["api_client"], url=server.url, secret=SECRET, events=["claim.updated"])

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_correct(claim=claim, user=users["analyst"], expected_version=0, stance="deny")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, len(server.requests)) == ("failed", 1, 1)
    assert delivery.error == "the endpoint answered HTTP 500 (not retried: retries need a worker and a broker)"
