/**
 * Subnets: CreateSubnet, DescribeSubnets, DeleteSubnet, ModifySubnetAttribute.
 *
 * AWS rules reproduced (data/vpc-facts.json, group "subnet"):
 * - IPv4 blocks /16 to /28 inside one of the VPC's IPv4 blocks (InvalidSubnet.Range), not
 *   overlapping a sibling (InvalidSubnet.Conflict); the CIDR is canonicalised
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html,
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html).
 * - An IPv6 block is a /64 inside one of the VPC's IPv6 blocks. DEVIATION: the /44../60 subnet
 *   sizes of the current subnet-sizing page are refused (only /64).
 * - The zone is named by AvailabilityZone or AvailabilityZoneId, both through the caller's AZ map
 *   (subnets store the AZ ID; each account sees its own name for it); an unknown one is
 *   InvalidParameterValue "Value (x) for parameter availabilityZone is invalid. Subnets can
 *   currently only be created in the following availability zones: …" (real AWS wording).
 *   Without either, AWS picks a zone: Cloudbox picks the zone with the fewest subnets of the VPC.
 * - AvailableIpAddressCount = block size − 5 reserved addresses (first four and last) − every
 *   allocated address, computed on read.
 * - Filters and MaxResults (5..1000): the DescribeSubnets input documentation of the EC2 API
 *   model (botocore ec2/2016-11-15/service-2.json as shipped with the AWS CLI v2).
 * - DeleteSubnet refuses with DependencyViolation while anything is inside (ENIs, instances,
 *   NAT gateways, endpoints: children in the resource store or allocated addresses).
 * - A subnet shared with the caller (RAM) is listed with the caller's AZ name for its AZ ID and
 *   the owner's OwnerId.
 * Network ACL association: a new subnet is associated with the VPC's default NACL through the
 * security family (associateDefaultNetworkAcl), which keeps associations in its NACL documents.
 */
import type { SubnetIpv6CidrBlockAssociation } from "@aws-sdk/client-ec2";
import { newResourceId, opDefiner, type StorePort } from "../../../core/index.js";
import {
  allocatedAddresses,
  applyTagSpecifications,
  checkDryRun,
  childrenOf,
  countAllocatedIpv4,
  deleteResource,
  describe,
  getResource,
  listResources,
  notFound,
  putResource,
  validateTagSpecifications,
  type Scope,
} from "../foundation/index.js";
import type { FilterTable } from "../filters.js";
import { associateDefaultNetworkAcl, disassociateSubnetNetworkAcl } from "../security/defaults.js";
import { contains, containsAddress, overlaps, parseAddress, parseIpv4Cidr, parseIpv6Cidr, size, subBlock, type Block } from "./cidr.js";
import { ensureDefaultVpc } from "./default-vpc.js";
import { vpcErrors } from "./errors.js";
import { callerScope, owned, ownedVpc, SUBNET, VPC, vpcCidrsOf, zoneNameFor, zonesOf, type SubnetDoc, type VpcDoc } from "./model.js";
import { defaultVpcRecord } from "./store.js";
import { dropSubnetAssociations } from "./route-tables.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

/** AWS reserves the first four and the last address of every subnet (subnet-sizing.html). */
export const RESERVED_PER_SUBNET = 5;

export interface NewSubnet {
  cidr: Block;
  zoneId: string;
  ipv6?: Block;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
}

