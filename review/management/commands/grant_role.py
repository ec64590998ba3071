from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from review.roles import ROLES, STAFF_ROLES


class Command(BaseCommand):
    help = (
        "Give a user a role (analyst, editor, admin, api_client), or take it back with --revoke. "
        "Analysts, editors and admins become staff, so they can sign in to the admin and the workspace."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("--revoke", action="store_true", help="take the role away instead")

    def handle(self, *args, username, role, revoke, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"no user {username!r}; create it first (manage.py createsuperuser or the admin)"
            ) from None
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise CommandError(f"the {role} group is missing; run manage.py migrate")
        if revoke:
            user.groups.remove(group)
            remaining = set(user.groups.values_list("name", flat=True))
            if user.is_staff and not user.is_superuser and not remaining & STAFF_ROLES:
                user.is_staff = False
                user.save(update_fields=["is_staff"])
            self.stdout.write(f"{username} no longer has the role {role}.")
            return
        user.groups.add(group)
        if role in STAFF_ROLES and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        held = ", ".join(sorted(user.groups.values_list("name", flat=True)))
        self.stdout.write(f"{username} now has the role {role} (roles: {held}).")
