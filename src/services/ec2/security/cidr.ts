/**
 * CIDR parsing for security rules, NACL entries and prefix lists, through ipaddr.js (no hand
 * written IP parsing). EC2 canonicalises a CIDR to its network address ("We modify the specified
 * CIDR block to its canonical form; for example, if you specify 100.68.0.18/18, we modify it to
 * 100.68.0.0/18" — https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html).
 */
import ipaddr from "ipaddr.js";

/** "10.0.0.18/16" → "10.0.0.0/16"; undefined when not a dotted-quad IPv4 CIDR. */
export const canonicalIpv4Cidr = (value: string): string | undefined => {
  const slash = value.indexOf("/");
  if (slash < 0) return undefined;
  const addr = value.slice(0, slash);
  const len = value.slice(slash + 1);
  if (!/^\d{1,2}$/.test(len) || Number(len) > 32) return undefined;
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr)) return undefined;
  return `${ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${len}`).toString()}/${Number(len)}`;
};

/** "2001:db8::5/64" → "2001:db8::/64"; undefined when not an IPv6 CIDR. */
export const canonicalIpv6Cidr = (value: string): string | undefined => {
  const slash = value.indexOf("/");
  if (slash < 0) return undefined;
  const addr = value.slice(0, slash);
  const len = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len) || Number(len) > 128) return undefined;
  if (!ipaddr.IPv6.isValid(addr) || addr.includes(".")) return undefined;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${len}`).toString()}/${Number(len)}`;
};
