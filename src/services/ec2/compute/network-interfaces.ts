/**
 * Elastic network interfaces: CreateNetworkInterface, DescribeNetworkInterfaces,
 * DeleteNetworkInterface, Assign/UnassignPrivateIpAddresses, Assign/UnassignIpv6Addresses,
 * Attach/DetachNetworkInterface, Modify/DescribeNetworkInterfaceAttribute, and createEni() for
 * RunInstances.
 *
 * Rules (EC2 API Reference pages of each operation; https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html):
 * - addresses come from the subnet (addresses.ts): chosen ones must lie in the subnet, not be
 *   reserved and be free (InvalidIPAddress.InUse); automatic ones are the lowest free;
 *   InsufficientFreeAddressesInSubnet when the subnet is full;
 * - IPv6 addresses need an IPv6 block on the subnet; a subnet with AssignIpv6AddressOnCreation
 *   gives one address by default;
 * - up to 5 security groups (data/vpc-facts.json securityGroups.groupsPerEni:
 *   SecurityGroupsPerInterfaceLimitExceeded), all in the subnet's VPC (AWS: "Security group
 *   sg-… and subnet subnet-… belong to different networks", InvalidParameter), by default the
 *   VPC's default group;
 * - while attached, an ENI holds at most the instance type's IPv4 addresses per interface,
 *   delegated /28 prefixes included (each prefix takes one address slot,
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-prefix-eni.html), else
 *   PrivateIpAddressLimitExceeded; and IPv6 addresses per interface likewise;
 * - attaching: the instance's type bounds the ENIs per network card (AttachmentLimitExceeded
 *   "Interface count N exceeds the limit for <type>"), device indexes are unique per instance,
 *   the ENI must be in the instance's AZ, an attached ENI is InvalidNetworkInterface.InUse for
 *   attach and delete; the primary ENI (device index 0) cannot be detached
 *   (OperationNotPermitted);
 * - requester-managed interfaces (created by AWS for a NAT gateway, an interface endpoint, a
 *   transit gateway attachment, https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html)
 *   are described and filtered like any other, but DeleteNetworkInterface refuses them
 *   (InvalidParameterValue "... is currently in use.") and the service's own attachment
 *   (ela-attach-…) cannot be detached (OperationNotPermitted); they go away with their resource.
 * The instance document keeps a copy of its interfaces (NetworkInterfaces, PrivateIpAddress,
 * public address, SecurityGroups...): refreshInstanceNetwork() rebuilds it after every change.
 * Attachment states: attach answers at once and the attachment is `attached`.
 */
import type {
  GroupIdentifier,
  Instance,
  InstanceNetworkInterface,
  NetworkInterface,
  NetworkInterfaceAssociation,
  NetworkInterfaceAttachment,
  SecurityGroup,
  Subnet,
  Vpc,
} from "@aws-sdk/client-ec2";
import type { OperationContext } from "../../../core/index.js";
import { commonErrors, newResourceId, opDefiner } from "../../../core/index.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  getResource,
  listResources,
  macAddress,
  NETWORK_INTERFACE,
  notFound,
  privateDnsName,
  putResource,
  releaseAddress,
  scopeOf,
  updateResource,
  validateTagSpecifications,
  type Ec2Tag,
  type NetworkInterfaceDoc,
} from "../foundation/index.js";
import type { FilterTable } from "../filters.js";
import { SubnetAddresses, canonical, releasePublicIpv4, takePublicIpv4 } from "./addresses.js";
import { nowIso, visible, zoneNameFor } from "./common.js";
import { computeErrors } from "./errors.js";
import { describeOwned } from "./listing.js";
import { instanceTypeLimits, type InstanceTypeLimits } from "./instance-types.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const ENI = NETWORK_INTERFACE;
export const GROUPS_PER_ENI = 5;

/**
 * The stored ENI: the API's NetworkInterface (TagSet on output) plus bookkeeping. Its shape lives
 * in the foundation because other families write requester-managed interfaces too (NAT gateways:
 * foundation/network-interfaces.ts putManagedInterface).
 */
export type EniDoc = NetworkInterfaceDoc;

type SubnetDoc = Subnet & { SubnetId: string; VpcId: string; CidrBlock: string; AvailabilityZoneId: string };
type VpcDoc = Vpc & { _attrs?: { enableDnsHostnames?: boolean } };

// ---------------------------------------------------------------------------------------------
// DNS names (data/vpc-facts.json, group dns: ip-private-ipv4-address.ec2.internal in us-east-1,
// ip-private-ipv4-address.region.compute.internal elsewhere; public names alike). The private
// name and the MAC address come from the foundation (shared with service-managed interfaces).

export const publicDnsName = (region: string, ipv4: string): string => {
  const label = `ec2-${ipv4.replace(/\./g, "-")}`;
  return region === "us-east-1" ? `${label}.compute-1.amazonaws.com` : `${label}.${region}.compute.amazonaws.com`;
};

// ---------------------------------------------------------------------------------------------
// Lookups

export const visibleSubnet = (ctx: OperationContext, subnetId: string | undefined): SubnetDoc => {
  if (!subnetId) throw commonErrors.missingParameter("SubnetId");
  const s = getResource<SubnetDoc>(ctx.store, scopeOf(ctx), "subnet", subnetId);
  if (!s) throw notFound("subnet", subnetId);
  return s;
};

export const ownedEni = (ctx: OperationContext, id: string | undefined): EniDoc => {
  if (!id) throw commonErrors.missingParameter("NetworkInterfaceId");
  const e = getResource<EniDoc>(ctx.store, scopeOf(ctx), ENI, id, { owned: true });
  if (!e) throw notFound(ENI, id);
  return e;
};

