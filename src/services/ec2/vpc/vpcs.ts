/**
 * VPCs: CreateVpc, DescribeVpcs, DeleteVpc, ModifyVpcAttribute, DescribeVpcAttribute,
 * AssociateVpcCidrBlock, DisassociateVpcCidrBlock, CreateDefaultVpc.
 *
 * AWS rules reproduced (sources in data/vpc-facts.json unless said otherwise):
 * - IPv4 blocks /16 to /28, primary and secondary
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html); a malformed CIDR is
 *   InvalidParameterValue, a well-formed one out of range is InvalidVpc.Range
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * - Amazon-provided IPv6 blocks are /56 and cannot be chosen
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html). Cloudbox carves
 *   them from 2600:1f10::/32, one per counter value, unique across accounts.
 * - Secondary IPv4 blocks: at most 5 per VPC (CidrLimitExceeded), no overlap with the VPC's
 *   blocks, and the restriction table of vpc-cidr-blocks.html by the range of the primary block
 *   (InvalidVpc.Range "The CIDR '…' is restricted. Use a CIDR from the same private address range
 *   as the current VPC CIDR, or use a publicly-routable CIDR.", as real AWS answers it).
 * - enableDnsSupport defaults to true; enableDnsHostnames to false except for a default VPC
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html). ModifyVpcAttribute takes
 *   one attribute per call ("You can only enable DNS hostnames if you've enabled DNS support" is
 *   not enforced).
 * - A new VPC gets a main route table with its local route(s), a default security group and a
 *   default network ACL (the security family creates those two); DeleteVpc removes them with the
 *   VPC and refuses with DependencyViolation while anything else remains (subnets, attached
 *   internet gateways, other route tables, security groups, ACLs, endpoints, ...).
 * - The primary IPv4 block cannot be disassociated (OperationNotPermitted); a secondary block
 *   cannot be while a subnet uses it (DependencyViolation).
 *
 * DEVIATION: DhcpOptionsId is "default" (no DHCP options resources yet); InstanceTenancy
 * "dedicated" is accepted and stored, "host" is refused as EC2 does for VPCs. VPC quotas
 * (5 per Region) are not enforced, so that tests and benchmarks can create many VPCs.
 */
import type { VpcCidrBlockAssociation, VpcIpv6CidrBlockAssociation } from "@aws-sdk/client-ec2";
import { newResourceId, opDefiner, type StorePort } from "../../../core/index.js";
import {
  applyTagSpecifications,
  checkDryRun,
  childrenOf,
  deleteResource,
  describe,
  getResource,
  listResources,
  notFound,
  putResource,
  validateTagSpecifications,
  withTags,
  type Scope,
} from "../foundation/index.js";
import type { FilterTable } from "../filters.js";
import {
  addIpv6DefaultNaclEntries,
  blockingSecurityResources,
  createDefaultNetworkAcl,
  createDefaultSecurityGroup,
  deleteVpcSecurityResources,
} from "../security/defaults.js";
import { blockOf, contains, overlaps, parseIpv4Cidr, parseIpv6Cidr, type Block } from "./cidr.js";
import { ensureDefaultVpc, createDefaultVpcResources } from "./default-vpc.js";
import { vpcErrors } from "./errors.js";
import { callerScope, IGW, ownedVpc, SUBNET, VPC, vpcCidrsOf, type InternetGatewayDoc, type SubnetDoc, type VpcDoc } from "./model.js";
import { addLocalRoutes, createRouteTable, removeLocalRoutes } from "./route-tables.js";
import { defaultVpcRecord, nextCounter, setDefaultVpcRecord } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const MAX_IPV4_CIDRS = 5;
export const MAX_IPV6_CIDRS = 5;

/** The Amazon-provided IPv6 pool (DEVIATION: a /32 of Cloudbox's choice, carved into /56s). */
const IPV6_POOL = blockOf(6, 0x26001f10n << 96n, 32);

