/**
 * Addresses inside subnets for network interfaces: private IPv4 addresses, delegated /28 IPv4
 * prefixes, IPv6 addresses from the subnet's /64, and public IPv4 addresses, all recorded with
 * the foundation's allocateAddress (holder = the ENI), so that AvailableIpAddressCount stays
 * right and deleting the ENI (deleteResource) releases every address it held.
 *
 * AWS rules (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html, data/vpc-facts.json
 * subnet.reservedIpv4Addresses): the first four addresses and the last one of every subnet CIDR
 * are reserved, for IPv4 and IPv6 alike; automatic addresses are the lowest free ones.
 * Prefix delegation (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-prefix-eni.html):
 * /28 prefixes aligned inside the subnet, never overlapping an address in use (nor the reserved
 * ones). Parsing and formatting go through ipaddr.js; arithmetic is on bigints.
 */
import { randomInt } from "node:crypto";
import ipaddr from "ipaddr.js";
import type { StorePort } from "../../../core/index.js";
import { allocateAddress, allocatedAddresses, releaseAddress } from "../foundation/index.js";

const toBig = (bytes: number[]): bigint => bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);

const format = (family: 4 | 6, v: bigint): string => {
  const n = family === 4 ? 4 : 16;
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(out).toString();
};

export const parseIpv4 = (text: string): bigint | undefined =>
  ipaddr.IPv4.isValidFourPartDecimal(text) ? toBig(ipaddr.IPv4.parse(text).toByteArray()) : undefined;

export const parseIpv6 = (text: string): bigint | undefined =>
  ipaddr.IPv6.isValid(text) && !text.includes(".") ? toBig(ipaddr.IPv6.parse(text).toByteArray()) : undefined;

/** Canonical text of an address (RFC 5952 for IPv6), or undefined when malformed. */
export const canonical = (text: string): string | undefined => {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return format(4, v4);
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : format(6, v6);
};

interface Range {
  family: 4 | 6;
  base: bigint;
  size: bigint;
}

const parseCidr = (cidr: string): Range | undefined => {
  try {
    const [addr, len] = ipaddr.parseCIDR(cidr);
    const family = addr.kind() === "ipv4" ? 4 : 6;
    const bits = family === 4 ? 32 : 128;
    const size = 1n << BigInt(bits - len);
    const base = (toBig(addr.toByteArray()) / size) * size;
    return { family, base, size };
  } catch {
    return undefined;
  }
};

/** Whether an address (text) falls inside a CIDR (text). */
export const inCidr = (address: string, cidr: string): boolean => {
  const r = parseCidr(cidr);
  if (!r) return false;
  const v = r.family === 4 ? parseIpv4(address) : parseIpv6(address);
  return v !== undefined && v >= r.base && v < r.base + r.size;
};

/**
 * One subnet's address book for the duration of a request: loads what is taken once, then hands
 * out addresses, recording each with allocateAddress.
 */
export class SubnetAddresses {
  private readonly v4: Range;
  private readonly v6: Range | undefined;
  private readonly takenV4 = new Set<bigint>();
  private readonly takenPrefixes: Array<{ base: bigint; size: bigint }> = [];
  private readonly takenV6 = new Set<bigint>();
  private nextV4: bigint;
  private nextV6: bigint;

  constructor(
    private readonly store: StorePort,
    readonly subnetId: string,
    cidrBlock: string,
    ipv6CidrBlock: string | undefined,
  ) {
    this.v4 = parseCidr(cidrBlock)!;
    this.v6 = ipv6CidrBlock ? parseCidr(ipv6CidrBlock) : undefined;
    for (const a of allocatedAddresses(store, subnetId)) {
      if (a.includes("/")) {
        const r = parseCidr(a);
        if (r && r.family === 4) this.takenPrefixes.push({ base: r.base, size: r.size });
      } else if (a.includes(":")) {
        const v = parseIpv6(a);
        if (v !== undefined) this.takenV6.add(v);
      } else {
        const v = parseIpv4(a);
        if (v !== undefined) this.takenV4.add(v);
      }
    }
    this.nextV4 = this.v4.base + 4n;
    this.nextV6 = this.v6 ? this.v6.base + 4n : 0n;
  }

  get hasIpv6(): boolean {
    return this.v6 !== undefined;
  }

  /** Free IPv4 addresses left (single addresses; prefixes count 16 each). */
  freeIpv4(): number {
    let taken = this.takenV4.size;
    for (const p of this.takenPrefixes) taken += Number(p.size);
    return Number(this.v4.size) - 5 - taken;
  }

  private reservedV4(v: bigint): boolean {
    return v < this.v4.base + 4n || v === this.v4.base + this.v4.size - 1n;
  }

  private inPrefix(v: bigint): boolean {
    return this.takenPrefixes.some((p) => v >= p.base && v < p.base + p.size);
  }

  private freeV4(v: bigint): boolean {
    return !this.reservedV4(v) && !this.takenV4.has(v) && !this.inPrefix(v);
  }