/** Security groups for an ENI in a VPC: ≤ 5, existing, in that VPC; default: the VPC's default group. */
export const resolveGroups = (ctx: OperationContext, vpcId: string, subnetId: string, groupIds: readonly string[] | undefined): GroupIdentifier[] => {
  const scope = scopeOf(ctx);
  const ids = [...new Set(groupIds ?? [])];
  if (ids.length > GROUPS_PER_ENI) throw computeErrors.securityGroupsPerInterfaceLimitExceeded();
  if (ids.length === 0) {
    const def = listResources<SecurityGroup>(ctx.store, scope, "security-group", { parent: vpcId }).find((g) => g.GroupName === "default");
    // A participant in a shared subnet cannot use the owner's default group
    // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html: "Participants can't launch
    // resources using the default security group for the VPC because it belongs to the owner").
    if (!def) throw computeErrors.invalidParameter(`The VPC ${vpcId} has no default security group you can use: specify a security group for subnet ${subnetId}.`);
    return [{ GroupId: def.GroupId, GroupName: def.GroupName }];
  }
  return ids.map((id) => {
    const g = getResource<SecurityGroup>(ctx.store, scope, "security-group", id);
    if (!g) throw notFound("security-group", id);
    if (g.VpcId !== vpcId) throw computeErrors.invalidParameter(`Security group ${id} and subnet ${subnetId} belong to different networks.`);
    return { GroupId: g.GroupId, GroupName: g.GroupName };
  });
};

// ---------------------------------------------------------------------------------------------
// Creation

export interface EniSpec {
  subnet: SubnetDoc;
  groupIds?: readonly string[];
  description?: string;
  privateIpAddress?: string;
  privateIpAddresses?: ReadonlyArray<{ PrivateIpAddress?: string; Primary?: boolean }>;
  secondaryCount?: number;
  ipv6Count?: number;
  ipv6Addresses?: readonly string[];
  prefixCount?: number;
  prefixes?: readonly string[];
  interfaceType?: string;
  publicIp?: boolean;
  /** The instance type the ENI is created for (RunInstances): its per-ENI limits apply now. */
  limits?: { type: string; limits: InstanceTypeLimits };
}

const nonNegative = (n: number | undefined, parameter: string): number => {
  if (n === undefined) return 0;
  if (!Number.isInteger(n) || n < 0) throw commonErrors.invalidParameterValue(`Invalid value '${n}' for ${parameter}`);
  return n;
};

/** Checks an ENI spec before anything is allocated; returns the groups. */
export const validateEniSpec = (ctx: OperationContext, spec: EniSpec): GroupIdentifier[] => {
  const { subnet } = spec;
  const explicit = spec.privateIpAddresses ?? [];
  if (explicit.filter((p) => p.Primary).length > 1) throw commonErrors.invalidParameterValue("Only one primary private IP address can be specified.");
  if (spec.privateIpAddress !== undefined && explicit.some((p) => p.Primary && p.PrivateIpAddress !== spec.privateIpAddress)) {
    throw computeErrors.invalidParameterCombination("The primary IP address specified in PrivateIpAddress and in PrivateIpAddresses differ.");
  }
  for (const a of [spec.privateIpAddress, ...explicit.map((p) => p.PrivateIpAddress)]) {
    if (a === undefined) continue;
    const c = canonical(a);
    if (!c || c.includes(":")) throw commonErrors.invalidParameterValue(`Invalid value '${a}' for IP address`);
  }
  const secondary = nonNegative(spec.secondaryCount, "SecondaryPrivateIpAddressCount");
  const ipv6Count = nonNegative(spec.ipv6Count, "Ipv6AddressCount");
  const prefixCount = nonNegative(spec.prefixCount, "Ipv4PrefixCount");
  if (spec.ipv6Count !== undefined && spec.ipv6Addresses?.length) {
    throw computeErrors.invalidParameterCombination("You may specify either Ipv6AddressCount or Ipv6Addresses, not both.");
  }
  if (spec.prefixCount !== undefined && spec.prefixes?.length) {
    throw computeErrors.invalidParameterCombination("You may specify either Ipv4PrefixCount or Ipv4Prefixes, not both.");
  }
  if (spec.interfaceType !== undefined && !["interface", "efa", "efa-only", "trunk", "branch"].includes(spec.interfaceType)) {
    throw commonErrors.invalidParameterValue(`Value (${spec.interfaceType}) for parameter interfaceType is invalid.`);
  }
  if (spec.limits) {
    const distinct = new Set(explicit.map((p) => p.PrivateIpAddress).filter((a) => a !== undefined));
    if (spec.privateIpAddress !== undefined) distinct.add(spec.privateIpAddress);
    const ipv4 = Math.max(1, distinct.size) + secondary + prefixCount + (spec.prefixes?.length ?? 0);
    if (ipv4 > spec.limits.limits.ipv4PerEni) throw computeErrors.privateIpLimitExceeded("the network interface");
    const ipv6 = ipv6Count + (spec.ipv6Addresses?.length ?? 0);
    if (ipv6 > (spec.limits.limits.ipv6PerEni ?? 0)) throw computeErrors.ipv6LimitExceeded("the network interface");
  }
  return resolveGroups(ctx, subnet.VpcId, subnet.SubnetId, spec.groupIds);
};

const association = (ctx: OperationContext, vpc: VpcDoc | undefined, publicIp: string): NetworkInterfaceAssociation => ({
  IpOwnerId: "amazon",
  PublicDnsName: vpc?._attrs?.enableDnsHostnames ? publicDnsName(ctx.region, publicIp) : "",
  PublicIp: publicIp,
});