export const createSubnetResource = (store: StorePort, scope: Scope, vpc: VpcDoc, spec: NewSubnet): SubnetDoc => {
  const id = newResourceId("subnet");
  const ipv6: SubnetIpv6CidrBlockAssociation[] = spec.ipv6
    ? [{ AssociationId: newResourceId("subnet-cidr-assoc"), Ipv6CidrBlock: spec.ipv6.text, Ipv6CidrBlockState: { State: "associated" } }]
    : [];
  const doc: SubnetDoc = {
    AvailabilityZoneId: spec.zoneId,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: scope.accountId,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: ipv6,
    SubnetArn: `arn:aws:ec2:${scope.region}:${scope.accountId}:subnet/${id}`,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: { HostnameType: "ip-name", EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
    SubnetId: id,
    State: "available",
    VpcId: vpc.VpcId,
    CidrBlock: spec.cidr.text,
    DefaultForAz: spec.defaultForAz,
    MapPublicIpOnLaunch: spec.mapPublicIpOnLaunch,
  };
  putResource(store, scope, SUBNET, id, doc, { parent: vpc.VpcId });
  // Every subnet is associated with exactly one network ACL, the VPC's default one at first
  // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html); the security family
  // keeps that association in its NACL documents.
  associateDefaultNetworkAcl(store, scope, vpc.VpcId, id);
  return doc;
};

/** Free IPv4 addresses of a subnet: size − 5 reserved − allocated. */
export const availableIpv4Count = (store: StorePort, subnet: SubnetDoc): number => {
  const block = parseIpv4Cidr(subnet.CidrBlock)!;
  return Math.max(0, Number(size(block)) - RESERVED_PER_SUBNET - countAllocatedIpv4(store, subnet.SubnetId));
};

/** The subnet as the caller sees it: its own AZ name for the subnet's AZ ID, the free count. */
export const subnetOutput = (store: StorePort, settings: Readonly<Record<string, unknown>>, scope: Scope, doc: SubnetDoc) => ({
  ...doc,
  AvailabilityZone: zoneNameFor(settings, scope, doc.AvailabilityZoneId),
  AvailableIpAddressCount: availableIpv4Count(store, doc),
});

const subnetsOf = (store: StorePort, scope: Scope, vpcId: string): SubnetDoc[] =>
  listResources<SubnetDoc>(store, scope, SUBNET, { parent: vpcId, includeShared: false });

export const createSubnet = defineOp("CreateSubnet", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  if (input.Ipv6Native || input.Ipv4IpamPoolId || input.Ipv6IpamPoolId || input.OutpostArn) {
    throw vpcErrors.invalidParameter("IPv6-only subnets, IPAM pools and Outposts are not supported by Cloudbox.");
  }
  if (input.CidrBlock === undefined) throw vpcErrors.missing("CidrBlock");
  const cidr = parseIpv4Cidr(input.CidrBlock);
  if (!cidr) throw vpcErrors.invalidCidrParameter("cidrBlock", input.CidrBlock);
  if (cidr.length < 16 || cidr.length > 28) throw vpcErrors.invalidSubnetRange(input.CidrBlock);
  const cidrs = vpcCidrsOf(vpc);
  if (!cidrs.ipv4.some((c) => contains(parseIpv4Cidr(c)!, cidr))) throw vpcErrors.invalidSubnetRange(input.CidrBlock);
  const siblings = subnetsOf(ctx.store, scope, vpc.VpcId);
  if (siblings.some((s) => overlaps(parseIpv4Cidr(s.CidrBlock)!, cidr))) throw vpcErrors.invalidSubnetConflict(input.CidrBlock);

  let ipv6: Block | undefined;
  if (input.Ipv6CidrBlock !== undefined) {
    ipv6 = parseIpv6Cidr(input.Ipv6CidrBlock);
    if (!ipv6) throw vpcErrors.invalidCidrParameter("ipv6CidrBlock", input.Ipv6CidrBlock);
    const v6 = ipv6;
    if (v6.length !== 64 || !cidrs.ipv6.some((c) => contains(parseIpv6Cidr(c)!, v6))) throw vpcErrors.invalidSubnetRange(input.Ipv6CidrBlock);
    const taken = siblings.flatMap((s) => (s.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State === "associated"));
    if (taken.some((a) => overlaps(parseIpv6Cidr(a.Ipv6CidrBlock!)!, v6))) throw vpcErrors.invalidSubnetConflict(input.Ipv6CidrBlock);
  }

  let zoneId: string;
  const named = zoneOf(ctx.settings, scope, input);
  if (named) zoneId = named.zoneId;
  else {
    // "Default: Amazon Web Services selects one for you" (API_CreateSubnet): the zone with the
    // fewest subnets of this VPC, in the caller's zone-name order.
    const zones = zonesOf(ctx.settings, scope);
    const counts = new Map<string, number>(zones.map((z) => [z.zoneId, 0]));
    for (const s of siblings) counts.set(s.AvailabilityZoneId, (counts.get(s.AvailabilityZoneId) ?? 0) + 1);
    zoneId = zones.reduce((best, z) => (counts.get(z.zoneId)! < counts.get(best.zoneId)! ? z : best), zones[0]).zoneId;
  }
  validateTagSpecifications(input.TagSpecifications, [SUBNET]);
  checkDryRun(input);
  const doc = createSubnetResource(ctx.store, scope, vpc, { cidr, zoneId, ipv6, defaultForAz: false, mapPublicIpOnLaunch: false });
  const tags = applyTagSpecifications(ctx.store, scope, SUBNET, doc.SubnetId, input.TagSpecifications);
  return { Subnet: { ...subnetOutput(ctx.store, ctx.settings, scope, doc), ...(tags.length ? { Tags: tags } : {}) } };
});

