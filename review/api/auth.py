"""Token authentication that reads the token, its user and what the user may do in one statement.

knox's TokenAuthentication looks the token up by its key through the ORM and
compares digests; on every request it also scans the user's other tokens for
expired ones. Here one constant statement brings the token rows of the key,
their user, the user's permissions (own and their groups') and the conflicts
they are limited to, so an API request spends one round trip and no query
building on who is asking. Expired tokens are refused (and deleted) when they
are used.
"""

import binascii
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from rest_framework import exceptions

from claims.models import Conflict
from review.api.statements import row_reader, statement_cursor

User = get_user_model()
Token = get_token_model()

# Columns by attribute name, in the order the statement selects them.
TOKEN_FIELDS = [field.attname for field in Token._meta.concrete_fields]
USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _columns(model, alias: str) -> str:
    return ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields)


# What a user may do, one row a grant: "permission" as "app_label.codename", "conflict"
# as the id of a conflict they are limited to. The table names are Django's auth
# tables and Conflict.members' own.
GRANTS = """
SELECT up.user_id AS user_id, 'permission' AS kind, ct.app_label || '.' || p.codename AS value
FROM auth_user_user_permissions up
JOIN auth_permission p ON p.id = up.permission_id JOIN django_content_type ct ON ct.id = p.content_type_id
UNION ALL
SELECT ug.user_id, 'permission', ct.app_label || '.' || p.codename
FROM auth_user_groups ug JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
JOIN auth_permission p ON p.id = gp.permission_id JOIN django_content_type ct ON ct.id = p.content_type_id
UNION ALL
SELECT m.user_id, 'conflict', CAST(m.conflict_id AS varchar(20)) FROM {members} m
""".replace("{members}", Conflict.members.through._meta.db_table)

# The token rows of one key (one, almost always), each with its user and one grant a row
# (none for a superuser, who needs none): a constant statement, built once.
TOKEN_USER_AND_GRANTS = f"""
SELECT {_columns(Token, "t")}, {_columns(User, "u")}, g.kind, g.value
FROM {Token._meta.db_table} t
JOIN {User._meta.db_table} u ON u.id = t.user_id
LEFT JOIN ({GRANTS}) g ON g.user_id = t.user_id AND NOT u.is_superuser
WHERE t.token_key = %s
"""  # noqa: S608 - table and column names come from the models


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        invalid = exceptions.AuthenticationFailed("Invalid token.")
        token = token.decode("utf-8", errors="replace")
        try:
            digest = hash_token(token)
        except (TypeError, ValueError, binascii.Error):
            raise invalid from None
        for auth_token in tokens_of_key(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                auth_token.delete()
                break
            return self.validate_user(auth_token)
        raise invalid


def tokens_of_key(key: str) -> list:
    """The tokens stored under `key`, each with its user, whose permission cache is filled.

    The permissions go where ModelBackend looks for them (`_perm_cache`), the
    conflicts where claims.selectors.visible_conflict_ids keeps them for the
    request (None: not limited).
    """
    with statement_cursor() as cursor:
        cursor.execute(TOKEN_USER_AND_GRANTS, [key])
        read = row_reader([*Token._meta.concrete_fields, *User._meta.concrete_fields])
        rows = [read(row) for row in cursor.fetchall()]
    tokens, grants = {}, {}
    split = len(TOKEN_FIELDS)
    end = split + len(USER_FIELDS)
    for row in rows:
        digest = row[0]
        if digest not in tokens:
            auth_token = Token.from_db(connection.alias, TOKEN_FIELDS, row[:split])
            auth_token.user = User.from_db(connection.alias, USER_FIELDS, row[split:end])
            tokens[digest] = auth_token
            grants[digest] = {"permission": set(), "conflict": set()}
        kind, value = row[end], row[end + 1]
        if kind is not None:
            grants[digest][kind].add(value)
    for digest, auth_token in tokens.items():
        user = auth_token.user
        if not user.is_superuser:
            user._perm_cache = grants[digest]["permission"]
            user._claimdesk_conflicts = {int(pk) for pk in grants[digest]["conflict"]} or None
    return list(tokens.values())