/** Creates an ENI in a subnet (after validateEniSpec), allocating its addresses. */
export const createEni = (ctx: OperationContext, spec: EniSpec, groups: GroupIdentifier[], book?: SubnetAddresses): EniDoc => {
  const scope = scopeOf(ctx);
  const { subnet } = spec;
  const id = newResourceId("eni");
  const ipv6Block = (subnet.Ipv6CidrBlockAssociationSet ?? []).find((a) => a.Ipv6CidrBlockState?.State === "associated")?.Ipv6CidrBlock;
  const addresses = book ?? new SubnetAddresses(ctx.store, subnet.SubnetId, subnet.CidrBlock, ipv6Block);

  // Private IPv4: the primary first, then the other explicit ones, then the automatic ones.
  const explicit = (spec.privateIpAddresses ?? []).filter((p) => p.PrivateIpAddress !== undefined).map((p) => ({ a: canonical(p.PrivateIpAddress!)!, primary: !!p.Primary }));
  let primary = spec.privateIpAddress !== undefined ? canonical(spec.privateIpAddress)! : explicit.find((p) => p.primary)?.a;
  const chosen = [...(primary !== undefined ? [primary] : []), ...explicit.map((p) => p.a).filter((a) => a !== primary)];
  for (const a of chosen) {
    if (!addresses.inSubnetV4(a)) throw commonErrors.invalidParameterValue(`Address ${a} does not fall within the subnet's address range`);
    if (addresses.reservedAddress(a)) throw commonErrors.invalidParameterValue(`Address ${a} is in subnet's reserved address range`);
    if (!addresses.takeIpv4(a, id)) throw computeErrors.ipAddressInUse(a);
  }
  const ips = [...chosen];
  const automatic = (primary === undefined ? 1 : 0) + nonNegative(spec.secondaryCount, "SecondaryPrivateIpAddressCount");
  if (automatic > addresses.freeIpv4()) throw computeErrors.insufficientFreeAddresses(subnet.SubnetId);
  for (let i = 0; i < automatic; i++) {
    const a = addresses.nextIpv4(id);
    if (!a) throw computeErrors.insufficientFreeAddresses(subnet.SubnetId);
    ips.push(a);
  }
  primary ??= ips[0];

  // Delegated /28 prefixes.
  const prefixes: string[] = [];
  for (const p of spec.prefixes ?? []) {
    const r = addresses.takePrefix(p, id);
    if (r === "malformed") throw commonErrors.invalidParameterValue(`Invalid value '${p}' for Ipv4Prefix: expecting an aligned /28 prefix`);
    if (r === "outside") throw commonErrors.invalidParameterValue(`Prefix ${p} does not fall within the subnet's address range`);
    if (r === "in-use") throw computeErrors.ipAddressInUse(p);
    prefixes.push(p);
  }
  for (let i = 0; i < nonNegative(spec.prefixCount, "Ipv4PrefixCount"); i++) {
    const p = addresses.nextPrefix(id);
    if (!p) throw computeErrors.insufficientCidrBlocks(subnet.SubnetId);
    prefixes.push(p);
  }

  // IPv6.
  const ipv6: string[] = [];
  const wantsV6 = (spec.ipv6Addresses?.length ?? 0) > 0 || (spec.ipv6Count ?? 0) > 0;
  if (wantsV6 && !addresses.hasIpv6) throw computeErrors.invalidParameterCombination(`You must have an IPv6 CIDR block on subnet ${subnet.SubnetId} to assign IPv6 addresses.`);
  for (const a of spec.ipv6Addresses ?? []) {
    const c = canonical(a);
    if (!c || !c.includes(":") || !addresses.inSubnetV6(c)) throw commonErrors.invalidParameterValue(`Address ${a} does not fall within the subnet's address range`);
    if (!addresses.takeIpv6(c, id)) throw computeErrors.ipAddressInUse(c);
    ipv6.push(c);
  }
  const v6Count = spec.ipv6Count ?? (spec.ipv6Addresses?.length ? 0 : subnet.AssignIpv6AddressOnCreation && addresses.hasIpv6 ? 1 : 0);
  for (let i = 0; i < v6Count; i++) {
    const a = addresses.nextIpv6(id);
    if (!a) throw computeErrors.insufficientFreeAddresses(subnet.SubnetId);
    ipv6.push(a);
  }

  const vpc = getResource<VpcDoc>(ctx.store, scope, "vpc", subnet.VpcId);
  let assoc: NetworkInterfaceAssociation | undefined;
  if (spec.publicIp) assoc = association(ctx, vpc, takePublicIpv4(ctx.store, id));

  const doc: EniDoc = {
    AvailabilityZone: zoneNameFor(ctx, subnet.AvailabilityZoneId),
    AvailabilityZoneId: subnet.AvailabilityZoneId,
    Description: spec.description ?? "",
    Groups: groups,
    InterfaceType: (spec.interfaceType ?? "interface") as EniDoc["InterfaceType"],
    Ipv6Addresses: ipv6.map((a) => ({ Ipv6Address: a, IsPrimaryIpv6: false })),
    MacAddress: macAddress(),
    NetworkInterfaceId: id,
    OwnerId: ctx.accountId,
    PrivateDnsName: privateDnsName(ctx.region, primary!),
    PrivateIpAddress: primary,
    PrivateIpAddresses: ips.map((a) => ({
      ...(a === primary && assoc ? { Association: assoc } : {}),
      Primary: a === primary,
      PrivateDnsName: privateDnsName(ctx.region, a),
      PrivateIpAddress: a,
    })),
    Ipv4Prefixes: prefixes.map((p) => ({ Ipv4Prefix: p })),
    RequesterManaged: false,
    SourceDestCheck: true,
    Status: "available",
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
  };
  if (assoc) {
    doc.Association = assoc;
    doc._cb = { autoPublicIp: true };
  }
  // Parent = the subnet, so that DeleteSubnet (and through it DeleteVpc) sees the ENI.
  putResource(ctx.store, scope, ENI, id, doc, { parent: subnet.SubnetId });
  return doc;
};

/** The ENI as the API shows it: Tags become TagSet, bookkeeping removed. */
export const eniOutput = (doc: EniDoc & { Tags?: Ec2Tag[] }): NetworkInterface => {
  const { Tags, ...rest } = visible(doc) as EniDoc & { Tags?: Ec2Tag[] };
  return { ...rest, TagSet: Tags ?? [] };
};

export const createNetworkInterface = defineOp("CreateNetworkInterface", (input, ctx) => {
  const scope = scopeOf(ctx);
  const subnet = visibleSubnet(ctx, input.SubnetId);
  const spec: EniSpec = {
    subnet,
    groupIds: input.Groups,
    description: input.Description,
    privateIpAddress: input.PrivateIpAddress,
    privateIpAddresses: input.PrivateIpAddresses,
    secondaryCount: input.SecondaryPrivateIpAddressCount,
    ipv6Count: input.Ipv6AddressCount,
    ipv6Addresses: input.Ipv6Addresses?.map((a) => a.Ipv6Address!).filter(Boolean),
    prefixCount: input.Ipv4PrefixCount,
    prefixes: input.Ipv4Prefixes?.map((p) => p.Ipv4Prefix!).filter(Boolean),
    interfaceType: input.InterfaceType,
  };
  const groups = validateEniSpec(ctx, spec);
  validateTagSpecifications(input.TagSpecifications, ["network-interface"]);
  checkDryRun(input);
  const doc = createEni(ctx, spec, groups);
  const tags = applyTagSpecifications(ctx.store, scope, ENI, doc.NetworkInterfaceId, input.TagSpecifications);
  return { NetworkInterface: eniOutput({ ...doc, Tags: tags }) };
});

// ---------------------------------------------------------------------------------------------
// Elastic IPs: the vpc family keeps each association in the address's own document
// (AssociateAddress); interfaces and instances show it on read. While an Elastic IP is
// associated with the primary address, it replaces the automatic public address
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html).

