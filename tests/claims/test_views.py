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