const subnetFilters = (store: StorePort, settings: Readonly<Record<string, unknown>>, scope: Scope): FilterTable<SubnetDoc> => {
  const cidr = (s: SubnetDoc) => s.CidrBlock;
  const defaultForAz = (s: SubnetDoc) => String(s.DefaultForAz === true);
  const v6 = (f: (a: SubnetIpv6CidrBlockAssociation) => string | undefined) => (s: SubnetDoc) =>
    (s.Ipv6CidrBlockAssociationSet ?? []).map((a) => f(a) ?? "");
  return {
    "availability-zone": (s) => zoneNameFor(settings, scope, s.AvailabilityZoneId),
    "availability-zone-id": (s) => s.AvailabilityZoneId,
    "available-ip-address-count": (s) => String(availableIpv4Count(store, s)),
    // API_DescribeSubnets: "cidr-block - The IPv4 CIDR block of the subnet … (You can also use
    // cidr or cidrBlock as the filter names.)"; "default-for-az … (You can also use defaultForAz.)"
    "cidr-block": cidr,
    cidr,
    cidrBlock: cidr,
    "default-for-az": defaultForAz,
    defaultForAz,
    "ipv6-cidr-block-association.ipv6-cidr-block": v6((a) => a.Ipv6CidrBlock),
    "ipv6-cidr-block-association.association-id": v6((a) => a.AssociationId),
    "ipv6-cidr-block-association.state": v6((a) => a.Ipv6CidrBlockState?.State),
    "ipv6-native": (s) => String(s.Ipv6Native === true),
    "customer-owned-ipv4-pool": (s) => s.CustomerOwnedIpv4Pool,
    "enable-dns64": (s) => String(s.EnableDns64 === true),
    "enable-lni-at-device-index": (s) => (s.EnableLniAtDeviceIndex === undefined ? undefined : String(s.EnableLniAtDeviceIndex)),
    "map-customer-owned-ip-on-launch": (s) => String(s.MapCustomerOwnedIpOnLaunch === true),
    "outpost-arn": (s) => s.OutpostArn,
    "private-dns-name-options-on-launch.hostname-type": (s) => s.PrivateDnsNameOptionsOnLaunch?.HostnameType,
    "private-dns-name-options-on-launch.enable-resource-name-dns-a-record": (s) => String(s.PrivateDnsNameOptionsOnLaunch?.EnableResourceNameDnsARecord === true),
    "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record": (s) => String(s.PrivateDnsNameOptionsOnLaunch?.EnableResourceNameDnsAAAARecord === true),
    "map-public-ip-on-launch": (s) => String(s.MapPublicIpOnLaunch === true),
    "owner-id": (s) => s.OwnerId,
    state: (s) => s.State,
    "subnet-arn": (s) => s.SubnetArn,
    "subnet-id": (s) => s.SubnetId,
    "vpc-id": (s) => s.VpcId,
  };
};

