"""Every error as JSON with a clear message and the right status; never a 500 for bad input.

The body is always {"status": ..., "code": ..., "detail": "...", "errors": {...}}:
`detail` is one sentence for a person, `errors` the field errors of a 400.
The services' exceptions map onto statuses: ValidationError 400 (the rule
broken), StaleVersion 409 (with the claim as it is now), PermissionDenied 403.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from review.services import StaleVersion

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed or is in use."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request is too large."
    default_code = "too_large"


def service_messages(exc: DjangoValidationError) -> list[str]:
    return [str(message) for message in exc.messages]


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return _stale(exc, context)
    if isinstance(exc, DjangoValidationError):
        code = getattr(exc, "code", None) or "rule_broken"
        exc = exceptions.ValidationError({"detail": " ".join(service_messages(exc))}, code=code)
        exc.rule_code = code
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found (or not visible to you).")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge("The request body is over the size the server accepts for this kind of request.")
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(str(exc) or "The request could not be read.")
    elif isinstance(exc, ProtectedError):
        exc = Conflict("Still in use by other records; it cannot be deleted.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django reports it and answers 500
    response.data = _body(exc, response)
    return response


def _body(exc: exceptions.APIException, response: Response) -> dict:
    data = exc.detail
    errors: dict = {}
    if isinstance(data, dict):
        if set(data) == {"detail"}:
            detail = _text(data["detail"])
        else:
            errors = {key: _list(value) for key, value in data.items()}
            detail = "Invalid input: " + "; ".join(
                f"{key}: {' '.join(map(str, messages))}" if key != "non_field_errors" else " ".join(map(str, messages))
                for key, messages in errors.items()
            )
    elif isinstance(data, list):
        detail = " ".join(_text(item) for item in data)
        errors = {"non_field_errors": [_text(item) for item in data]}
    else:
        detail = _text(data)
    code = getattr(exc, "rule_code", None) or _code(exc)
    body = {"status": response.status_code, "code": code, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else exc.default_code


def _text(value) -> str:
    if isinstance(value, list):
        return " ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"item {key}: {_text(item)}" for key, item in value.items())
    return str(value)


def _list(value) -> list[str]:
    """A field's messages as a list of sentences (a list's items say which item they are about)."""
    if isinstance(value, list):
        return [_text(item) for item in value]
    if isinstance(value, dict):
        return [
            f"item {key}: {_text(item)}" if isinstance(key, int) else f"{key}: {_text(item)}"
            for key, item in value.items()
        ]
    return [str(value)]


def _stale(exc: StaleVersion, context) -> Response:
    from review.api.serializers import ChangeSerializer, claim_data, claim_queryset, with_related

    request = context["request"]
    claim = with_related([claim_queryset().get(pk=exc.claim.pk)], request)[0]
    body = {
        "status": status.HTTP_409_CONFLICT,
        "code": "stale_version",
        "detail": str(exc.messages[0]),
        "expected_version": exc.expected,
        "current_version": claim.version,
        "changes": ChangeSerializer(exc.changes, many=True).data,
        "claim": claim_data(claim),
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


@csrf_exempt  # it changes nothing: a POST to no endpoint is a 404 too, never a CSRF page
def not_found(request, *args, **kwargs):
    """Any path under /api/v1/ that names no endpoint: a JSON 404 like every other error."""
    from django.http import JsonResponse

    return JsonResponse(
        {"status": 404, "code": "not_found", "detail": f"No API endpoint at {request.path}."}, status=404
    )
