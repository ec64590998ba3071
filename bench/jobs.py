"""Steps that run inside Django, in their own process: `python -m bench.jobs NAME '{json}'`.

The harness starts them with DATABASE_URL set for a benchmark database; each prints
one JSON line with its result.
"""

import json
import os
import sys


def superuser(*, username: str, password: str) -> dict:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return {"username": username}


JOBS = {"superuser": superuser}


def main() -> None:
    name, arguments = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(JOBS[name](**arguments)), flush=True)


if __name__ == "__main__":
    main()
