"""The Redis cache backend (relations.cache): values round-trip, and one Redis client
per connection pool is reused instead of being built for every call."""

import pytest

from relations.cache import RedisCache
from tests.security.servers import redis_or_skip


@pytest.fixture
def redis_cache():
    cache = RedisCache(redis_or_skip(), {"KEY_PREFIX": "test-relations-cache-backend"})
    yield cache
    cache.delete_many(["answer", "several-1", "several-2"])


def test_values_round_trip_and_expire_through_the_shared_client(redis_cache):
    redis_cache.set("answer", {"kept": [1, 2]}, timeout=30)
    assert redis_cache.get("answer") == {"kept": [1, 2]}
    redis_cache.set_many({"several-1": 1, "several-2": "two"})
    assert redis_cache.get_many(["several-1", "several-2", "missing"]) == {
        "several-1": 1,
        "several-2": "two",
    }
    redis_cache.delete("answer")
    assert redis_cache.get("answer", "gone") == "gone"


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client("any-key", write=True) is client