const allocateIpv6Block = (store: StorePort): string => {
  const n = BigInt(nextCounter(store, "ipv6-56"));
  return blockOf(6, IPV6_POOL.base + (n << 72n), 56).text;
};

/** Parses and range-checks an IPv4 VPC block (/16../28). */
export const parseVpcCidr = (cidr: string | undefined, parameter = "cidrBlock"): Block => {
  if (cidr === undefined || cidr === "") throw vpcErrors.missing(parameter);
  const block = parseIpv4Cidr(cidr);
  if (!block) throw vpcErrors.invalidCidrParameter(parameter, cidr);
  if (block.length < 16 || block.length > 28) throw vpcErrors.invalidVpcRange(cidr);
  // "169.254.0.0/16 … cannot be assigned to VPCs" (vpc-cidr-blocks.html).
  if (overlaps(block, LINK_LOCAL)) throw vpcErrors.invalidVpcRange(cidr);
  return block;
};

const LINK_LOCAL = parseIpv4Cidr("169.254.0.0/16")!;
const R10 = parseIpv4Cidr("10.0.0.0/8")!;
const R172 = parseIpv4Cidr("172.16.0.0/12")!;
const R192 = parseIpv4Cidr("192.168.0.0/16")!;
const R198 = parseIpv4Cidr("198.19.0.0/16")!;
const R172_31 = parseIpv4Cidr("172.31.0.0/16")!;
const R10_15 = parseIpv4Cidr("10.0.0.0/15")!;
const R10_16 = parseIpv4Cidr("10.0.0.0/16")!;
const RFC1918 = [R10, R172, R192];

/**
 * The restriction table of https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
 * ("IP address range in which your primary VPC CIDR block resides" → restricted associations).
 */
export const isRestrictedSecondary = (primary: Block, candidate: Block, existing: readonly Block[]): boolean => {
  const inside = (r: Block) => overlaps(r, candidate);
  const otherRfc1918 = (own: Block) => RFC1918.some((r) => r !== own && inside(r));
  if (overlaps(R10, primary)) {
    if (otherRfc1918(R10) || inside(R198)) return true;
    return candidate.text === R10_16.text && existing.some((b) => overlaps(R10_15, b));
  }
  if (overlaps(R172, primary)) return otherRfc1918(R172) || inside(R172_31) || inside(R198);
  if (overlaps(R192, primary)) return otherRfc1918(R192) || inside(R198);
  if (overlaps(R198, primary)) return RFC1918.some(inside);
  return RFC1918.some(inside) || inside(R198);
};

export interface NewVpc {
  cidr: Block;
  ipv6: boolean;
  tenancy: "default" | "dedicated";
  isDefault: boolean;
}

/** Creates a VPC with its main route table, default security group and default network ACL. */
export const createVpcResources = (store: StorePort, scope: Scope, spec: NewVpc): VpcDoc => {
  const vpcId = newResourceId("vpc");
  const ipv6: VpcIpv6CidrBlockAssociation[] = spec.ipv6
    ? [
        {
          AssociationId: newResourceId("vpc-cidr-assoc"),
          Ipv6CidrBlock: allocateIpv6Block(store),
          Ipv6CidrBlockState: { State: "associated" },
          NetworkBorderGroup: scope.region,
          Ipv6Pool: "Amazon",
        },
      ]
    : [];
  const vpc: VpcDoc = {
    OwnerId: scope.accountId,
    InstanceTenancy: spec.tenancy,
    Ipv6CidrBlockAssociationSet: ipv6,
    CidrBlockAssociationSet: [{ AssociationId: newResourceId("vpc-cidr-assoc"), CidrBlock: spec.cidr.text, CidrBlockState: { State: "associated" } }],
    IsDefault: spec.isDefault,
    BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
    VpcId: vpcId,
    State: "available",
    CidrBlock: spec.cidr.text,
    DhcpOptionsId: "default",
    _attrs: { enableDnsSupport: true, enableDnsHostnames: spec.isDefault, enableNetworkAddressUsageMetrics: false },
  };
  putResource(store, scope, VPC, vpcId, vpc);
  createRouteTable(store, scope, vpc, { main: true });
  createDefaultSecurityGroup(store, scope, vpcId);
  createDefaultNetworkAcl(store, scope, vpcId, { ipv6: spec.ipv6 });
  return vpc;
};