interface EipView {
  PublicIp?: string;
  AllocationId?: string;
  AssociationId?: string;
  NetworkInterfaceId?: string;
  PrivateIpAddress?: string;
}

/** The caller's associated Elastic IPs by network interface (one query per request). */
export const eipsByEni = (ctx: OperationContext): Map<string, EipView[]> => {
  const out = new Map<string, EipView[]>();
  for (const a of listResources<EipView>(ctx.store, scopeOf(ctx), "elastic-ip", { includeShared: false })) {
    if (!a.AssociationId || !a.NetworkInterfaceId || !a.PublicIp) continue;
    out.set(a.NetworkInterfaceId, [...(out.get(a.NetworkInterfaceId) ?? []), a]);
  }
  return out;
};

const eipAssociation = (ctx: OperationContext, vpcId: string, a: EipView): NetworkInterfaceAssociation => {
  const vpc = getResource<VpcDoc>(ctx.store, scopeOf(ctx), "vpc", vpcId);
  return {
    AllocationId: a.AllocationId,
    AssociationId: a.AssociationId,
    IpOwnerId: ctx.accountId,
    PublicDnsName: vpc?._attrs?.enableDnsHostnames ? publicDnsName(ctx.region, a.PublicIp!) : "",
    PublicIp: a.PublicIp,
  };
};

/** The ENI with its Elastic IP associations applied (unchanged when it has none). */
export const withElasticIps = <E extends EniDoc>(ctx: OperationContext, eni: E, eips: Map<string, EipView[]>): E => {
  const mine = eips.get(eni.NetworkInterfaceId);
  if (!mine?.length) return eni;
  const byPrivate = new Map(mine.map((a) => [a.PrivateIpAddress ?? eni.PrivateIpAddress, a] as const));
  const next: E = { ...eni, PrivateIpAddresses: (eni.PrivateIpAddresses ?? []).map((p) => ({ ...p })) };
  for (const p of next.PrivateIpAddresses ?? []) {
    const a = byPrivate.get(p.PrivateIpAddress);
    if (a) p.Association = eipAssociation(ctx, eni.VpcId, a);
  }
  const primary = (next.PrivateIpAddresses ?? []).find((p) => p.Primary);
  if (primary?.Association) next.Association = primary.Association;
  return next;
};

// ---------------------------------------------------------------------------------------------
// Describe

const eniFilters: FilterTable<EniDoc> = {
  "addresses.private-ip-address": (e) => (e.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress ?? ""),
  "addresses.primary": (e) => (e.PrivateIpAddresses ?? []).map((p) => p.Primary ?? false),
  "addresses.association.public-ip": (e) => (e.PrivateIpAddresses ?? []).map((p) => p.Association?.PublicIp ?? ""),
  "addresses.association.owner-id": (e) => (e.PrivateIpAddresses ?? []).map((p) => p.Association?.IpOwnerId ?? ""),
  "association.public-ip": (e) => e.Association?.PublicIp,
  "association.public-dns-name": (e) => e.Association?.PublicDnsName,
  "association.ip-owner-id": (e) => e.Association?.IpOwnerId,
  "association.allocation-id": (e) => e.Association?.AllocationId,
  "association.association-id": (e) => e.Association?.AssociationId,
  "attachment.attachment-id": (e) => e.Attachment?.AttachmentId,
  "attachment.attach-time": (e) => (e.Attachment?.AttachTime ? String(e.Attachment.AttachTime) : undefined),
  "attachment.delete-on-termination": (e) => e.Attachment?.DeleteOnTermination,
  "attachment.device-index": (e) => e.Attachment?.DeviceIndex,
  "attachment.instance-id": (e) => e.Attachment?.InstanceId,
  "attachment.instance-owner-id": (e) => e.Attachment?.InstanceOwnerId,
  "attachment.status": (e) => e.Attachment?.Status,
  "availability-zone": (e) => e.AvailabilityZone,
  "availability-zone-id": (e) => e.AvailabilityZoneId,
  description: (e) => e.Description,
  "group-id": (e) => (e.Groups ?? []).map((g) => g.GroupId ?? ""),
  "group-name": (e) => (e.Groups ?? []).map((g) => g.GroupName ?? ""),
  "interface-type": (e) => e.InterfaceType,
  "ipv6-addresses.ipv6-address": (e) => (e.Ipv6Addresses ?? []).map((a) => a.Ipv6Address ?? ""),
  "ipv4-prefixes.ipv4-prefix": (e) => (e.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix ?? ""),
  "mac-address": (e) => e.MacAddress,
  "network-interface-id": (e) => e.NetworkInterfaceId,
  "owner-id": (e) => e.OwnerId,
  "private-dns-name": (e) => e.PrivateDnsName,
  "private-ip-address": (e) => e.PrivateIpAddress,
  "requester-id": (e) => e.RequesterId,
  "requester-managed": (e) => e.RequesterManaged,
  "source-dest-check": (e) => e.SourceDestCheck,
  status: (e) => e.Status,
  "subnet-id": (e) => e.SubnetId,
  "vpc-id": (e) => e.VpcId,
};

