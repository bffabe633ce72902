/**
 * CIDR arithmetic for VPCs, subnets and routes, on ipaddr.js (no hand-written IP parsing): a
 * block becomes { family, base, length } with a bigint base, so containment and overlap are
 * compares. EC2 canonicalises CIDRs to the network address ("100.68.0.18/18 is stored as
 * 100.68.0.0/18", https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html).
 */
import ipaddr from "ipaddr.js";

export interface Block {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly length: number;
  /** Canonical text (network address, RFC 5952 for IPv6). */
  readonly text: string;
}

const bits = (f: 4 | 6): number => (f === 4 ? 32 : 128);

const toBig = (bytes: number[]): bigint => bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);

const fromBig = (family: 4 | 6, v: bigint): string => {
  const n = family === 4 ? 4 : 16;
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(out).toString();
};

const maskOf = (family: 4 | 6, length: number): bigint => {
  const b = bits(family);
  return length === 0 ? 0n : (((1n << BigInt(b)) - 1n) >> BigInt(b - length)) << BigInt(b - length);
};

const make = (family: 4 | 6, value: bigint, length: number): Block => {
  const base = value & maskOf(family, length);
  return { family, base, length, text: `${fromBig(family, base)}/${length}` };
};

/** A strict dotted-quad IPv4 CIDR ("10.0.0.0/16"); undefined otherwise. */
export const parseIpv4Cidr = (text: string): Block | undefined => {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!m || !ipaddr.IPv4.isValidFourPartDecimal(m[1]) || Number(m[2]) > 32) return undefined;
  return make(4, toBig(ipaddr.IPv4.parse(m[1]).toByteArray()), Number(m[2]));
};

/** An IPv6 CIDR ("2600:1f10::/56"); undefined otherwise. */
export const parseIpv6Cidr = (text: string): Block | undefined => {
  const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  if (!m || !ipaddr.IPv6.isValid(m[1]) || Number(m[2]) > 128) return undefined;
  return make(6, toBig(ipaddr.IPv6.parse(m[1]).toByteArray()), Number(m[2]));
};

export const parseCidr = (text: string): Block | undefined => parseIpv4Cidr(text) ?? parseIpv6Cidr(text);

/** An IPv4 or IPv6 address as a bigint; undefined when not an address. */
export const parseAddress = (text: string): { family: 4 | 6; value: bigint } | undefined => {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { family: 4, value: toBig(ipaddr.IPv4.parse(text).toByteArray()) };
  if (ipaddr.IPv6.isValid(text) && !text.includes(".")) return { family: 6, value: toBig(ipaddr.IPv6.parse(text).toByteArray()) };
  return undefined;
};

export const size = (b: Block): bigint => 1n << BigInt(bits(b.family) - b.length);

/** Whether `inner` lies entirely inside `outer`. */
export const contains = (outer: Block, inner: Block): boolean =>
  outer.family === inner.family && outer.length <= inner.length && (inner.base & maskOf(outer.family, outer.length)) === outer.base;

export const overlaps = (a: Block, b: Block): boolean => contains(a, b) || contains(b, a);

export const containsAddress = (b: Block, family: 4 | 6, value: bigint): boolean =>
  b.family === family && (value & maskOf(b.family, b.length)) === b.base;

/** The address `offset` from the block's base (negative counts from the end: -1 is the last). */
export const addressAt = (b: Block, offset: number): string =>
  fromBig(b.family, offset >= 0 ? b.base + BigInt(offset) : b.base + size(b) + BigInt(offset));

/** The n-th block of `length` inside `b` (e.g. the n-th /20 of a /16). */
export const subBlock = (b: Block, length: number, n: number): Block => make(b.family, b.base + BigInt(n) * (1n << BigInt(bits(b.family) - length)), length);

/** The block with this base value and length. */
export const blockOf = (family: 4 | 6, value: bigint, length: number): Block => make(family, value, length);