/** The VPC as the API returns it (internal fields dropped). */
export const vpcOutput = (doc: VpcDoc) => {
  const { _attrs, Ipv6CidrBlockAssociationSet, ...out } = doc;
  // Real DescribeVpcs output has no ipv6CidrBlockAssociationSet for a VPC without IPv6 blocks.
  return Ipv6CidrBlockAssociationSet?.length ? { ...out, Ipv6CidrBlockAssociationSet } : out;
};

const TENANCIES = ["default", "dedicated"] as const;

export const createVpc = defineOp("CreateVpc", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  if (input.Ipv4IpamPoolId || input.Ipv6IpamPoolId || input.Ipv6Pool || input.Ipv6CidrBlock) {
    // DEVIATION: IPAM pools and BYOIP pools do not exist in Cloudbox.
    throw vpcErrors.invalidParameter("IPAM and BYOIP pools are not supported by Cloudbox; use CidrBlock and AmazonProvidedIpv6CidrBlock.");
  }
  const cidr = parseVpcCidr(input.CidrBlock);
  const tenancy = input.InstanceTenancy ?? "default";
  if (!(TENANCIES as readonly string[]).includes(tenancy)) throw vpcErrors.invalidTenancy(tenancy);
  validateTagSpecifications(input.TagSpecifications, [VPC]);
  checkDryRun(input);
  const vpc = createVpcResources(ctx.store, scope, { cidr, ipv6: input.AmazonProvidedIpv6CidrBlock === true, tenancy: tenancy as "default", isDefault: false });
  const tags = applyTagSpecifications(ctx.store, scope, VPC, vpc.VpcId, input.TagSpecifications);
  // The CreateVpc answer shows the VPC "pending" (and a new IPv6 block "associating") with an
  // Ipv6CidrBlockAssociationSet even when empty, as the AWS CLI's create-vpc example output shows;
  // DescribeVpcs shows it "available" at once (creation is instantaneous here).
  const { _attrs, ...created } = vpc;
  const Ipv6CidrBlockAssociationSet = (vpc.Ipv6CidrBlockAssociationSet ?? []).map((a) => ({ ...a, Ipv6CidrBlockState: { State: "associating" as const } }));
  return { Vpc: withTags({ ...created, State: "pending" as const, Ipv6CidrBlockAssociationSet }, tags) };
});

export const createDefaultVpc = defineOp("CreateDefaultVpc", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const current = defaultVpcRecord(ctx.store, scope);
  if (current) throw vpcErrors.defaultVpcAlreadyExists();
  checkDryRun(input);
  const vpc = createDefaultVpcResources(ctx.store, scope, ctx.settings);
  return { Vpc: vpcOutput(vpc) };
});

const vpcFilters: FilterTable<VpcDoc> = {
  cidr: (v) => v.CidrBlock,
  "cidr-block-association.cidr-block": (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock ?? ""),
  "cidr-block-association.association-id": (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.AssociationId ?? ""),
  "cidr-block-association.state": (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlockState?.State ?? ""),
  "dhcp-options-id": (v) => v.DhcpOptionsId,
  "ipv6-cidr-block-association.ipv6-cidr-block": (v) => (v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock ?? ""),
  "ipv6-cidr-block-association.ipv6-pool": (v) => (v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6Pool ?? ""),
  "ipv6-cidr-block-association.association-id": (v) => (v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.AssociationId ?? ""),
  "ipv6-cidr-block-association.state": (v) => (v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlockState?.State ?? ""),
  "is-default": (v) => String(v.IsDefault === true),
  "owner-id": (v) => v.OwnerId,
  state: (v) => v.State,
  "vpc-id": (v) => v.VpcId,
};

