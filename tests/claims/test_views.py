import pytest


def test_healthz_eager_mode(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@pytest.mark.redis
def test_healthz_with_redis(client, db, broker_url, use_broker):
    use_broker(broker_url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_broker_down_is_503(client, db, use_broker):
    use_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_healthz_database_down_is_503():
    """A server whose database does not answer: /healthz says so, the process stays up."""
    import subprocess
    import sys

    from tests.conftest import ROOT, service_env

    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client(HTTP_HOST='127.0.0.1').get('/healthz')\n"
        "print(response.status_code, response.content.decode())\n"
    )
    env = service_env(
        DATABASE_URL="postgres://claimdesk@127.0.0.1:1/claimdesk", DJANGO_SETTINGS_MODULE="config.settings"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines()[-1] == '503 {"status": "down", "database": "down", "broker": "eager"}'
