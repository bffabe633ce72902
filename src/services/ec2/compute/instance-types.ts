/**
 * Instance types: DescribeInstanceTypes and DescribeInstanceTypeOfferings, from
 * data/instance-network-limits.json (1,391 types; provenance in data/README.md). The file is read
 * on first use, not at startup (it is 285 KB), and kept as immutable reference data.
 *
 * Each InstanceTypeInfo carries only what the data has (API Reference, InstanceTypeInfo /
 * NetworkInfo / NetworkCardInfo: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceTypeInfo.html):
 * InstanceType, VCpuInfo.DefaultVCpus, MemoryInfo.SizeInMiB, Hypervisor (absent for bare metal,
 * as the API reports it), BareMetal, NetworkInfo.{MaximumNetworkInterfaces, MaximumNetworkCards,
 * DefaultNetworkCardIndex, NetworkCards[{NetworkCardIndex, MaximumNetworkInterfaces}],
 * Ipv4AddressesPerInterface, Ipv6AddressesPerInterface, Ipv6Supported}.
 * DEVIATION: every other InstanceTypeInfo field (processor, storage, EBS, GPU, pricing models,
 * current-generation...) is absent; filters on those fields are refused as unknown filters.
 *
 * DescribeInstanceTypes (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypes.html):
 * MaxResults 5..100; an unknown name in InstanceTypes is InvalidInstanceType "The following
 * supplied instance types do not exist: [x]" (the message AWS answers, as quoted in
 * getmoto/moto's tests and in real client logs).
 *
 * DescribeInstanceTypeOfferings (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html):
 * LocationType region (default), availability-zone or availability-zone-id; filters `location`
 * and `instance-type`; MaxResults 5..1000.
 * DEVIATION: every instance type is offered in the Region and in every AZ of the Region; real
 * offerings differ per Region and AZ.
 */
import { readFileSync } from "node:fs";
import type { InstanceTypeInfo, InstanceTypeOffering, NetworkInfo } from "@aws-sdk/client-ec2";
import { commonErrors, opDefiner } from "../../../core/index.js";
import { checkDryRun } from "../foundation/index.js";
import { applyFilters, type FilterTable } from "../filters.js";
import { azMapFromSettings } from "../regions-data.js";
import { computeErrors } from "./errors.js";
import { pageOf } from "./paging.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

/** One entry of data/instance-network-limits.json (see data/README.md). */
export interface InstanceTypeLimits {
  enis: number;
  enisDefaultCard: number;
  ipv4PerEni: number;
  ipv6PerEni?: number;
  ipv6Supported?: boolean;
  networkCards: number;
  defaultNetworkCardIndex?: number;
  enisPerCard?: number[];
  hypervisor?: "nitro" | "xen";
  bareMetal: boolean;
  vcpus?: number;
  memoryMiB?: number;
}

// Immutable reference data, loaded once on first use (not resource state).
let limitsCache: ReadonlyMap<string, InstanceTypeLimits> | undefined;
let infosCache: readonly InstanceTypeInfo[] | undefined;

/**
 * The file sits at <root>/data/ both for src/services/ec2/compute/ (tsx) and for
 * dist/src/services/ec2/compute/ (tsc copies it to dist/data/ because src/cli imports it).
 */
const loadLimits = (): ReadonlyMap<string, InstanceTypeLimits> => {
  if (!limitsCache) {
    const raw = JSON.parse(readFileSync(new URL("../../../../data/instance-network-limits.json", import.meta.url), "utf8")) as Record<string, InstanceTypeLimits>;
    limitsCache = new Map(Object.keys(raw).sort().map((k) => [k, raw[k]] as const));
  }
  return limitsCache;
};

/** The limits of an instance type, or undefined when the type does not exist. */
export const instanceTypeLimits = (type: string): InstanceTypeLimits | undefined => loadLimits().get(type);

