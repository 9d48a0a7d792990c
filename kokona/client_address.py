"""The address of the person at the other end, as far as kokona can trust it.

Behind TLS proxies, REMOTE_ADDR is the nearest proxy's address. Each trusted proxy appends the
address it saw to X-Forwarded-For, so the client's real address is the entry that the outermost
trusted proxy wrote: the TRUSTED_PROXY_COUNT-th from the right. Everything further left was
written by the client and proves nothing: a spoofed leftmost entry changes nothing here.

Sign-in lockouts (django-axes, through AXES_CLIENT_IP_CALLABLE) and the audit trail both read the
address from here, so they agree.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        # The request did not pass through every trusted proxy: what reached us is all we know.
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # A trusted proxy never writes this; do not let a malformed value become a lockout key.
        return remote
