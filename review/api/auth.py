"""Token authentication with the caller's permissions loaded in the same breath.

knox's TokenAuthentication looks the token up by its key and compares
digests; on every request it also scans the user's other tokens for expired
ones, which costs a query per request. Here expired tokens are refused (and
deleted) when they are used, and the permissions the API checks are read in
one query instead of two, so a page costs fewer round trips.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        load_permissions(user)
        return user, token


def load_permissions(user) -> None:
    """Fill ModelBackend's permission cache with one query (superusers need none)."""
    if user.is_superuser or hasattr(user, "_perm_cache"):
        return
    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    user._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
