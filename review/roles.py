"""Roles: Django groups with the least permissions each job needs.

- analyst: sees claims, documents, conflicts and actors; corrects claims;
  adds evidence and takes or dismisses suggestions; proposes verdicts.
- editor: an analyst's permissions, plus approving or rejecting verdicts
  proposed by someone else, removing evidence, adding documents, exporting.
- admin: every permission: users, roles, the actor registry, deletions.
- api_client: reads claims, documents, conflicts and actors (an API token's
  role); never writes, never sees evidence.

The groups are made by a data migration and kept in step by `sync_roles`,
which a later migration calls again when this table changes.
"""

from django.contrib.auth.management import create_permissions
from django.core.exceptions import PermissionDenied

ANALYST, EDITOR, ADMIN, API_CLIENT = "analyst", "editor", "admin", "api_client"

_READ = [
    "claims.view_claim",
    "claims.view_document",
    "claims.view_conflict",
    "claims.view_actor",
    "claims.view_actormembership",
]
_ANALYST = [
    *_READ,
    "claims.correct_claim",
    "review.view_evidence",
    "review.add_evidence",
    "review.view_dismissedsuggestion",
    "review.view_verdict",
    "review.propose_verdict",
    "review.view_auditevent",
]
_EDITOR = [
    *_ANALYST,
    "review.decide_verdict",
    "review.remove_evidence",
    "claims.add_document",
    "review.view_dataset",
    "review.export_dataset",
]

ROLES: dict[str, list[str] | None] = {
    ANALYST: _ANALYST,
    EDITOR: _EDITOR,
    ADMIN: None,  # every permission there is
    API_CLIENT: _READ,
}
# Roles that work in the admin and the workspace (their users are staff).
STAFF_ROLES = frozenset({ANALYST, EDITOR, ADMIN})


def sync_roles(apps=None) -> None:
    """Create the role groups and give each exactly its permissions."""
    historical = apps is not None
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    for config in apps.get_app_configs():
        # Permissions are made after migrations run; a data migration makes
        # them first. Migration states have no models module, which
        # create_permissions takes for "no models": lend one for the call.
        stub = getattr(config, "models_module", None) is None
        if stub:
            config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        if stub:
            config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        if names is None:
            group.permissions.set(Permission.objects.all())
            continue
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is None and historical:
                continue  # its model comes in a later migration, which calls sync_roles again
            if found is None:
                raise Permission.DoesNotExist(f"No permission {name} for role {role}.")
            wanted.append(found)
        group.permissions.set(wanted)


def require(user, permission: str, action: str) -> None:
    """PermissionDenied naming the action, unless `user` holds `permission`."""
    if not (user is not None and user.is_active and user.has_perm(permission)):
        raise PermissionDenied(f"Your role does not allow you to {action}.")


def role_of(user) -> str | None:
    """The highest role a user holds, for display."""
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in (ADMIN, EDITOR, ANALYST, API_CLIENT) if role in names), None)