const infoOf = (type: string, l: InstanceTypeLimits): InstanceTypeInfo => {
  const cards = l.enisPerCard ?? [l.enisDefaultCard];
  const network: NetworkInfo = {
    MaximumNetworkInterfaces: l.enis,
    MaximumNetworkCards: l.networkCards,
    DefaultNetworkCardIndex: l.defaultNetworkCardIndex ?? 0,
    NetworkCards: cards.map((n, i) => ({ NetworkCardIndex: i, MaximumNetworkInterfaces: n })),
    Ipv4AddressesPerInterface: l.ipv4PerEni,
  };
  if (l.ipv6PerEni !== undefined) network.Ipv6AddressesPerInterface = l.ipv6PerEni;
  if (l.ipv6Supported !== undefined) network.Ipv6Supported = l.ipv6Supported;
  const info: InstanceTypeInfo = { InstanceType: type as InstanceTypeInfo["InstanceType"], BareMetal: l.bareMetal, NetworkInfo: network };
  if (l.hypervisor) info.Hypervisor = l.hypervisor;
  if (l.vcpus !== undefined) info.VCpuInfo = { DefaultVCpus: l.vcpus };
  if (l.memoryMiB !== undefined) info.MemoryInfo = { SizeInMiB: l.memoryMiB };
  return info;
};

const allInfos = (): readonly InstanceTypeInfo[] => {
  if (!infosCache) infosCache = [...loadLimits()].map(([type, l]) => infoOf(type, l));
  return infosCache;
};

/** Filter names from the API Reference (DescribeInstanceTypes), limited to fields the data has. */
const typeFilters: FilterTable<InstanceTypeInfo> = {
  "instance-type": (t) => t.InstanceType,
  hypervisor: (t) => t.Hypervisor,
  "bare-metal": (t) => t.BareMetal,
  "vcpu-info.default-vcpus": (t) => t.VCpuInfo?.DefaultVCpus,
  "memory-info.size-in-mib": (t) => t.MemoryInfo?.SizeInMiB,
  "network-info.maximum-network-interfaces": (t) => t.NetworkInfo?.MaximumNetworkInterfaces,
  "network-info.maximum-network-cards": (t) => t.NetworkInfo?.MaximumNetworkCards,
  "network-info.ipv4-addresses-per-interface": (t) => t.NetworkInfo?.Ipv4AddressesPerInterface,
  "network-info.ipv6-addresses-per-interface": (t) => t.NetworkInfo?.Ipv6AddressesPerInterface,
  "network-info.ipv6-supported": (t) => t.NetworkInfo?.Ipv6Supported,
};

export const describeInstanceTypes = defineOp("DescribeInstanceTypes", (input, ctx) => {
  void ctx;
  const wanted = input.InstanceTypes ?? [];
  const limits = loadLimits();
  const missing = wanted.filter((t) => !limits.has(t));
  if (missing.length) throw computeErrors.invalidInstanceType(missing);
  let items = allInfos();
  if (wanted.length) {
    const set = new Set<string>(wanted);
    items = items.filter((t) => set.has(t.InstanceType!));
  }
  const matching = applyFilters(items, input.Filters, typeFilters);
  checkDryRun(input);
  const page = pageOf(matching, input.MaxResults, input.NextToken, { min: 5, max: 100 });
  return { InstanceTypes: page.items, NextToken: page.nextToken };
});

const offeringFilters: FilterTable<InstanceTypeOffering> = {
  "instance-type": (o) => o.InstanceType,
  location: (o) => o.Location,
};

export const describeInstanceTypeOfferings = defineOp("DescribeInstanceTypeOfferings", (input, ctx) => {
  const locationType = input.LocationType ?? "region";
  let locations: string[];
  if (locationType === "region") locations = [ctx.region];
  else if (locationType === "availability-zone" || locationType === "availability-zone-id") {
    const zones = azMapFromSettings(ctx.settings).zones(ctx.accountId, ctx.region) ?? [];
    locations = zones.map((z) => (locationType === "availability-zone" ? z.zoneName : z.zoneId));
  } else {
    // Outposts do not exist here.
    throw commonErrors.invalidParameterValue(`Value (${locationType}) for parameter locationType is invalid.`);
  }
  const types = [...loadLimits().keys()];
  const offerings: InstanceTypeOffering[] = [];
  for (const location of locations) {
    for (const type of types) offerings.push({ InstanceType: type as InstanceTypeOffering["InstanceType"], LocationType: locationType, Location: location });
  }
  const matching = applyFilters(offerings, input.Filters, offeringFilters);
  checkDryRun(input);
  const page = pageOf(matching, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
  return { InstanceTypeOfferings: page.items, NextToken: page.nextToken };
});

export const instanceTypeOperations = [describeInstanceTypes, describeInstanceTypeOfferings];
