"""Which client address a request counts as: the real peer, or, only when that peer is
a proxy named in ``DERMADASH_TRUSTED_PROXIES``, the address that proxy saw."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from dermadash import settings
from dermadash.settings import TRUSTED_PROXIES_VARIABLE

Network = IPv4Network | IPv6Network


class TrustedProxiesError(ValueError):
    """``DERMADASH_TRUSTED_PROXIES`` cannot be read; the message says why."""


def trusted_proxies(environ: Mapping[str, str] | None = None) -> list[Network]:
    """The proxies whose ``X-Forwarded-For`` is believed: addresses or networks,
    separated by commas (e.g. ``127.0.0.1, 10.0.0.0/8``); none when unset."""
    networks: list[Network] = []
    for entry in settings.trusted_proxy_entries(environ):
        try:
            networks.append(ip_network(entry, strict=False))
        except ValueError:
            raise TrustedProxiesError(
                f"{TRUSTED_PROXIES_VARIABLE} has '{entry}', which is not an address or a "
                "network: list them separated by commas, e.g. 127.0.0.1, 10.0.0.0/8."
            ) from None
    return networks


def _is_in(address: str, networks: list[Network]) -> bool:
    try:
        parsed = ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(peer: str, forwarded_for: str | None, trusted: list[Network]) -> str:
    """The peer itself, unless it is a trusted proxy: then the first proxy hop, the
    last ``X-Forwarded-For`` entry (the one that proxy added). Earlier entries are
    whatever the client claimed, and never believed."""
    if not forwarded_for or not _is_in(peer, trusted):
        return peer
    hop = forwarded_for.split(",")[-1].strip()
    try:
        return str(ip_address(hop.strip("[]")))
    except ValueError:
        return peer