export const describeVpcs = defineOp("DescribeVpcs", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const page = describe<VpcDoc>(
    ctx.store,
    scope,
    { type: VPC, idOf: (v) => v.VpcId, notFound: (id) => notFound(VPC, id), filters: vpcFilters, paging: { min: 5, max: 1000 } },
    { ids: input.VpcIds, idsParameter: "vpcIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { Vpcs: page.items.map((v) => ({ ...vpcOutput(v), Tags: v.Tags })), NextToken: page.nextToken };
});

/** Removes a resource and everything stored under it. */
const deleteTree = (store: StorePort, id: string): void => {
  for (const child of childrenOf(store, id)) deleteTree(store, child.id);
  deleteResource(store, id);
};

const isMainTable = (store: StorePort, scope: Scope, id: string): boolean =>
  (getResource<{ Associations?: Array<{ Main?: boolean }> }>(store, scope, "route-table", id)?.Associations ?? []).some((a) => a.Main);

export const deleteVpc = defineOp("DeleteVpc", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  const children = childrenOf(ctx.store, vpc.VpcId);
  // Security groups and network ACLs: the security family says which ones block (all but the
  // default group and the default ACL); everything else inside the VPC blocks, except the main
  // route table (https://docs.aws.amazon.com/vpc/latest/userguide/delete-vpc.html).
  const blocking = [
    ...children.filter((c) => c.type !== "security-group" && c.type !== "network-acl" && c.type !== "security-group-rule" && !(c.type === "route-table" && isMainTable(ctx.store, scope, c.id))),
    ...blockingSecurityResources(ctx.store, scope, vpc.VpcId),
  ];
  const attachedIgw = listResources<InternetGatewayDoc>(ctx.store, scope, IGW, { includeShared: false }).some((g) =>
    (g.Attachments ?? []).some((a) => a.VpcId === vpc.VpcId),
  );
  if (blocking.length > 0 || attachedIgw) throw vpcErrors.dependencyViolation("vpc", vpc.VpcId);
  checkDryRun(input);
  deleteVpcSecurityResources(ctx.store, scope, vpc.VpcId);
  for (const c of childrenOf(ctx.store, vpc.VpcId)) deleteTree(ctx.store, c.id);
  deleteResource(ctx.store, vpc.VpcId);
  if (vpc.IsDefault) setDefaultVpcRecord(ctx.store, scope, null);
  return {};
});

const ATTRIBUTES = ["enableDnsSupport", "enableDnsHostnames", "enableNetworkAddressUsageMetrics"] as const;

export const modifyVpcAttribute = defineOp("ModifyVpcAttribute", (input, ctx) => {
  const scope = callerScope(ctx);
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  const given = [
    ["enableDnsSupport", input.EnableDnsSupport?.Value],
    ["enableDnsHostnames", input.EnableDnsHostnames?.Value],
    ["enableNetworkAddressUsageMetrics", input.EnableNetworkAddressUsageMetrics?.Value],
  ] as const;
  const set = given.filter(([, v]) => v !== undefined);
  // API_ModifyVpcAttribute: "You can only modify one attribute at a time."
  if (set.length === 0) throw vpcErrors.missing("attribute");
  if (set.length > 1) throw vpcErrors.invalidParameterCombination("Fields for multiple attribute types specified: " + set.map(([k]) => k).join(", "));
  const [name, value] = set[0];
  putResource(ctx.store, scope, VPC, vpc.VpcId, { ...vpc, _attrs: { ...vpc._attrs, [name]: value === true } });
  return {};
});

