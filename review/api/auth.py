"""Token authentication with the caller's permissions loaded in the same breath.

knox's TokenAuthentication looks the token up by its key and compares
digests; on every request it also scans the user's other tokens for expired
ones, which costs a query per request. Here expired tokens are refused (and
deleted) when they are used, and the permissions the API checks are read in
one query with the conflicts the user is limited to, so a page costs
fewer round trips.
"""

from django.db import connection
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


# The user's permissions (their own and their groups') as "app_label.codename",
# and the conflicts they are limited to, in one round trip. A constant
# statement: building the same query through the ORM (a union over the
# many-to-many joins) costs several times what PostgreSQL takes to run it.
# The table names are Django's auth tables and Conflict.members' own.
PERMISSIONS_AND_CONFLICTS = """
SELECT 'permission', t.app_label || '.' || p.codename
FROM auth_permission p JOIN django_content_type t ON t.id = p.content_type_id
WHERE p.id IN (SELECT permission_id FROM auth_user_user_permissions WHERE user_id = %(user)s
               UNION SELECT g.permission_id FROM auth_group_permissions g
                     JOIN auth_user_groups m ON m.group_id = g.group_id WHERE m.user_id = %(user)s)
UNION ALL
SELECT 'conflict', CAST(conflict_id AS varchar(20)) FROM {members} WHERE user_id = %(user)s
""".replace("{members}", Conflict.members.through._meta.db_table)


def load_permissions(user) -> None:
    """Fill ModelBackend's permission cache and the conflicts the user is limited to, in one query.

    The conflicts go where claims.selectors.visible_conflict_ids keeps them
    for the request (None: not limited). Superusers need neither.
    """
    if user.is_superuser or hasattr(user, "_perm_cache"):
        return
    found = {"permission": set(), "conflict": set()}
    with connection.cursor() as cursor:
        cursor.execute(PERMISSIONS_AND_CONFLICTS, {"user": user.pk})
        for kind, value in cursor.fetchall():
            found[kind].add(value)
    user._perm_cache = found["permission"]
    user._claimdesk_conflicts = {int(pk) for pk in found["conflict"]} or None
