import ipaddr from "ipaddr.js";

/** A parsed IPv4 CIDR block, or why the text is not one. */
export type ParsedCidr = { problem?: undefined; network: ipaddr.IPv4; prefix: number } | { problem: string };

/**
 * Parses "a.b.c.d/n" with real address arithmetic: four octets 0-255, a prefix 0-32, and no bits set below the
 * prefix (OCI refuses 10.20.1.5/24).
 */
export function parseCidr(text: string): ParsedCidr {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text)) return { problem: "must be an IPv4 CIDR such as 10.20.0.0/16" };
  let network: ipaddr.IPv4;
  let prefix: number;
  try {
    [network, prefix] = ipaddr.IPv4.parseCIDR(text);
  } catch {
    const [address, bits] = text.split("/");
    if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return { problem: `${address} is not an IPv4 address (octets are 0-255)` };
    return { problem: `/${bits} is not an IPv4 prefix length (0-32)` };
  }
  const base = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
  if (base !== network.toString()) return { problem: `has host bits set: the block starts at ${base}/${prefix}` };
  return { network, prefix };
}

/** True when block `inner` lies entirely inside block `outer` (both valid). */
export function cidrInside(inner: string, outer: string): boolean {
  const i = parseCidr(inner);
  const o = parseCidr(outer);
  if (i.problem !== undefined || o.problem !== undefined) return false;
  return i.prefix >= o.prefix && i.network.match(o.network, o.prefix);
}