export const describeSubnets = defineOp("DescribeSubnets", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const page = describe<SubnetDoc>(
    ctx.store,
    scope,
    {
      type: SUBNET,
      idOf: (s) => s.SubnetId,
      notFound: (id) => notFound(SUBNET, id),
      filters: subnetFilters(ctx.store, ctx.settings, scope),
      paging: { min: 5, max: 1000 },
    },
    { ids: input.SubnetIds, idsParameter: "subnetIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { Subnets: page.items.map((s) => ({ ...subnetOutput(ctx.store, ctx.settings, scope, s), Tags: s.Tags })), NextToken: page.nextToken };
});

/** What keeps a subnet alive: children (ENIs, instances, live NAT gateways, ...) or addresses. */
export const subnetInUse = (store: StorePort, scope: Scope, subnetId: string): boolean => {
  const live = childrenOf(store, subnetId).filter(
    (c) => !(c.type === "natgateway" && getResource<{ State?: string }>(store, scope, c.type, c.id)?.State === "deleted"),
  );
  return live.length > 0 || allocatedAddresses(store, subnetId).length > 0;
};

export const deleteSubnet = defineOp("DeleteSubnet", (input, ctx) => {
  const scope = callerScope(ctx);
  const subnet = owned<SubnetDoc>(ctx.store, scope, SUBNET, input.SubnetId, "SubnetId");
  if (subnetInUse(ctx.store, scope, subnet.SubnetId)) throw vpcErrors.dependencyViolation("subnet", subnet.SubnetId);
  checkDryRun(input);
  dropSubnetAssociations(ctx.store, scope, subnet.VpcId, subnet.SubnetId);
  disassociateSubnetNetworkAcl(ctx.store, scope, subnet.VpcId, subnet.SubnetId);
  deleteResource(ctx.store, subnet.SubnetId);
  return {};
});

export const modifySubnetAttribute = defineOp("ModifySubnetAttribute", (input, ctx) => {
  const scope = callerScope(ctx);
  const subnet = owned<SubnetDoc>(ctx.store, scope, SUBNET, input.SubnetId, "SubnetId");
  const changes: Array<[string, (s: SubnetDoc) => SubnetDoc]> = [];
  const flag = (v: { Value?: boolean } | undefined) => v?.Value === true;
  if (input.MapPublicIpOnLaunch) changes.push(["MapPublicIpOnLaunch", (s) => ({ ...s, MapPublicIpOnLaunch: flag(input.MapPublicIpOnLaunch) })]);
  if (input.AssignIpv6AddressOnCreation) {
    if (flag(input.AssignIpv6AddressOnCreation) && !(subnet.Ipv6CidrBlockAssociationSet ?? []).some((a) => a.Ipv6CidrBlockState?.State === "associated")) {
      throw vpcErrors.invalidValue(`Invalid value 'true' for assignIpv6AddressOnCreation: the subnet ${subnet.SubnetId} has no IPv6 CIDR block`);
    }
    changes.push(["AssignIpv6AddressOnCreation", (s) => ({ ...s, AssignIpv6AddressOnCreation: flag(input.AssignIpv6AddressOnCreation) })]);
  }
  if (input.EnableDns64) changes.push(["EnableDns64", (s) => ({ ...s, EnableDns64: flag(input.EnableDns64) })]);
  if (input.PrivateDnsHostnameTypeOnLaunch) {
    const t = input.PrivateDnsHostnameTypeOnLaunch;
    if (t !== "ip-name" && t !== "resource-name") throw vpcErrors.invalidValue(`Value (${t}) for parameter privateDnsHostnameTypeOnLaunch is invalid.`);
    changes.push(["PrivateDnsHostnameTypeOnLaunch", (s) => ({ ...s, PrivateDnsNameOptionsOnLaunch: { ...s.PrivateDnsNameOptionsOnLaunch, HostnameType: t } })]);
  }
  if (input.EnableResourceNameDnsARecordOnLaunch) {
    const v = flag(input.EnableResourceNameDnsARecordOnLaunch);
    changes.push(["EnableResourceNameDnsARecordOnLaunch", (s) => ({ ...s, PrivateDnsNameOptionsOnLaunch: { ...s.PrivateDnsNameOptionsOnLaunch, EnableResourceNameDnsARecord: v } })]);
  }
  if (input.EnableResourceNameDnsAAAARecordOnLaunch) {
    const v = flag(input.EnableResourceNameDnsAAAARecordOnLaunch);
    changes.push(["EnableResourceNameDnsAAAARecordOnLaunch", (s) => ({ ...s, PrivateDnsNameOptionsOnLaunch: { ...s.PrivateDnsNameOptionsOnLaunch, EnableResourceNameDnsAAAARecord: v } })]);
  }
  if (changes.length === 0) throw vpcErrors.missing("attribute");
  // API_ModifySubnetAttribute: "You can only modify one attribute at a time."
  if (changes.length > 1) throw vpcErrors.invalidParameterCombination("Fields for multiple attribute types specified: " + changes.map(([k]) => k).join(", "));
  putResource(ctx.store, scope, SUBNET, subnet.SubnetId, changes[0][1](subnet));
  return {};
});

/** The caller's zone for a request naming AvailabilityZone and/or AvailabilityZoneId. */
const zoneOf = (
  settings: Readonly<Record<string, unknown>>,
  scope: Scope,
  input: { AvailabilityZone?: string; AvailabilityZoneId?: string },
): { zoneName: string; zoneId: string } | undefined => {
  const zones = zonesOf(settings, scope);
  if (input.AvailabilityZone !== undefined) {
    const z = zones.find((x) => x.zoneName === input.AvailabilityZone);
    if (!z) throw vpcErrors.invalidAvailabilityZone(input.AvailabilityZone, zones.map((x) => x.zoneName));
    if (input.AvailabilityZoneId !== undefined && input.AvailabilityZoneId !== z.zoneId) {
      throw vpcErrors.invalidParameterCombination("The parameters availabilityZone and availabilityZoneId name different zones.");
    }
    return z;
  }
  if (input.AvailabilityZoneId !== undefined) {
    const z = zones.find((x) => x.zoneId === input.AvailabilityZoneId);
    if (!z) throw vpcErrors.invalidAvailabilityZoneId(input.AvailabilityZoneId, zones.map((x) => x.zoneId));
    return z;
  }
  return undefined;
};

/**
 * CreateDefaultSubnet (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDefaultSubnet.html):
 * "Creates a default subnet with a size /20 IPv4 CIDR block in the specified Availability Zone in
 * your default VPC. You can have only one default subnet per Availability Zone." The block is the
 * first free /20 of the default VPC's 172.31.0.0/16.
 */
export const createDefaultSubnet = defineOp("CreateDefaultSubnet", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  if (input.Ipv6Native) throw vpcErrors.invalidParameter("IPv6-only subnets are not supported by Cloudbox.");
  if (input.AvailabilityZone === undefined && input.AvailabilityZoneId === undefined) throw vpcErrors.missing("AvailabilityZone");
  const zone = zoneOf(ctx.settings, scope, input)!;
  const vpcId = defaultVpcRecord(ctx.store, scope);
  const vpc = vpcId ? getResource<VpcDoc>(ctx.store, scope, VPC, vpcId, { owned: true }) : undefined;
  if (!vpc) throw vpcErrors.defaultVpcDoesNotExist();
  const siblings = subnetsOf(ctx.store, scope, vpc.VpcId);
  if (siblings.some((s) => s.DefaultForAz && s.AvailabilityZoneId === zone.zoneId)) throw vpcErrors.defaultSubnetAlreadyExists(zone.zoneName);
  const primary = parseIpv4Cidr(vpc.CidrBlock)!;
  let cidr: Block | undefined;
  for (let i = 0; i < 2 ** (20 - primary.length); i++) {
    const candidate = subBlock(primary, 20, i);
    if (!siblings.some((s) => overlaps(parseIpv4Cidr(s.CidrBlock)!, candidate))) {
      cidr = candidate;
      break;
    }
  }
  if (!cidr) throw vpcErrors.invalidSubnetConflict(`${primary.text} has no free /20`);
  checkDryRun(input);
  const doc = createSubnetResource(ctx.store, scope, vpc, { cidr, zoneId: zone.zoneId, defaultForAz: true, mapPublicIpOnLaunch: true });
  return { Subnet: subnetOutput(ctx.store, ctx.settings, scope, doc) };
});

