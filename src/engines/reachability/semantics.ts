/**
 * Protocol, port and ICMP matching shared by both evaluators (the brute-force one and the
 * compiled one differ in how they find rules and addresses, not in what a rule means).
 *
 * AWS semantics reproduced here:
 * - security group and ACL protocol "-1" means every protocol and every port;
 * - for TCP and UDP the port range applies to the packet's destination port (for a reply that is
 *   the client's ephemeral port: https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html);
 * - for ICMP/ICMPv6 a security group rule carries the type in FromPort and the code in ToPort,
 *   -1 meaning all (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html);
 * - other protocol numbers have no ports: the protocol alone decides.
 */
import type { Ip } from "./ip.js";
import type { NetworkAclEntry, SecurityGroupRule } from "./model.js";

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
export const ICMPV6 = 58;
export const ALL = -1;

/** The internal packet: addresses parsed. */
export interface Packet {
  readonly proto: number;
  readonly src: Ip;
  readonly dst: Ip;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

const NAMES: Record<string, number> = { "-1": ALL, all: ALL, tcp: TCP, udp: UDP, icmp: ICMP, icmpv6: ICMPV6 };

/** "tcp" -> 6, "6" -> 6, "-1" -> -1; NaN for nonsense. */
export function protocolNumber(p: string | number): number {
  if (typeof p === "number") return p;
  const named = NAMES[p.toLowerCase()];
  if (named !== undefined) return named;
  return /^\d+$/.test(p) ? Number(p) : NaN;
}

export const hasPorts = (proto: number): boolean => proto === TCP || proto === UDP;
export const isIcmp = (proto: number): boolean => proto === ICMP || proto === ICMPV6;

function icmpMatches(type: number, code: number, pkt: Packet): boolean {
  if (type === -1) return true;
  if (pkt.icmpType !== type) return false;
  return code === -1 || pkt.icmpCode === code;
}

/** Protocol, ports and ICMP type/code of a security group rule (not its peer). */
export function sgRuleMatchesTraffic(rule: SecurityGroupRule, rp: number, pkt: Packet): boolean {
  if (rp === ALL) return true;
  if (rp !== pkt.proto) return false;
  if (hasPorts(rp)) {
    const from = rule.fromPort ?? -1;
    const to = rule.toPort ?? -1;
    if (from === -1) return true;
    return pkt.dstPort !== undefined && pkt.dstPort >= from && pkt.dstPort <= to;
  }
  if (isIcmp(rp)) return icmpMatches(rule.fromPort ?? -1, rule.toPort ?? -1, pkt);
  return true;
}

/** Protocol, ports and ICMP type/code of a network ACL entry (not its CIDR). */
export function aclEntryMatchesTraffic(entry: NetworkAclEntry, ep: number, pkt: Packet): boolean {
  if (ep === ALL) return true;
  if (ep !== pkt.proto) return false;
  if (hasPorts(ep)) {
    if (!entry.portRange) return true;
    return pkt.dstPort !== undefined && pkt.dstPort >= entry.portRange.from && pkt.dstPort <= entry.portRange.to;
  }
  if (isIcmp(ep)) return entry.icmpTypeCode ? icmpMatches(entry.icmpTypeCode.type, entry.icmpTypeCode.code, pkt) : true;
  return true;
}

/** The `*` rule numbers (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html). */
export const STAR_RULE_IPV4 = 32767;
export const STAR_RULE_IPV6 = 32768;