  /** Checks that a chosen IPv4 address is inside the subnet and usable (not reserved). */
  inSubnetV4(text: string): boolean {
    const v = parseIpv4(text);
    return v !== undefined && v >= this.v4.base && v < this.v4.base + this.v4.size;
  }

  reservedAddress(text: string): boolean {
    const v = parseIpv4(text);
    return v !== undefined && this.reservedV4(v);
  }

  /** Takes a chosen IPv4 address; false when it is in use. */
  takeIpv4(text: string, holder: string): boolean {
    const v = parseIpv4(text)!;
    if (!this.freeV4(v)) return false;
    if (!allocateAddress(this.store, this.subnetId, format(4, v), holder)) return false;
    this.takenV4.add(v);
    return true;
  }

  /** The lowest free IPv4 address, taken; undefined when the subnet is full. */
  nextIpv4(holder: string): string | undefined {
    const end = this.v4.base + this.v4.size - 1n;
    for (let v = this.nextV4; v < end; v++) {
      if (this.freeV4(v)) {
        const text = format(4, v);
        if (!allocateAddress(this.store, this.subnetId, text, holder)) continue;
        this.takenV4.add(v);
        this.nextV4 = v + 1n;
        return text;
      }
    }
    return undefined;
  }

  private prefixFree(base: bigint): boolean {
    for (let v = base; v < base + 16n; v++) if (this.reservedV4(v) || this.takenV4.has(v)) return false;
    return !this.takenPrefixes.some((p) => p.base < base + 16n && base < p.base + p.size);
  }

  /** Takes a chosen /28 prefix ("10.0.0.32/28"); an error text when it cannot be used. */
  takePrefix(cidr: string, holder: string): "ok" | "malformed" | "outside" | "in-use" {
    const m = /^(.+)\/28$/.exec(cidr);
    const v = m ? parseIpv4(m[1]) : undefined;
    if (v === undefined || v % 16n !== 0n) return "malformed";
    if (v < this.v4.base || v + 16n > this.v4.base + this.v4.size) return "outside";
    if (!this.prefixFree(v)) return "in-use";
    if (!allocateAddress(this.store, this.subnetId, `${format(4, v)}/28`, holder)) return "in-use";
    this.takenPrefixes.push({ base: v, size: 16n });
    return "ok";
  }

  /** The lowest free aligned /28, taken; undefined when none is left. */
  nextPrefix(holder: string): string | undefined {
    for (let b = this.v4.base; b + 16n <= this.v4.base + this.v4.size; b += 16n) {
      if (this.prefixFree(b)) {
        const text = `${format(4, b)}/28`;
        if (!allocateAddress(this.store, this.subnetId, text, holder)) continue;
        this.takenPrefixes.push({ base: b, size: 16n });
        return text;
      }
    }
    return undefined;
  }

  inSubnetV6(text: string): boolean {
    const v = parseIpv6(text);
    return v !== undefined && !!this.v6 && v >= this.v6.base && v < this.v6.base + this.v6.size;
  }

  takeIpv6(text: string, holder: string): boolean {
    const v = parseIpv6(text)!;
    if (!this.v6 || v < this.v6.base + 4n || v === this.v6.base + this.v6.size - 1n || this.takenV6.has(v)) return false;
    if (!allocateAddress(this.store, this.subnetId, format(6, v), holder)) return false;
    this.takenV6.add(v);
    return true;
  }

  nextIpv6(holder: string): string | undefined {
    if (!this.v6) return undefined;
    const end = this.v6.base + this.v6.size - 1n;
    for (let v = this.nextV6; v < end; v++) {
      if (this.takenV6.has(v)) continue;
      const text = format(6, v);
      if (!allocateAddress(this.store, this.subnetId, text, holder)) continue;
      this.takenV6.add(v);
      this.nextV6 = v + 1n;
      return text;
    }
    return undefined;
  }
}

/**
 * Public IPv4 addresses for instances (AssociatePublicIpAddress / MapPublicIpOnLaunch): random
 * addresses of 54.144.0.0/12, unique across every account through the allocation table (under a
 * pool key, holder = the ENI, so that deleting the ENI releases it).
 * DEVIATION: AWS's public pools differ per Region; one pool serves every Region here (the vpc
 * family's Elastic IPs come from 3.5.0.0/16, so the two never collide).
 */
const PUBLIC_POOL_KEY = "amazon-public-ipv4";
const PUBLIC_BASE = toBig(ipaddr.IPv4.parse("54.144.0.0").toByteArray());
const PUBLIC_SIZE = 1 << 20;

export const takePublicIpv4 = (store: StorePort, holder: string): string => {
  for (;;) {
    const n = randomInt(PUBLIC_SIZE);
    if ((n & 0xff) === 0 || (n & 0xff) === 0xff) continue;
    const text = format(4, PUBLIC_BASE + BigInt(n));
    if (allocateAddress(store, PUBLIC_POOL_KEY, text, holder)) return text;
  }
};

export const releasePublicIpv4 = (store: StorePort, address: string): void => {
  releaseAddress(store, PUBLIC_POOL_KEY, address);
};
