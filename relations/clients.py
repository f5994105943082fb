"""Who is asking: the client's address, as login throttling counts it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting X-Forwarded-For only behind configured proxies.

    Each trusted proxy appends the address it received the request from, so behind N of
    them the client is the N-th address from the right; anything further left was sent by
    the client and may be forged. Without trusted proxies the header is ignored.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < count:
        # Not the path through our proxies: the peer is the only address we know.
        return peer
    return forwarded[-count]
