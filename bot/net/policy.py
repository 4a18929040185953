"""Which addresses filmbot may fetch from, and URLs made fit to print.

Only global unicast addresses are fetched: loopback, private, shared (CGNAT), link-local,
multicast, reserved, documentation and unspecified addresses are refused, in IPv4 and
IPv6 alike, and so is an IPv6 address that carries one of them (IPv4-mapped
`::ffff:127.0.0.1`, NAT64 `64:ff9b::7f00:1`, 6to4 `2002:7f00:1::`). An operator may allow
named hosts (exact names or addresses, no wildcards), e.g. a feed server on localhost.

Refusals say what was refused in words, never which internal address a name has.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The well-known NAT64 prefix: the last 32 bits are the IPv4 address reached.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215) and the deprecated IPv4-compatible addresses: never global.
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# Not global, though Python 3.11's `is_global` says they are: shared address space
# (RFC 6598), IETF protocol assignments, the IPv6 documentation prefix of 2024.
_NOT_GLOBAL = (
    ipaddress.IPv4Network("100.64.0.0/10"),
    ipaddress.IPv4Network("192.0.0.0/24"),
    ipaddress.IPv6Network("3fff::/20"),
)
# An authority with user information: everything up to the last '@' before the path.
_AUTHORITY = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*:)?//(?P<authority>[^/?#]*)")


class FetchError(Exception):
    """No usable answer: no connection, a timeout, a cut-short or oversized body. The
    message is fit to show: it names no internal address, port or socket error."""


class FetchRefused(FetchError):
    """The URL (or a redirect) leads somewhere filmbot does not fetch from; the message
    starts with 'refused: ' and says why in words. `internal`: refused for its address
    (the operator may allow the host), not for its form."""

    def __init__(self, message: str, *, internal: bool = False) -> None:
        super().__init__(message)
        self.internal = internal


def parse_address(host: str) -> IPAddress | None:
    """`host` as an IP address ('[::1]' and a '%zone' suffix accepted), else None."""
    text = host.strip().removeprefix("[").removesuffix("]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_public_address(address: str | IPAddress) -> bool:
    """True for a global unicast address; False for anything else or not an address."""
    ip = parse_address(address) if isinstance(address, str) else address
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:  # a zone: link-local by nature
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if ip in _IPV4_COMPATIBLE or ip in _NAT64_LOCAL or ip.teredo or ip.is_site_local:
            return False
    if any(ip in network for network in _NOT_GLOBAL if network.version == ip.version):
        return False
    # `is_global` alone lets multicast (224.0.0.0/4, ff0e::/16) through in Python 3.11.
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def normalize_host(host: str) -> str:
    """A host as the allow-list compares it: lower case, no brackets or final dot, an
    address in its canonical form ('0:0::1' is '::1')."""
    text = host.strip().lower()
    address = parse_address(text)
    if address is not None:
        return str(address)
    name = text.rstrip(".")  # 'localhost.' is 'localhost'; '127.0.0.1.' is no address
    return text if name.replace(".", "").isdigit() else name


def check_allowed_host(entry: str) -> str:
    """One FILMBOT_FETCH_ALLOW_HOSTS entry, normalized; ValueError for a pattern, a URL,
    a network or a port (only exact host names and addresses are allowed)."""
    host = normalize_host(entry)
    if not host or any(ch in host for ch in "*?/@[] \t"):
        raise ValueError(f"{entry!r} is not a host name or address (no wildcards or networks)")
    address = parse_address(host)
    if ":" in host and address is None:
        raise ValueError(f"{entry!r} is not a host name or address (no ports)")
    if address is not None and address.is_unspecified:
        raise ValueError(f"{entry!r} would mean every address: name the host itself")
    return host


@dataclass(frozen=True)
class FetchPolicy:
    """What may be fetched: public addresses, and the hosts in `allow_hosts` (exact,
    normalized names or addresses) whatever their addresses."""

    allow_hosts: frozenset[str] = frozenset()

    @classmethod
    def allowing(cls, hosts: Iterable[str] = ()) -> FetchPolicy:
        return cls(frozenset(check_allowed_host(h) for h in hosts if h.strip()))

    def allows(self, host: str) -> bool:
        return bool(self.allow_hosts) and normalize_host(host) in self.allow_hosts


def redact_url(url: str) -> str:
    """`url` with its user information (a name, a password, a token) as '***':
    'https://ana:secret@host/feed' is 'https://***@host/feed'."""
    match = _AUTHORITY.match(url.strip())
    if match is None or "@" not in match["authority"]:
        return url
    host = match["authority"].rpartition("@")[2]
    return f"{match['head'] or ''}//***@{host}{url.strip()[match.end() :]}"