export const describeNetworkInterfaces = defineOp("DescribeNetworkInterfaces", (input, ctx) => {
  const page = describeOwned<EniDoc>(
    ctx.store,
    scopeOf(ctx),
    { type: ENI, idOf: (e) => e.NetworkInterfaceId, notFound: (id) => notFound(ENI, id), filters: eniFilters, paging: { min: 5, max: 1000 } },
    { ids: input.NetworkInterfaceIds, idsParameter: "networkInterfaceIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
    undefined,
    (docs) => {
      const eips = eipsByEni(ctx);
      return eips.size ? docs.map((d) => withElasticIps(ctx, d, eips)) : docs;
    },
  );
  checkDryRun(input);
  return { NetworkInterfaces: page.items.map(eniOutput), NextToken: page.nextToken };
});

// ---------------------------------------------------------------------------------------------
// Delete

/** Deletes an ENI and releases every address it holds (deleteResource drops its allocations). */
export const destroyEni = (ctx: OperationContext, eni: EniDoc): void => {
  deleteResource(ctx.store, eni.NetworkInterfaceId);
  if (eni.Association?.PublicIp && eni._cb?.autoPublicIp) releasePublicIpv4(ctx.store, eni.Association.PublicIp);
};

export const deleteNetworkInterface = defineOp("DeleteNetworkInterface", (input, ctx) => {
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  // A requester-managed interface lives as long as its resource (a NAT gateway, an endpoint...):
  // InvalidParameterValue, not InvalidNetworkInterface.InUse (computeErrors.requesterManagedInUse).
  if (eni.RequesterManaged) throw computeErrors.requesterManagedInUse(eni.NetworkInterfaceId);
  if (eni.Attachment) throw computeErrors.networkInterfaceInUse(eni.NetworkInterfaceId, eni.Attachment.InstanceId);
  checkDryRun(input);
  destroyEni(ctx, eni);
  return {};
});

// ---------------------------------------------------------------------------------------------
// The instance's copy of its interfaces

export const instanceEniIds = (inst: Instance): string[] => (inst as Instance & { _cb?: { enis?: string[] } })._cb?.enis ?? [];

const instanceInterface = (e: EniDoc): InstanceNetworkInterface => ({
  ...(e.Association ? { Association: { IpOwnerId: e.Association.IpOwnerId, PublicDnsName: e.Association.PublicDnsName, PublicIp: e.Association.PublicIp } } : {}),
  Attachment: e.Attachment
    ? {
        AttachTime: e.Attachment.AttachTime,
        AttachmentId: e.Attachment.AttachmentId,
        DeleteOnTermination: e.Attachment.DeleteOnTermination,
        DeviceIndex: e.Attachment.DeviceIndex,
        Status: e.Attachment.Status,
        NetworkCardIndex: e.Attachment.NetworkCardIndex,
      }
    : undefined,
  Description: e.Description,
  Groups: e.Groups,
  Ipv6Addresses: (e.Ipv6Addresses ?? []).map((a) => ({ Ipv6Address: a.Ipv6Address, IsPrimaryIpv6: a.IsPrimaryIpv6 })),
  MacAddress: e.MacAddress,
  NetworkInterfaceId: e.NetworkInterfaceId,
  OwnerId: e.OwnerId,
  PrivateDnsName: e.PrivateDnsName,
  PrivateIpAddress: e.PrivateIpAddress,
  PrivateIpAddresses: (e.PrivateIpAddresses ?? []).map((p) => ({
    ...(p.Association ? { Association: { IpOwnerId: p.Association.IpOwnerId, PublicDnsName: p.Association.PublicDnsName, PublicIp: p.Association.PublicIp } } : {}),
    Primary: p.Primary,
    PrivateDnsName: p.PrivateDnsName,
    PrivateIpAddress: p.PrivateIpAddress,
  })),
  SourceDestCheck: e.SourceDestCheck,
  Status: e.Status,
  SubnetId: e.SubnetId,
  VpcId: e.VpcId,
  InterfaceType: e.InterfaceType,
  ...(e.Ipv4Prefixes?.length ? { Ipv4Prefixes: e.Ipv4Prefixes.map((p) => ({ Ipv4Prefix: p.Ipv4Prefix })) } : {}),
});

/** Copies the instance's ENIs (device order) into its document: interfaces, primary address, groups. */
export const instanceNetworkFields = (enis: EniDoc[]): Partial<Instance> => {
  const sorted = [...enis].sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0));
  const primary = sorted.find((e) => e.Attachment?.DeviceIndex === 0) ?? sorted[0];
  const fields: Partial<Instance> = { NetworkInterfaces: sorted.map(instanceInterface) };
  if (primary) {
    fields.PrivateIpAddress = primary.PrivateIpAddress;
    fields.PrivateDnsName = primary.PrivateDnsName;
    fields.PublicIpAddress = primary.Association?.PublicIp;
    fields.PublicDnsName = primary.Association?.PublicDnsName ?? "";
    fields.SecurityGroups = primary.Groups;
    fields.SourceDestCheck = primary.SourceDestCheck;
    fields.SubnetId = primary.SubnetId;
    fields.VpcId = primary.VpcId;
    fields.Ipv6Address = primary.Ipv6Addresses?.[0]?.Ipv6Address;
  }
  return fields;
};

export const refreshInstanceNetwork = (ctx: OperationContext, instanceId: string): void => {
  const scope = scopeOf(ctx);
  updateResource<Instance>(ctx.store, scope, "instance", instanceId, (inst) => {
    const ids = instanceEniIds(inst);
    const enis = ids.length ? listResources<EniDoc>(ctx.store, scope, ENI, { ids, includeShared: false }) : [];
    const fields = instanceNetworkFields(enis);
    const next = { ...inst, ...fields };
    if (fields.PublicIpAddress === undefined) delete next.PublicIpAddress;
    if (fields.Ipv6Address === undefined) delete next.Ipv6Address;
    return next;
  });
};

const refreshIfAttached = (ctx: OperationContext, eni: EniDoc): void => {
  if (eni.Attachment?.InstanceId) refreshInstanceNetwork(ctx, eni.Attachment.InstanceId);
};

/** The limits of the instance an ENI is attached to (undefined when unattached). */
const attachedLimits = (ctx: OperationContext, eni: EniDoc): { type: string; limits: InstanceTypeLimits } | undefined => {
  const instanceId = eni.Attachment?.InstanceId;
  if (!instanceId) return undefined;
  const inst = getResource<Instance>(ctx.store, scopeOf(ctx), "instance", instanceId, { owned: true });
  const type = inst?.InstanceType;
  const limits = type ? instanceTypeLimits(type) : undefined;
  return type && limits ? { type, limits } : undefined;
};

const addressBook = (ctx: OperationContext, eni: EniDoc): SubnetAddresses => {
  const subnet = getResource<SubnetDoc>(ctx.store, scopeOf(ctx), "subnet", eni.SubnetId);
  if (!subnet) throw notFound("subnet", eni.SubnetId);
  const ipv6Block = (subnet.Ipv6CidrBlockAssociationSet ?? []).find((a) => a.Ipv6CidrBlockState?.State === "associated")?.Ipv6CidrBlock;
  return new SubnetAddresses(ctx.store, subnet.SubnetId, subnet.CidrBlock, ipv6Block);
};

// ---------------------------------------------------------------------------------------------
// Private IPv4 addresses and prefixes

