"""Who may call what: a role's Django permissions, checked before any input is read.

The services check the same permissions again (review.roles.require); the
API checks first so that a role that may not act gets 403 whatever it sent.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class RolePermission(BasePermission):
    """The view's `required_permissions`: {"action:METHOD", action or method: [permission, ...]}.

    Reads need the view's `read_permissions` (default: none beyond being
    signed in; visibility then scopes the rows).
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        needed = _needed(view, request)
        missing = [name for name in needed if not user.has_perm(name)]
        if missing:
            self.message = f"Your role does not allow this (it needs the permission {missing[0]})."
            return False
        return True


def _needed(view, request) -> list[str]:
    table = getattr(view, "required_permissions", {})
    action = getattr(view, "action", None)
    if f"{action}:{request.method}" in table:
        return table[f"{action}:{request.method}"]
    if action in table:
        return table[action]
    if request.method in SAFE_METHODS:
        return table.get("read", [])
    return table.get(request.method, table.get("write", []))
