"""The login limit with Redis storage, as production runs it (several workers, one counter)."""
from __future__ import annotations

import os

import pytest

from consult import create_app
from consult.extensions import db, limiter

from ..conftest import PASSWORD, TEST_CONFIG, Client
from ..factories import make_person
from ..web.support import limiter_restored

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set: set it to a scratch Redis "
                                                      "(e.g. redis://127.0.0.1:6379/15) to test the login "
                                                      "limit with Redis storage")


@pytest.fixture
def redis_apps(app):
    """make() gives a new app instance (a stand-in for another worker) with its limits in Redis."""
    made = []

    def make():
        other = create_app({**TEST_CONFIG, "RATELIMIT_STORAGE_URI": REDIS_URL})
        other.test_client_class = Client
        made.append(other)
        return other
    with limiter_restored():
        try:
            yield make
        finally:
            limiter.reset()  # clear the counters in Redis
            for other in made:
                with other.app_context():
                    db.session.remove()
                    db.engine.dispose()


def test_the_login_limit_holds_across_workers_with_redis(redis_apps):
    import redis
    first = redis_apps()
    assert type(limiter.storage).__name__.lower().startswith("redis")
    limiter.reset()
    with first.app_context():
        make_person(email="ha.neul@example.org")
    c = first.test_client()
    for _ in range(10):
        r = c.post("/en/login", data={"email": "ha.neul@example.org", "password": "guess"})
        assert r.status_code == 422
    assert c.post("/en/login", data={"email": "ha.neul@example.org", "password": PASSWORD}).status_code == 429
    assert redis.Redis.from_url(REDIS_URL).keys("LIMITS*")  # the counters live in Redis
    # another worker, with its own limiter storage object, sees the same counters
    second = redis_apps()
    r = second.test_client().post("/en/login", data={"email": "ha.neul@example.org", "password": PASSWORD})
    assert r.status_code == 429