export const assignPrivateIpAddresses = defineOp("AssignPrivateIpAddresses", (input, ctx) => {
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  const wanted = (input.PrivateIpAddresses ?? []).map((a) => {
    const c = canonical(a);
    if (!c || c.includes(":")) throw commonErrors.invalidParameterValue(`Invalid value '${a}' for IP address`);
    return c;
  });
  const count = nonNegative(input.SecondaryPrivateIpAddressCount, "SecondaryPrivateIpAddressCount");
  const prefixCount = nonNegative(input.Ipv4PrefixCount, "Ipv4PrefixCount");
  const prefixesWanted = input.Ipv4Prefixes ?? [];
  if (wanted.length && count) throw computeErrors.invalidParameterCombination("You may specify either PrivateIpAddresses or SecondaryPrivateIpAddressCount, not both.");
  if (prefixesWanted.length && prefixCount) throw computeErrors.invalidParameterCombination("You may specify either Ipv4Prefixes or Ipv4PrefixCount, not both.");
  if (!wanted.length && !count && !prefixesWanted.length && !prefixCount) {
    throw commonErrors.missingParameter("PrivateIpAddresses, SecondaryPrivateIpAddressCount, Ipv4Prefixes or Ipv4PrefixCount");
  }
  const adding = wanted.length + count + prefixesWanted.length + prefixCount;
  const limits = attachedLimits(ctx, eni);
  const current = (eni.PrivateIpAddresses ?? []).length + (eni.Ipv4Prefixes ?? []).length;
  // The instance type's IPv4 addresses per interface bound addresses and prefixes together.
  if (limits && current + adding > limits.limits.ipv4PerEni) throw computeErrors.privateIpLimitExceeded(eni.NetworkInterfaceId);
  // (no DryRun member on this operation)
  const book = addressBook(ctx, eni);
  const id = eni.NetworkInterfaceId;
  const assigned: string[] = [];
  for (const a of wanted) {
    if ((eni.PrivateIpAddresses ?? []).some((p) => p.PrivateIpAddress === a)) continue;
    if (!book.inSubnetV4(a)) throw commonErrors.invalidParameterValue(`Address ${a} does not fall within the subnet's address range`);
    if (book.reservedAddress(a)) throw commonErrors.invalidParameterValue(`Address ${a} is in subnet's reserved address range`);
    if (!book.takeIpv4(a, id)) throw computeErrors.ipAddressInUse(a);
    assigned.push(a);
  }
  if (count > book.freeIpv4()) throw computeErrors.insufficientFreeAddresses(eni.SubnetId);
  for (let i = 0; i < count; i++) assigned.push(book.nextIpv4(id)!);
  const prefixes: string[] = [];
  for (const p of prefixesWanted) {
    const r = book.takePrefix(p, id);
    if (r === "malformed") throw commonErrors.invalidParameterValue(`Invalid value '${p}' for Ipv4Prefix: expecting an aligned /28 prefix`);
    if (r === "outside") throw commonErrors.invalidParameterValue(`Prefix ${p} does not fall within the subnet's address range`);
    if (r === "in-use") throw computeErrors.ipAddressInUse(p);
    prefixes.push(p);
  }
  for (let i = 0; i < prefixCount; i++) {
    const p = book.nextPrefix(id);
    if (!p) throw computeErrors.insufficientCidrBlocks(eni.SubnetId);
    prefixes.push(p);
  }
  updateResource<EniDoc>(ctx.store, scopeOf(ctx), ENI, id, (d) => {
    d.PrivateIpAddresses = [
      ...(d.PrivateIpAddresses ?? []),
      ...assigned.map((a) => ({ Primary: false, PrivateDnsName: privateDnsName(ctx.region, a), PrivateIpAddress: a })),
    ];
    d.Ipv4Prefixes = [...(d.Ipv4Prefixes ?? []), ...prefixes.map((p) => ({ Ipv4Prefix: p }))];
  });
  refreshIfAttached(ctx, eni);
  return {
    NetworkInterfaceId: id,
    AssignedPrivateIpAddresses: assigned.map((a) => ({ PrivateIpAddress: a })),
    AssignedIpv4Prefixes: prefixes.map((p) => ({ Ipv4Prefix: p })),
  };
});

export const unassignPrivateIpAddresses = defineOp("UnassignPrivateIpAddresses", (input, ctx) => {
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  const addrs = (input.PrivateIpAddresses ?? []).map((a) => canonical(a) ?? a);
  const prefixes = input.Ipv4Prefixes ?? [];
  if (!addrs.length && !prefixes.length) throw commonErrors.missingParameter("PrivateIpAddresses");
  for (const a of addrs) {
    const p = (eni.PrivateIpAddresses ?? []).find((x) => x.PrivateIpAddress === a);
    if (!p) throw commonErrors.invalidParameterValue(`Some of the specified addresses are not assigned to interface ${eni.NetworkInterfaceId}`);
    if (p.Primary) throw commonErrors.invalidParameterValue(`The primary IP address ${a} of interface ${eni.NetworkInterfaceId} cannot be unassigned`);
  }
  for (const p of prefixes) {
    if (!(eni.Ipv4Prefixes ?? []).some((x) => x.Ipv4Prefix === p)) {
      throw commonErrors.invalidParameterValue(`Some of the specified prefixes are not assigned to interface ${eni.NetworkInterfaceId}`);
    }
  }
  // (no DryRun member on this operation)
  for (const a of [...addrs, ...prefixes]) releaseAddress(ctx.store, eni.SubnetId, a);
  updateResource<EniDoc>(ctx.store, scopeOf(ctx), ENI, eni.NetworkInterfaceId, (d) => {
    d.PrivateIpAddresses = (d.PrivateIpAddresses ?? []).filter((p) => !addrs.includes(p.PrivateIpAddress!));
    d.Ipv4Prefixes = (d.Ipv4Prefixes ?? []).filter((p) => !prefixes.includes(p.Ipv4Prefix!));
  });
  refreshIfAttached(ctx, eni);
  return {};
});

// ---------------------------------------------------------------------------------------------
// IPv6 addresses

