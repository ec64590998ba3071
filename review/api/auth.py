"""Token authentication with the caller's permissions loaded in the same breath.

knox's TokenAuthentication looks the token up by its key and compares
digests; on every request it also scans the user's other tokens for expired
ones, which costs a query per request. Here expired tokens are refused (and
deleted) when they are used, and the permissions the API checks are read in
one query with the conflicts the user is limited to, so a page costs
fewer round trips.
"""

from django.contrib.auth.models import Permission
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication

from claims.models import Conflict


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
    """Fill ModelBackend's permission cache and the conflicts the user is limited to, in one query.

    The conflicts go where claims.selectors.visible_conflict_ids keeps them
    for the request (None: not limited). Superusers need neither.
    """
    if user.is_superuser or hasattr(user, "_perm_cache"):
        return
    permissions = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .order_by()
        .values_list(Value("permission"), Concat("content_type__app_label", Value("."), "codename"))
    )
    conflicts = (
        Conflict.members.through.objects.filter(user_id=user.pk)
        .order_by()
        .values_list(Value("conflict"), Cast("conflict_id", CharField()))
    )
    found = {"permission": set(), "conflict": set()}
    for kind, value in permissions.union(conflicts, all=True).order_by():
        found[kind].add(value)
    user._perm_cache = found["permission"]
    user._claimdesk_conflicts = {int(pk) for pk in found["conflict"]} or None
