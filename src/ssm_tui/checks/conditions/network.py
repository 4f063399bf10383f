"""Values that name places: IP ranges (and aws:SourceIp's public-only addresses), VPC and VPC
endpoint IDs, Regions.  The formats are read by ssm_tui.iam.values."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from ssm_tui.checks.base import Finding, Severity, quote
from ssm_tui.checks.conditions.common import EntryState, did_you_mean, shown
from ssm_tui.iam.catalog import closest
from ssm_tui.iam.glob import glob_regex, has_wildcard
from ssm_tui.iam.values import (
    IpNetwork,
    is_region,
    is_vpc_endpoint_id,
    is_vpc_id,
    parse_ip_range,
)
from ssm_tui.policy.model import LocatedScalar

# Address blocks reserved for documentation (RFC 5737, RFC 3849).  Python counts them as
# private, but AWS's own examples use 203.0.113.0/24 as a public range: not reported.
_DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def ip_range_finding(e: EntryState, located: LocatedScalar) -> Finding | None:
    """TYPE_MISMATCH_IP_RANGE for a value that is no range, IMPROVE_IP_RANGE for host bits."""
    value, pointer = located.value, located.pointer
    parsed = parse_ip_range(value)
    if parsed is None:
        return e.ctx.finding(
            Severity.ERROR,
            "TYPE_MISMATCH_IP_RANGE",
            f"{shown(value)} is not an IP address or CIDR range, which {e.op.text} "
            f"needs (for example 203.0.113.0/24 or 2001:db8::/32).",
            pointer,
        )
    network = parsed.network
    if parsed.host_bits:
        return e.ctx.finding(
            Severity.SUGGESTION,
            "IMPROVE_IP_RANGE",
            f"{quote(str(value))} has bits set after the /{network.prefixlen} mask, which "
            f"are ignored: the range is {network}. Write {quote(str(network))}.",
            pointer,
            suggestion=str(network),
            fix=e.ctx.replace_value(pointer, str(network), f"write {network}"),
        )
    return None


def _is_private(network: IpNetwork) -> bool:
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped  # ::ffff:203.0.113.7 is an IPv4 address
        if mapped is not None:
            return _is_private(ipaddress.IPv4Network(f"{mapped}/{network.prefixlen - 96}"))
    if any(
        network.version == doc.version and network.subnet_of(doc)  # type: ignore[arg-type]
        for doc in _DOCUMENTATION_NETWORKS
    ):
        return False
    return network.is_private


def private_findings(e: EntryState, values: list[LocatedScalar]) -> Iterator[Finding]:
    """aws:SourceIp is only ever a public address: private ranges match nothing."""
    ranges = [parse_ip_range(v.value) for v in values]
    private = [r is not None and _is_private(r.network) for r in ranges]
    if not any(private) or any(r is None for r in ranges):
        return
    negated = e.op.negated
    key = quote(e.entry.key)
    if all(private):
        if not negated and not e.op.if_exists and e.op.qualifier is None:
            e.state.dead_reason = True
        effect = "always true, so it excludes nothing" if negated else "never true"
        yield e.finding(
            Severity.ERROR,
            "PRIVATE_NOT_IP_ADDRESS" if negated else "PRIVATE_IP_ADDRESS",
            f"{key} is only ever a public address: requests from private addresses "
            f"(for example through a VPC endpoint) do not carry it. Every range here is "
            f"private, so this condition is {effect}. List public ranges, or use "
            f"aws:VpcSourceIp for private ones.",
        )
        return
    listed = ", ".join(quote(str(v.value)) for v, p in zip(values, private, strict=True) if p)
    yield e.finding(
        Severity.SUGGESTION,
        "PRIVATE_NOT_IP_ADDRESS_SUBSET" if negated else "PRIVATE_IP_ADDRESS_SUBSET",
        f"{key} is only ever a public address, so the private ranges here ({listed}) "
        f"{'exclude' if negated else 'match'} nothing. Remove them, or use aws:VpcSourceIp "
        f"for private ranges.",
    )


def key_value_findings(e: EntryState, located: LocatedScalar) -> Iterator[Finding]:
    """Checks that depend on the key: VPC and VPC endpoint IDs, Regions."""
    op, value = e.op, located.value
    if op.family != "String" or not isinstance(value, str) or "${" in value:
        return
    if has_wildcard(value) and not op.is_like:
        return  # reported as a wildcard without Like
    key = e.key_lower
    if key in ("aws:sourcevpc", "aws:sourcevpce") and not has_wildcard(value):
        vpce = key == "aws:sourcevpce"
        if not (is_vpc_endpoint_id(value) if vpce else is_vpc_id(value)):
            yield e.ctx.finding(
                Severity.ERROR,
                "INVALID_VPCE_FORMAT" if vpce else "INVALID_VPC_FORMAT",
                f"{quote(value)} is not a VPC {'endpoint ' if vpce else ''}ID: "
                f"{e.entry.key} takes IDs such as "
                f"{'vpce-1a2b3c4d' if vpce else 'vpc-1a2b3c4d'} ("
                f"{'vpce-' if vpce else 'vpc-'} and 8 or 17 letters and digits).",
                located.pointer,
            )
    elif key == "aws:requestedregion":
        yield from _region(e, located, value)


def _region(e: EntryState, located: LocatedScalar, value: str) -> Iterator[Finding]:
    catalog = e.ctx.catalog
    regions = list(catalog.regions)
    ignore_case = "IgnoreCase" in e.op.base
    if has_wildcard(value):
        regex = glob_regex(value, ignore_case=False)
        if any(regex.match(r) for r in regions):
            return
        message = f"{quote(value)} matches no AWS Region code (such as us-west-2)."
        candidates: list[str] = []
    else:
        if is_region(catalog, value.lower() if ignore_case else value):
            return
        candidates = closest(value.lower(), regions, 3)
        message = (
            f"{quote(value)} is not an AWS Region code (such as us-west-2), so "
            f"aws:RequestedRegion never has this value.{did_you_mean(candidates)}"
        )
    yield e.ctx.finding(
        Severity.ERROR,
        "INVALID_REGION",
        message,
        located.pointer,
        suggestion=candidates[0] if len(candidates) == 1 else None,
        fix=e.ctx.replace_value(located.pointer, candidates[0], f"write {candidates[0]}")
        if len(candidates) == 1
        else None,
    )
