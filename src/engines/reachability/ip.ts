/**
 * IP address and CIDR arithmetic for the path engine, on top of ipaddr.js (parsing, canonical
 * text). An address becomes { family, value: bigint }; a CIDR becomes a masked base and a mask,
 * so "is this address in this block" is one AND and one compare. No hand-written parsing.
 *
 * Does not: zone ids, IPv4-mapped IPv6 folding (an IPv6 address stays IPv6).
 */
import ipaddr from "ipaddr.js";

export type Family = 4 | 6;

export interface Ip {
  readonly family: Family;
  readonly value: bigint;
  /** Canonical text (RFC 5952 for IPv6); also the key of address maps. */
  readonly text: string;
}

export interface Cidr {
  readonly family: Family;
  readonly base: bigint;
  readonly mask: bigint;
  readonly length: number;
  /** Canonical text, base address masked: 10.0.0.5/16 -> 10.0.0.0/16. */
  readonly text: string;
}

const bitsOf = (f: Family): number => (f === 4 ? 32 : 128);

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bigintToBytes(v: bigint, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

// Cheap shape checks first: ipaddr.js validates by throwing, which costs far more than the
// parse itself, and the engine asks "is this an address?" of every id it is handed.
const V4_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const V6_SHAPE = /^[0-9a-fA-F:.]+$/;

/** An IPv4 address in dotted-quad form, or an IPv6 address (AWS writes no other forms). */
export function isIp(text: string): boolean {
  if (V4_SHAPE.test(text)) return ipaddr.IPv4.isValidFourPartDecimal(text);
  return text.includes(":") && V6_SHAPE.test(text) && ipaddr.IPv6.isValid(text);
}

export function isCidr(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash <= 0 || !isIp(text.slice(0, slash))) return false;
  return text.includes(":") ? ipaddr.IPv6.isValidCIDR(text) : ipaddr.IPv4.isValidCIDR(text);
}

/** Parses an address; undefined when it is not one. */
export function parseIp(text: string): Ip | undefined {
  if (!isIp(text)) return undefined;
  const a = text.includes(":") ? ipaddr.IPv6.parse(text) : ipaddr.IPv4.parse(text);
  const family: Family = a.kind() === "ipv4" ? 4 : 6;
  return { family, value: bytesToBigint(a.toByteArray()), text: a.toString() };
}

export function mustIp(text: string): Ip {
  const ip = parseIp(text);
  if (!ip) throw new TypeError(`not an IP address: ${text}`);
  return ip;
}

export function ipFromValue(family: Family, value: bigint): Ip {
  const a = ipaddr.fromByteArray(bigintToBytes(value, family === 4 ? 4 : 16));
  return { family, value, text: a.toString() };
}

export function parseCidr(text: string): Cidr | undefined {
  if (!isCidr(text)) return undefined;
  const [addr, length] = text.includes(":") ? ipaddr.IPv6.parseCIDR(text) : ipaddr.IPv4.parseCIDR(text);
  const family: Family = addr.kind() === "ipv4" ? 4 : 6;
  const bits = bitsOf(family);
  const all = (1n << BigInt(bits)) - 1n;
  const mask = length === 0 ? 0n : (all >> BigInt(bits - length)) << BigInt(bits - length);
  const base = bytesToBigint(addr.toByteArray()) & mask;
  return { family, base, mask, length, text: `${ipFromValue(family, base).text}/${length}` };
}

export function mustCidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new TypeError(`not a CIDR block: ${text}`);
  return c;
}

export function cidrContains(c: Cidr, ip: Ip): boolean {
  return c.family === ip.family && (ip.value & c.mask) === c.base;
}

/** The n-th address of a block (n = 0 is the network address). */
export function nthAddress(c: Cidr, n: number): Ip {
  return ipFromValue(c.family, c.base + BigInt(n));
}

// RFC 1918 and RFC 6598 ranges: internet gateways refuse these as outbound destinations and as
// inbound sources (Reachability Analyzer codes IGW_*_RFC1918_* and IGW_*_RFC6598_*).
const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(mustCidr);
const RFC6598 = mustCidr("100.64.0.0/10");

export function isRfc1918(ip: Ip): boolean {
  return RFC1918.some((c) => cidrContains(c, ip));
}

export function isRfc6598(ip: Ip): boolean {
  return cidrContains(RFC6598, ip);
}
