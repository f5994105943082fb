"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's own backend builds a new ``redis.Redis`` object for every cache call; building
one fills its table of response callbacks (some 170 entries), about 0.4 ms each time, and
a signed-in page makes four or more cache calls (the session, the review count, the kept
question versions). A client is only a thin object over its connection pool, and is safe
to share between threads, so one per pool is kept and reused. Connections, pools and
their behaviour after a fork are unchanged: they stay with redis-py's pool.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