/** AssociateSubnetCidrBlock: one IPv6 /64 from the VPC's IPv6 blocks. */
export const associateSubnetCidrBlock = defineOp("AssociateSubnetCidrBlock", (input, ctx) => {
  const scope = callerScope(ctx);
  const subnet = owned<SubnetDoc>(ctx.store, scope, SUBNET, input.SubnetId, "SubnetId");
  if (input.Ipv6IpamPoolId || input.Ipv6NetmaskLength) throw vpcErrors.invalidParameter("IPAM pools are not supported by Cloudbox.");
  if (input.Ipv6CidrBlock === undefined) throw vpcErrors.missing("Ipv6CidrBlock");
  const v6 = parseIpv6Cidr(input.Ipv6CidrBlock);
  if (!v6) throw vpcErrors.invalidCidrParameter("ipv6CidrBlock", input.Ipv6CidrBlock);
  const vpc = ownedVpc(ctx.store, scope, subnet.VpcId);
  if (v6.length !== 64 || !vpcCidrsOf(vpc).ipv6.some((c) => contains(parseIpv6Cidr(c)!, v6))) throw vpcErrors.invalidSubnetRange(input.Ipv6CidrBlock);
  const live = (s: SubnetDoc) => (s.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State === "associated");
  if (live(subnet).length > 0) throw vpcErrors.invalidValue(`The subnet ${subnet.SubnetId} already has an associated IPv6 CIDR block.`);
  const siblings = subnetsOf(ctx.store, scope, vpc.VpcId);
  if (siblings.some((s) => live(s).some((a) => overlaps(parseIpv6Cidr(a.Ipv6CidrBlock!)!, v6)))) throw vpcErrors.invalidSubnetConflict(input.Ipv6CidrBlock);
  const assoc: SubnetIpv6CidrBlockAssociation = {
    AssociationId: newResourceId("subnet-cidr-assoc"),
    Ipv6CidrBlock: v6.text,
    Ipv6CidrBlockState: { State: "associated" },
  };
  putResource(ctx.store, scope, SUBNET, subnet.SubnetId, { ...subnet, Ipv6CidrBlockAssociationSet: [...(subnet.Ipv6CidrBlockAssociationSet ?? []), assoc] });
  return { SubnetId: subnet.SubnetId, Ipv6CidrBlockAssociation: assoc };
});

