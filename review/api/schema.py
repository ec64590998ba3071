"""OpenAPI pieces: the error body, pages, and the webhook payloads (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers

from review.models import WebhookEndpoint

ERROR_MEANINGS = {
    400: "Invalid input: `errors` names each field; `detail` names the rule broken.",
    401: "Not signed in: send `Authorization: Token <token>`.",
    403: "Your role does not allow this.",
    404: "Not found, or not visible to you.",
    409: "The claim changed since you loaded it (stale `expected_version`), or the resource is in use.",
    413: "The document is over the size limit (CLAIMDESK_MAX_DOCUMENT_BYTES).",
    415: "Unsupported media type: not JSON, form data or a text document.",
    429: "Too many requests for this token: retry after the `Retry-After` header's seconds.",
}


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="Machine-readable: invalid, stale_version, evidence_required, ...")
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field errors of a 400, by field name.",
    )


class StaleSerializer(ErrorSerializer):
    expected_version = serializers.IntegerField()
    current_version = serializers.IntegerField()
    changes = serializers.ListField(child=serializers.DictField(), help_text="What changed since (audit events).")
    claim = serializers.DictField(help_text="The claim as it is now (as claims/{id}/ shows it).")


def ERRORS(*codes: int) -> dict:
    return {
        code: OpenApiResponse(StaleSerializer if code == 409 else ErrorSerializer, description=ERROR_MEANINGS[code])
        for code in codes
    }


_pages: dict[str, type] = {}


def page_of(item) -> type:
    """The page serializer for `item` rows: next, resume, results (never a bare list)."""
    name = item.__name__.removesuffix("Serializer") + "Page"
    if name not in _pages:
        fields = {
            "next": serializers.URLField(allow_null=True, help_text="The next page; null on the last one."),
            "resume": serializers.URLField(
                help_text="Where to poll later for what comes after this page (incremental sync)."
            ),
            "results": item(many=True),
        }
        page = type(name, (serializers.Serializer,), fields)
        _pages[name] = extend_schema_serializer(many=False)(page)
    return _pages[name]


WEBHOOK_DATA = {
    WebhookEndpoint.Event.CLAIM_UPDATED: {
        "claim_id": {"type": "integer"},
        "version": {"type": "integer"},
        "action": {"type": "string", "description": "The audit action: claim.corrected, evidence.added, ..."},
        "review_state": {"type": "string"},
        "verdict": {"type": "string"},
        "href": {"type": "string", "format": "uri"},
    },
    WebhookEndpoint.Event.CLAIM_VERDICT_APPROVED: {
        "claim_id": {"type": "integer"},
        "version": {"type": "integer"},
        "action": {"type": "string"},
        "review_state": {"type": "string"},
        "verdict": {"type": "string", "enum": ["confirmed", "denied", "unverified"]},
        "verdict_id": {"type": "integer"},
        "approved_by": {"type": "string"},
        "href": {"type": "string", "format": "uri"},
    },
    WebhookEndpoint.Event.DOCUMENT_EXTRACTED: {
        "document_id": {"type": "integer"},
        "status": {"type": "string"},
        "claim_count": {"type": "integer"},
        "href": {"type": "string", "format": "uri"},
        "claims": {"type": "string", "format": "uri"},
    },
}

SIGNATURE_DESCRIPTION = (
    "Signed with the endpoint's secret: the `Claimdesk-Signature` header is `t=<unix seconds>,v1=<hex>`, "
    "where hex is HMAC-SHA256(secret, `<t>.` + the exact body bytes). `Claimdesk-Event` names the event and "
    "`Claimdesk-Delivery` is the event's id (the same on every retry: deduplicate on it). Answer 2xx within "
    "10 seconds; anything else is retried with exponential backoff, and an endpoint that keeps failing is disabled."
)


def add_webhooks(result, generator, request, public):
    """Document the webhook payloads (OpenAPI 3.1 `webhooks`; also as components for 3.0 tools)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    webhooks = {}
    for event, data in WEBHOOK_DATA.items():
        name = "Webhook" + "".join(part.title() for part in event.replace(".", "_").split("_"))
        schemas[name] = {
            "type": "object",
            "description": f"{event}: {event.label}. {SIGNATURE_DESCRIPTION}",
            "required": ["id", "event", "created_at", "data"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "event": {"type": "string", "enum": [str(event)]},
                "created_at": {"type": "string", "format": "date-time"},
                "data": {"type": "object", "required": list(data), "properties": data},
            },
        }
        webhooks[str(event)] = {
            "post": {
                "summary": event.label,
                "description": SIGNATURE_DESCRIPTION,
                "requestBody": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}},
                "responses": {"2XX": {"description": "Received."}},
            }
        }
    result["x-webhooks"] = webhooks
    return result


class TokenScheme(OpenApiAuthenticationExtension):
    """API tokens (knox, review.api.auth): `Authorization: Token <token>`."""

    target_class = "review.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token with the prefix "Token": `Authorization: Token <token>` '
            "(made with `manage.py api_token USER`).",
        }