export const describeVpcAttribute = defineOp("DescribeVpcAttribute", (input, ctx) => {
  const scope = callerScope(ctx);
  const attribute = input.Attribute as string | undefined;
  if (!attribute) throw vpcErrors.missing("Attribute");
  if (!(ATTRIBUTES as readonly string[]).includes(attribute)) {
    throw vpcErrors.invalidValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  checkDryRun(input);
  const value = { Value: vpc._attrs[attribute as keyof VpcDoc["_attrs"]] };
  if (attribute === "enableDnsSupport") return { VpcId: vpc.VpcId, EnableDnsSupport: value };
  if (attribute === "enableDnsHostnames") return { VpcId: vpc.VpcId, EnableDnsHostnames: value };
  return { VpcId: vpc.VpcId, EnableNetworkAddressUsageMetrics: value };
});

export const associateVpcCidrBlock = defineOp("AssociateVpcCidrBlock", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  const ipv6Asked = input.AmazonProvidedIpv6CidrBlock === true;
  if (input.Ipv4IpamPoolId || input.Ipv6IpamPoolId || input.Ipv6Pool || input.Ipv6CidrBlock) {
    throw vpcErrors.invalidParameter("IPAM and BYOIP pools are not supported by Cloudbox; use CidrBlock or AmazonProvidedIpv6CidrBlock.");
  }
  if (ipv6Asked === (input.CidrBlock !== undefined)) {
    throw vpcErrors.invalidParameterCombination("Exactly one of CidrBlock and AmazonProvidedIpv6CidrBlock must be specified.");
  }
  if (ipv6Asked) {
    const current = (vpc.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State === "associated");
    if (current.length >= MAX_IPV6_CIDRS) throw vpcErrors.cidrLimitExceeded(vpc.VpcId, MAX_IPV6_CIDRS);
    const assoc: VpcIpv6CidrBlockAssociation = {
      AssociationId: newResourceId("vpc-cidr-assoc"),
      Ipv6CidrBlock: allocateIpv6Block(ctx.store),
      Ipv6CidrBlockState: { State: "associated" },
      NetworkBorderGroup: scope.region,
      Ipv6Pool: "Amazon",
    };
    const hadIpv6 = current.length > 0;
    putResource(ctx.store, scope, VPC, vpc.VpcId, { ...vpc, Ipv6CidrBlockAssociationSet: [...(vpc.Ipv6CidrBlockAssociationSet ?? []), assoc] });
    addLocalRoutes(ctx.store, scope, vpc.VpcId, assoc.Ipv6CidrBlock!);
    if (!hadIpv6) addIpv6DefaultNaclEntries(ctx.store, scope, vpc.VpcId);
    return { VpcId: vpc.VpcId, Ipv6CidrBlockAssociation: assoc };
  }
  const block = parseVpcCidr(input.CidrBlock);
  const existing = vpcCidrsOf(vpc).ipv4.map((c) => parseIpv4Cidr(c)!);
  if (existing.length >= MAX_IPV4_CIDRS) throw vpcErrors.cidrLimitExceeded(vpc.VpcId, MAX_IPV4_CIDRS);
  if (existing.some((b) => overlaps(b, block))) {
    // DEVIATION: message wording not confirmed against a real answer; the code is AWS's.
    throw vpcErrors.invalidVpcRange(block.text, "overlaps with a CIDR block already associated with the VPC.");
  }
  if (isRestrictedSecondary(parseIpv4Cidr(vpc.CidrBlock)!, block, existing)) {
    throw vpcErrors.invalidVpcRange(
      block.text,
      "is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR. For additional restrictions, see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
    );
  }
  const assoc: VpcCidrBlockAssociation = { AssociationId: newResourceId("vpc-cidr-assoc"), CidrBlock: block.text, CidrBlockState: { State: "associated" } };
  putResource(ctx.store, scope, VPC, vpc.VpcId, { ...vpc, CidrBlockAssociationSet: [...(vpc.CidrBlockAssociationSet ?? []), assoc] });
  addLocalRoutes(ctx.store, scope, vpc.VpcId, block.text);
  return { VpcId: vpc.VpcId, CidrBlockAssociation: assoc };
});

