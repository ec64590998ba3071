import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from review.roles import role_of


class Command(BaseCommand):
    help = (
        "Make an API token for a user and print it (it is stored only as a digest and cannot be shown again). "
        "The token acts with the user's role: give API clients the api_client role (read-only). "
        "Revoke tokens by deleting them in the admin (Knox: Auth tokens)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, help="expire the token after this many days (default: never)")

    def handle(self, *args, username, days, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"no user {username!r}; create it first (the admin, or manage.py createsuperuser)"
            ) from None
        if not user.is_active:
            raise CommandError(f"{username} is not active; a token would not authenticate")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        role = role_of(user)
        if role is None:
            raise CommandError(f"{username} has no role; give one first (manage.py grant_role {username} api_client)")
        expiry = datetime.timedelta(days=days) if days else None
        instance, token = AuthToken.objects.create(user=user, expiry=expiry)
        self.stdout.write(token)
        until = f"until {instance.expiry:%Y-%m-%d %H:%M} UTC" if instance.expiry else "until revoked"
        self.stderr.write(
            f"Token for {username} (role {role}), valid {until}. Send it as: Authorization: Token <token>"
        )