export const assignIpv6Addresses = defineOp("AssignIpv6Addresses", (input, ctx) => {
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  const wanted = (input.Ipv6Addresses ?? []).map((a) => {
    const c = canonical(a);
    if (!c || !c.includes(":")) throw commonErrors.invalidParameterValue(`Invalid value '${a}' for IPv6 address`);
    return c;
  });
  const count = nonNegative(input.Ipv6AddressCount, "Ipv6AddressCount");
  if (wanted.length && count) throw computeErrors.invalidParameterCombination("You may specify either Ipv6Addresses or Ipv6AddressCount, not both.");
  if (!wanted.length && !count && !input.Ipv6PrefixCount && !input.Ipv6Prefixes?.length) throw commonErrors.missingParameter("Ipv6Addresses or Ipv6AddressCount");
  if (input.Ipv6PrefixCount || input.Ipv6Prefixes?.length) throw computeErrors.unsupportedOperation("IPv6 prefix delegation is not supported by Cloudbox.");
  const limits = attachedLimits(ctx, eni);
  if (limits && (eni.Ipv6Addresses ?? []).length + wanted.length + count > (limits.limits.ipv6PerEni ?? 0)) {
    throw computeErrors.ipv6LimitExceeded(eni.NetworkInterfaceId);
  }
  // (no DryRun member on this operation)
  const book = addressBook(ctx, eni);
  if (!book.hasIpv6) throw computeErrors.invalidParameterCombination(`You must have an IPv6 CIDR block on subnet ${eni.SubnetId} to assign IPv6 addresses.`);
  const id = eni.NetworkInterfaceId;
  const assigned: string[] = [];
  for (const a of wanted) {
    if (!book.inSubnetV6(a)) throw commonErrors.invalidParameterValue(`Address ${a} does not fall within the subnet's address range`);
    if (!book.takeIpv6(a, id)) throw computeErrors.ipAddressInUse(a);
    assigned.push(a);
  }
  for (let i = 0; i < count; i++) assigned.push(book.nextIpv6(id)!);
  updateResource<EniDoc>(ctx.store, scopeOf(ctx), ENI, id, (d) => {
    d.Ipv6Addresses = [...(d.Ipv6Addresses ?? []), ...assigned.map((a) => ({ Ipv6Address: a, IsPrimaryIpv6: false }))];
  });
  refreshIfAttached(ctx, eni);
  return { NetworkInterfaceId: id, AssignedIpv6Addresses: assigned };
});

export const unassignIpv6Addresses = defineOp("UnassignIpv6Addresses", (input, ctx) => {
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  const addrs = (input.Ipv6Addresses ?? []).map((a) => canonical(a) ?? a);
  if (!addrs.length) throw commonErrors.missingParameter("Ipv6Addresses");
  for (const a of addrs) {
    if (!(eni.Ipv6Addresses ?? []).some((x) => x.Ipv6Address === a)) {
      throw commonErrors.invalidParameterValue(`Some of the specified addresses are not assigned to interface ${eni.NetworkInterfaceId}`);
    }
  }
  // (no DryRun member on this operation)
  for (const a of addrs) releaseAddress(ctx.store, eni.SubnetId, a);
  updateResource<EniDoc>(ctx.store, scopeOf(ctx), ENI, eni.NetworkInterfaceId, (d) => {
    d.Ipv6Addresses = (d.Ipv6Addresses ?? []).filter((x) => !addrs.includes(x.Ipv6Address!));
  });
  refreshIfAttached(ctx, eni);
  return { NetworkInterfaceId: eni.NetworkInterfaceId, UnassignedIpv6Addresses: addrs };
});

// ---------------------------------------------------------------------------------------------
// Attach / detach

/** ENIs on a network card of an instance may not exceed the type's figure for that card. */
export const cardLimit = (limits: InstanceTypeLimits, card: number): number =>
  limits.enisPerCard ? (limits.enisPerCard[card] ?? 0) : card === 0 ? limits.enisDefaultCard : 0;

export interface AttachOptions {
  deviceIndex: number;
  networkCardIndex?: number;
  deleteOnTermination: boolean;
}

/** Checks that an ENI can be attached to an instance; throws AWS's errors. */
export const checkAttach = (ctx: OperationContext, eni: EniDoc, inst: Instance, enis: EniDoc[], opts: AttachOptions): void => {
  if (eni.Attachment) throw computeErrors.networkInterfaceInUse(eni.NetworkInterfaceId, eni.Attachment.InstanceId);
  const type = inst.InstanceType!;
  const limits = instanceTypeLimits(type)!;
  const card = opts.networkCardIndex ?? 0;
  if (!Number.isInteger(opts.deviceIndex) || opts.deviceIndex < 0) throw commonErrors.invalidParameterValue(`Invalid value '${opts.deviceIndex}' for deviceIndex`);
  if (!Number.isInteger(card) || card < 0 || card >= limits.networkCards) {
    throw commonErrors.invalidParameterValue(`Network card index ${card} is not valid for instance type ${type}`);
  }
  // "You may not attach a network interface to an instance if they are not in the same availability zone"
  if (eni.AvailabilityZoneId !== inst.Placement?.AvailabilityZoneId) {
    throw computeErrors.invalidParameterCombination("You may not attach a network interface to an instance if they are not in the same availability zone");
  }
  if (enis.some((e) => e.Attachment?.DeviceIndex === opts.deviceIndex && (e.Attachment?.NetworkCardIndex ?? 0) === card)) {
    throw commonErrors.invalidParameterValue(`Instance '${inst.InstanceId}' already has an interface attached at device index '${opts.deviceIndex}'.`);
  }
  const onCard = enis.filter((e) => (e.Attachment?.NetworkCardIndex ?? 0) === card).length;
  if (onCard + 1 > cardLimit(limits, card)) throw computeErrors.interfaceLimitExceeded(enis.length + 1, type);
  if ((eni.PrivateIpAddresses ?? []).length + (eni.Ipv4Prefixes ?? []).length > limits.ipv4PerEni) throw computeErrors.privateIpLimitExceeded(eni.NetworkInterfaceId);
  if ((eni.Ipv6Addresses ?? []).length > (limits.ipv6PerEni ?? 0)) throw computeErrors.ipv6LimitExceeded(eni.NetworkInterfaceId);
};