/** Finds the owned VPC holding a CIDR association id. */
const vpcOfAssociation = (store: StorePort, scope: Scope, associationId: string): VpcDoc | undefined =>
  listResources<VpcDoc>(store, scope, VPC, { includeShared: false }).find(
    (v) =>
      (v.CidrBlockAssociationSet ?? []).some((a) => a.AssociationId === associationId) ||
      (v.Ipv6CidrBlockAssociationSet ?? []).some((a) => a.AssociationId === associationId),
  );

export const disassociateVpcCidrBlock = defineOp("DisassociateVpcCidrBlock", (input, ctx) => {
  const scope = callerScope(ctx);
  const id = input.AssociationId;
  if (!id) throw vpcErrors.missing("AssociationId");
  const vpc = vpcOfAssociation(ctx.store, scope, id);
  if (!vpc) throw vpcErrors.invalidVpcCidrAssociation(id);
  const subnets = listResources<SubnetDoc>(ctx.store, scope, SUBNET, { parent: vpc.VpcId, includeShared: false });
  const v4 = (vpc.CidrBlockAssociationSet ?? []).find((a) => a.AssociationId === id);
  if (v4) {
    if (v4.CidrBlock === vpc.CidrBlock) {
      throw vpcErrors.operationNotPermitted(
        `The vpc CIDR block with association ID ${id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC`,
      );
    }
    const block = parseIpv4Cidr(v4.CidrBlock!)!;
    if (subnets.some((s) => overlaps(parseIpv4Cidr(s.CidrBlock)!, block))) throw vpcErrors.dependencyViolation("vpc CIDR block", v4.CidrBlock!);
    putResource(ctx.store, scope, VPC, vpc.VpcId, {
      ...vpc,
      CidrBlockAssociationSet: (vpc.CidrBlockAssociationSet ?? []).filter((a) => a.AssociationId !== id),
    });
    removeLocalRoutes(ctx.store, scope, vpc.VpcId, v4.CidrBlock!);
    return { VpcId: vpc.VpcId, CidrBlockAssociation: { ...v4, CidrBlockState: { State: "disassociating" as const } } };
  }
  const v6 = (vpc.Ipv6CidrBlockAssociationSet ?? []).find((a) => a.AssociationId === id)!;
  const inUse = subnets.some((s) =>
    (s.Ipv6CidrBlockAssociationSet ?? []).some((a) => a.Ipv6CidrBlockState?.State === "associated" && isInside(a.Ipv6CidrBlock, v6.Ipv6CidrBlock)),
  );
  if (inUse) throw vpcErrors.dependencyViolation("vpc CIDR block", v6.Ipv6CidrBlock!);
  putResource(ctx.store, scope, VPC, vpc.VpcId, {
    ...vpc,
    Ipv6CidrBlockAssociationSet: (vpc.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.AssociationId !== id),
  });
  removeLocalRoutes(ctx.store, scope, vpc.VpcId, v6.Ipv6CidrBlock!);
  return { VpcId: vpc.VpcId, Ipv6CidrBlockAssociation: { ...v6, Ipv6CidrBlockState: { State: "disassociating" as const } } };
});

const isInside = (inner: string | undefined, outer: string | undefined): boolean => {
  const a = inner ? parseIpv6Cidr(inner) : undefined;
  const b = outer ? parseIpv6Cidr(outer) : undefined;
  return !!a && !!b && contains(b, a);
};

export const vpcOperations = [
  createVpc,
  createDefaultVpc,
  describeVpcs,
  deleteVpc,
  modifyVpcAttribute,
  describeVpcAttribute,
  associateVpcCidrBlock,
  disassociateVpcCidrBlock,
];
