/**
 * CIDR relations the connectivity family needs (peering overlap, transit gateway route search:
 * exact, subnet-of, supernet-of, longest prefix), on ipaddr.js.
 */
import ipaddr from "ipaddr.js";

export interface Cidr {
  text: string;
  addr: ipaddr.IPv4 | ipaddr.IPv6;
  bits: number;
  kind: "ipv4" | "ipv6";
}

/** Parses a CIDR and normalizes it to its network address ("10.0.0.5/16" → "10.0.0.0/16"); undefined if malformed. */
export const parseCidr = (value: string | undefined): Cidr | undefined => {
  if (!value || !ipaddr.isValidCIDR(value)) return undefined;
  const [addr, bits] = ipaddr.parseCIDR(value);
  const network = addr.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
  return { text: `${network.toString()}/${bits}`, addr: network, bits, kind: addr.kind() };
};

/** a lies inside b (a is a subnet of b, or equal). */
export const within = (a: Cidr, b: Cidr): boolean => a.kind === b.kind && a.bits >= b.bits && a.addr.match(b.addr as never, b.bits);

export const overlap = (a: Cidr, b: Cidr): boolean => within(a, b) || within(b, a);

/** True when any IPv4 block of one list overlaps any of the other. */
export const anyOverlap = (left: readonly string[], right: readonly string[]): boolean => {
  const l = left.map(parseCidr).filter((c): c is Cidr => !!c);
  const r = right.map(parseCidr).filter((c): c is Cidr => !!c);
  return l.some((a) => r.some((b) => overlap(a, b)));
};
