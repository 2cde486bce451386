"""Where webhooks may be sent: never to the inside of the network the worker runs in.

A subscription's URL is chosen by whoever holds an admin key. Unchecked, the worker would
POST to a database port on loopback, to the cloud's metadata service or to an admin page
on the intranet, and the delivery log would tell open ports from closed ones. So, as
GitLab's "allow requests to the local network" setting does: public unicast addresses
are allowed; loopback, link-local, unspecified, multicast, reserved and private addresses
only inside the networks `CRM_WEBHOOK_ALLOWED_NETWORKS` names (a municipal intranet
receiver lives in 10.0.0.0/8 or 192.168.0.0/16); cloud metadata services never.

The rule is checked twice: on the URL when a subscription is saved (a 422), and on every
address the host name resolves to when a delivery is sent. The delivery then connects to
the address that was checked (`webhook_http.post`): no second lookup that a rebinding
DNS server could answer differently.
"""

import contextlib
import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

SETTING = "CRM_WEBHOOK_ALLOWED_NETWORKS"
# AWS, GCP, Azure, Oracle (169.254.169.254), AWS over IPv6, Alibaba: credentials live there.
METADATA_ADDRESSES = frozenset(
    ip_address(text) for text in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
METADATA_HOSTS = frozenset(
    {"metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"}
)
# In the order asked: 127.0.0.1 is private too, but "loopback" says more.
SPECIAL_KINDS = (
    ("unspecified", "is_unspecified"),
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("reserved", "is_reserved"),
    ("private or special-purpose", "is_private"),
)


class RefusedTarget(Exception):
    """A webhook URL whose host is, or resolves to, an address the worker must not reach."""


def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.0.0.0/8, 192.168.20.0/24` (commas or spaces): the networks allowed besides
    public addresses. A wrong entry stops the start, rather than being skipped."""
    networks = []
    for entry in text.replace(",", " ").split():
        try:
            networks.append(ip_network(entry))
        except ValueError as error:
            raise ValueError(
                f"{SETTING}: {entry!r} is not a network like 10.0.0.0/8 ({error})"
            ) from None
    return tuple(networks)


def refusal(address: Address, allowed: Iterable[Network]) -> str | None:
    """Why the worker may not connect to `address`; None if it may."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if address in METADATA_ADDRESSES:
        return f"{address} is a cloud metadata service"
    if any(address in network for network in allowed):
        return None
    for kind, test in SPECIAL_KINDS:
        if getattr(address, test):
            return f"{address} is a {kind} address, not allowed by {SETTING}"
    if not address.is_global:
        return f"{address} is not a public address, and not allowed by {SETTING}"
    return None


def checked_address(url: str, allowed: Iterable[Network]) -> Address:
    """The address to connect to for `url`: its host resolved once, every address it
    resolves to checked. RefusedTarget if one is refused; OSError if it does not resolve."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if host in METADATA_HOSTS:
        raise RefusedTarget(f"{host} is a cloud metadata service")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedTarget("the port is not a number from 1 to 65535") from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError:  # a name too long for DNS
        raise OSError(f"{host} cannot be looked up") from None
    # A scoped IPv6 address (fe80::1%eth0) is link-local whatever its scope.
    addresses = [ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
    for address in addresses:
        reason = refusal(address, allowed)
        if reason:
            raise RefusedTarget(reason if host == str(address) else f"{host} ({reason})")
    return addresses[0]


def check_url(url: str, allowed: Iterable[Network]) -> None:
    """At subscription time: refuse a URL that is known to reach inside. A host name that
    does not resolve here may resolve where the worker runs; it is checked there."""
    with contextlib.suppress(OSError):
        checked_address(url, allowed)