export const disassociateSubnetCidrBlock = defineOp("DisassociateSubnetCidrBlock", (input, ctx) => {
  const scope = callerScope(ctx);
  const id = input.AssociationId;
  if (!id) throw vpcErrors.missing("AssociationId");
  const subnet = listResources<SubnetDoc>(ctx.store, scope, SUBNET, { includeShared: false }).find((s) =>
    (s.Ipv6CidrBlockAssociationSet ?? []).some((a) => a.AssociationId === id),
  );
  if (!subnet) throw vpcErrors.invalidSubnetCidrAssociation(id);
  const assoc = subnet.Ipv6CidrBlockAssociationSet!.find((a) => a.AssociationId === id)!;
  const v6 = parseIpv6Cidr(assoc.Ipv6CidrBlock!)!;
  const inUse = allocatedAddresses(ctx.store, subnet.SubnetId).some((a) => {
    const p = parseAddress(a.split("/")[0]);
    return p?.family === 6 && containsAddress(v6, 6, p.value);
  });
  if (inUse) throw vpcErrors.dependencyViolation("subnet CIDR block", assoc.Ipv6CidrBlock!);
  putResource(ctx.store, scope, SUBNET, subnet.SubnetId, {
    ...subnet,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: (subnet.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.AssociationId !== id),
  });
  return { SubnetId: subnet.SubnetId, Ipv6CidrBlockAssociation: { ...assoc, Ipv6CidrBlockState: { State: "disassociating" as const } } };
});

export const subnetOperations = [
  createSubnet,
  createDefaultSubnet,
  describeSubnets,
  deleteSubnet,
  modifySubnetAttribute,
  associateSubnetCidrBlock,
  disassociateSubnetCidrBlock,
];