/** Attaches (after checkAttach); the instance document is refreshed by the caller or here. */
export const attachEni = (ctx: OperationContext, eniId: string, inst: Instance, opts: AttachOptions, refresh = true): NetworkInterfaceAttachment => {
  const scope = scopeOf(ctx);
  const attachment: NetworkInterfaceAttachment = {
    AttachTime: nowIso(ctx) as unknown as Date,
    AttachmentId: newResourceId("eni-attach"),
    DeleteOnTermination: opts.deleteOnTermination,
    DeviceIndex: opts.deviceIndex,
    NetworkCardIndex: opts.networkCardIndex ?? 0,
    InstanceId: inst.InstanceId,
    InstanceOwnerId: ctx.accountId,
    Status: "attached",
  };
  updateResource<EniDoc>(ctx.store, scope, ENI, eniId, (d) => {
    d.Attachment = attachment;
    d.Status = "in-use";
  });
  updateResource<Instance & { _cb?: { enis?: string[] } }>(ctx.store, scope, "instance", inst.InstanceId!, (i) => {
    i._cb = { ...i._cb, enis: [...new Set([...(i._cb?.enis ?? []), eniId])] };
  });
  if (refresh) refreshInstanceNetwork(ctx, inst.InstanceId!);
  return attachment;
};

export const detachEni = (ctx: OperationContext, eni: EniDoc, refresh = true): void => {
  const scope = scopeOf(ctx);
  const instanceId = eni.Attachment?.InstanceId;
  updateResource<EniDoc>(ctx.store, scope, ENI, eni.NetworkInterfaceId, (d) => {
    delete d.Attachment;
    d.Status = "available";
  });
  if (instanceId) {
    updateResource<Instance & { _cb?: { enis?: string[] } }>(ctx.store, scope, "instance", instanceId, (i) => {
      i._cb = { ...i._cb, enis: (i._cb?.enis ?? []).filter((x) => x !== eni.NetworkInterfaceId) };
    });
    if (refresh) refreshInstanceNetwork(ctx, instanceId);
  }
};

export const attachNetworkInterface = defineOp("AttachNetworkInterface", (input, ctx) => {
  const scope = scopeOf(ctx);
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  if (!input.InstanceId) throw commonErrors.missingParameter("InstanceId");
  if (input.DeviceIndex === undefined) throw commonErrors.missingParameter("DeviceIndex");
  const inst = getResource<Instance>(ctx.store, scope, "instance", input.InstanceId, { owned: true });
  if (!inst) throw notFound("instance", input.InstanceId);
  const state = inst.State?.Name;
  if (state !== "running" && state !== "stopped" && state !== "pending") throw computeErrors.incorrectInstanceState(inst.InstanceId!, "attached to");
  const ids = instanceEniIds(inst);
  const enis = ids.length ? listResources<EniDoc>(ctx.store, scope, ENI, { ids, includeShared: false }) : [];
  checkAttach(ctx, eni, inst, enis, { deviceIndex: input.DeviceIndex, networkCardIndex: input.NetworkCardIndex, deleteOnTermination: false });
  checkDryRun(input);
  const a = attachEni(ctx, eni.NetworkInterfaceId, inst, { deviceIndex: input.DeviceIndex, networkCardIndex: input.NetworkCardIndex, deleteOnTermination: false });
  return { AttachmentId: a.AttachmentId, NetworkCardIndex: a.NetworkCardIndex };
});

export const detachNetworkInterface = defineOp("DetachNetworkInterface", (input, ctx) => {
  if (!input.AttachmentId) throw commonErrors.missingParameter("AttachmentId");
  const eni = listResources<EniDoc>(ctx.store, scopeOf(ctx), ENI, { includeShared: false }).find((e) => e.Attachment?.AttachmentId === input.AttachmentId);
  if (!eni) throw notFound("network-interface-attachment", input.AttachmentId);
  // A service's own attachment of its requester-managed interface (a NAT gateway's ela-attach-…).
  if (eni.RequesterManaged && !eni.Attachment?.InstanceId) throw computeErrors.notAllowedToManageAttachment(input.AttachmentId.split("-").slice(0, 2).join("-"));
  if (eni.Attachment?.DeviceIndex === 0 && (eni.Attachment?.NetworkCardIndex ?? 0) === 0) {
    throw computeErrors.operationNotPermitted(`The network interface at device index 0 cannot be detached.`);
  }
  checkDryRun(input);
  detachEni(ctx, eni);
  return {};
});

// ---------------------------------------------------------------------------------------------
// Attributes

export const modifyNetworkInterfaceAttribute = defineOp("ModifyNetworkInterfaceAttribute", (input, ctx) => {
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  const groups = input.Groups?.length ? resolveGroups(ctx, eni.VpcId, eni.SubnetId, input.Groups) : undefined;
  if (input.Attachment && input.Attachment.AttachmentId !== eni.Attachment?.AttachmentId) {
    throw notFound("network-interface-attachment", input.Attachment.AttachmentId ?? "");
  }
  checkDryRun(input);
  updateResource<EniDoc>(ctx.store, scopeOf(ctx), ENI, eni.NetworkInterfaceId, (d) => {
    if (groups) d.Groups = groups;
    if (input.SourceDestCheck?.Value !== undefined) d.SourceDestCheck = input.SourceDestCheck.Value;
    if (input.Description?.Value !== undefined) d.Description = input.Description.Value;
    if (input.Attachment?.DeleteOnTermination !== undefined && d.Attachment) d.Attachment.DeleteOnTermination = input.Attachment.DeleteOnTermination;
  });
  refreshIfAttached(ctx, eni);
  return {};
});

export const describeNetworkInterfaceAttribute = defineOp("DescribeNetworkInterfaceAttribute", (input, ctx) => {
  const eni = ownedEni(ctx, input.NetworkInterfaceId);
  checkDryRun(input);
  const out = { NetworkInterfaceId: eni.NetworkInterfaceId };
  switch (input.Attribute) {
    case "description":
      return { ...out, Description: { Value: eni.Description ?? "" } };
    case "groupSet":
      return { ...out, Groups: eni.Groups };
    case "sourceDestCheck":
      return { ...out, SourceDestCheck: { Value: eni.SourceDestCheck ?? true } };
    case "attachment":
      return { ...out, Attachment: eni.Attachment };
    case "associatePublicIpAddress":
      return { ...out, AssociatePublicIpAddress: !!eni.Association };
    case undefined:
      throw commonErrors.missingParameter("Attribute");
    default:
      throw commonErrors.invalidParameterValue(`Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`);
  }
});

export const networkInterfaceOperations = [
  createNetworkInterface,
  describeNetworkInterfaces,
  deleteNetworkInterface,
  assignPrivateIpAddresses,
  unassignPrivateIpAddresses,
  assignIpv6Addresses,
  unassignIpv6Addresses,
  attachNetworkInterface,
  detachNetworkInterface,
  modifyNetworkInterfaceAttribute,
  describeNetworkInterfaceAttribute,
];
