"""Where the server may send a request on a customer's say-so (a webhook URL): SSRF rules
(docs/webhooks.md#ssrf, docs/security.md).

- https only; http when allowed (`WEBHOOK_ALLOW_HTTP`);
- no credentials in the URL;
- every address the host name resolves to must be public: not loopback, private, link-local,
  multicast, reserved or unspecified, nor an IPv4-mapped or NAT64 form of one, unless private
  addresses are allowed (`WEBHOOK_ALLOW_PRIVATE`, for tests and development).

`check` answers the addresses it checked, so the caller connects to one of them and not to
whatever a second resolution (DNS rebinding) would say."""
import ipaddress
import socket
from urllib.parse import urlsplit


class RefusedUrl(ValueError):
    """The URL may not be called; the message says why, for the user who gave it."""


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return _not_public(embedded)
    return (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or not address.is_global)


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an IP literal: itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedUrl(f"The host {host!r} does not resolve") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def check(url: str, *, allow_http: bool, allow_private: bool) -> list[str]:
    """The addresses `url` may be sent to, or RefusedUrl; none (resolve as usual) when private
    addresses are allowed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedUrl("Not a valid URL") from exc
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise RefusedUrl("The URL must be https" if not allow_http else "The URL must be http or https")
    if not parts.hostname:
        raise RefusedUrl("The URL has no host")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrl("The URL may not hold credentials")
    if allow_private:
        return []  # nothing to refuse: the caller resolves as usual
    addresses = resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    refused = [a for a in addresses if _not_public(ipaddress.ip_address(a.split("%", 1)[0]))]
    if refused:
        raise RefusedUrl(f"The host {parts.hostname!r} resolves to an address that is not public "
                         f"({', '.join(refused)}): loopback, private, link-local, multicast and reserved "
                         "addresses are refused")
    if not addresses:
        raise RefusedUrl(f"The host {parts.hostname!r} does not resolve")
    return addresses
