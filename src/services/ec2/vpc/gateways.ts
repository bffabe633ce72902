/**
 * Gateways and public addresses: internet gateways, egress-only internet gateways, Elastic IP
 * addresses and NAT gateways.
 *
 * AWS rules reproduced:
 * - an internet gateway attaches to one VPC and a VPC has one internet gateway
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html); attaching twice
 *   is Resource.AlreadyAssociated, detaching from a VPC it is not attached to is
 *   Gateway.NotAttached, deleting an attached one is DependencyViolation, and detaching while the
 *   VPC has public addresses mapped (Elastic IPs, public NAT gateways) is DependencyViolation
 *   (errors-overview.html). Attachment State reads "available" once attached, as real
 *   DescribeInternetGateways output shows.
 * - an egress-only internet gateway belongs to one VPC (CreateEgressOnlyInternetGateway's VpcId).
 * - Elastic IPs: Domain vpc; ReleaseAddress refuses while associated (InvalidIPAddress.InUse);
 *   AssociateAddress names a network interface or an instance (the compute family's resources,
 *   read from the store; only the Elastic IP's own document records the association) in a VPC
 *   with an internet gateway (Gateway.NotAttached otherwise); an Elastic IP already associated
 *   needs AllowReassociation (Resource.AlreadyAssociated).
 *   DEVIATION: public addresses come from 3.5.0.0/16 onwards, counted globally (never reused).
 * - NAT gateways: public (needs an Elastic IP allocation that is not associated) or private; one
 *   private address of the subnet is allocated to it; State "available" at once (AWS goes through
 *   "pending"); a public NAT gateway in a VPC without an internet gateway ends "failed" with
 *   FailureCode Gateway.NotAttached, as AWS reports it; DeleteNatGateway leaves it "deleted"
 *   (still listed, as AWS lists deleted NAT gateways for a while) and frees its addresses.
 * - A NAT gateway's network interface is a real EC2 network interface ("This action creates a
 *   network interface in the specified subnet with a private IP address from the IP address range
 *   of the subnet",
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html),
 *   requester-managed (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html): written
 *   through the foundation's putManagedInterface (this family may not import compute), it holds
 *   the NAT gateway's private address, shows the Elastic IP association (the compute family reads
 *   it from the address's document, like any association), and goes away with the NAT gateway.
 *   Its fields as DescribeNetworkInterfaces shows a real one: InterfaceType nat_gateway,
 *   Description "Interface for NAT Gateway nat-…", Groups [], SourceDestCheck false, Status
 *   in-use with the service's attachment (ela-attach-…, DeviceIndex 1, InstanceOwnerId
 *   amazon-aws, no instance). AssociateAddress on it is AuthFailure ("Do not use this to
 *   associate the EIP to ... aws_nat_gateway resources ... otherwise you will see AuthFailure
 *   errors", hashicorp/terraform-provider-aws#4675 after #3572).
 */
import type { Address, EgressOnlyInternetGateway, NatGatewayAddress } from "@aws-sdk/client-ec2";
import { newResourceId, opDefiner, type StorePort } from "../../../core/index.js";
import {
  allocatedAddresses,
  applyTagSpecifications,
  checkDryRun,
  describe,
  deleteManagedInterface,
  deleteResource,
  getResource,
  listResources,
  notFound,
  ownerOf,
  putManagedInterface,
  putResource,
  releaseHolder,
  validateTagSpecifications,
  withTags,
  type Scope,
} from "../foundation/index.js";
import type { FilterTable } from "../filters.js";
import { addressAt, blockOf, containsAddress, parseAddress, parseIpv4Cidr, size } from "./cidr.js";
import { ensureDefaultVpc } from "./default-vpc.js";
import { vpcErrors } from "./errors.js";
import {
  ATTACHED,
  EIGW,
  EIP,
  IGW,
  NAT,
  nowIso,
  owned,
  ownedVpc,
  SUBNET,
  type AddressDoc,
  type InternetGatewayDoc,
  type NatGatewayDoc,
  type SubnetDoc,
  callerScope,
  zoneNameFor,
} from "./model.js";
import { nextCounter } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

// ---------------------------------------------------------------------------------------------
// Internet gateways

/** The internet gateway attached to a VPC (owner scope), if any. */
export const internetGatewayOf = (store: StorePort, scope: Scope, vpcId: string): InternetGatewayDoc | undefined =>
  listResources<InternetGatewayDoc>(store, scope, IGW, { includeShared: false }).find((g) => (g.Attachments ?? []).some((a) => a.VpcId === vpcId));

export const createInternetGateway = defineOp("CreateInternetGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  validateTagSpecifications(input.TagSpecifications, [IGW]);
  checkDryRun(input);
  const id = newResourceId("igw");
  const doc: InternetGatewayDoc = { Attachments: [], InternetGatewayId: id, OwnerId: scope.accountId };
  putResource(ctx.store, scope, IGW, id, doc);
  const tags = applyTagSpecifications(ctx.store, scope, IGW, id, input.TagSpecifications);
  return { InternetGateway: withTags(doc, tags) };
});

export const attachInternetGateway = defineOp("AttachInternetGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const igw = owned<InternetGatewayDoc>(ctx.store, scope, IGW, input.InternetGatewayId, "InternetGatewayId");
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  const current = (igw.Attachments ?? [])[0];
  if (current) throw vpcErrors.resourceAlreadyAssociated(`resource ${igw.InternetGatewayId} is already attached to network ${current.VpcId}`);
  const other = internetGatewayOf(ctx.store, scope, vpc.VpcId);
  if (other) throw vpcErrors.resourceAlreadyAssociated(`network ${vpc.VpcId} already has an internet gateway attached`);
  checkDryRun(input);
  putResource(ctx.store, scope, IGW, igw.InternetGatewayId, { ...igw, Attachments: [{ State: ATTACHED, VpcId: vpc.VpcId }] });
  return {};
});

/** Elastic IPs, public NAT gateways and instances' public IPv4 addresses that map public addresses into a VPC. */
const hasMappedPublicAddresses = (store: StorePort, scope: Scope, vpcId: string): boolean => {
  const instances = listResources<{ VpcId?: string; PublicIpAddress?: string; State?: { Name?: string } }>(store, scope, "instance", { includeShared: false });
  if (instances.some((i) => i.VpcId === vpcId && i.PublicIpAddress && i.State?.Name !== "terminated")) return true;
  const nats = listResources<NatGatewayDoc>(store, scope, NAT, { includeShared: false });
  if (nats.some((n) => n.VpcId === vpcId && n.ConnectivityType === "public" && n.State !== "deleted" && n.State !== "failed")) return true;
  return refreshAddresses(store, scope).some((a) => {
    if (!a.NetworkInterfaceId) return false;
    const eni = getResource<{ VpcId?: string }>(store, scope, "network-interface", a.NetworkInterfaceId);
    return eni?.VpcId === vpcId;
  });
};

export const detachInternetGateway = defineOp("DetachInternetGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  const igw = owned<InternetGatewayDoc>(ctx.store, scope, IGW, input.InternetGatewayId, "InternetGatewayId");
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  if (!(igw.Attachments ?? []).some((a) => a.VpcId === vpc.VpcId)) throw vpcErrors.gatewayNotAttached(`resource ${igw.InternetGatewayId} is not attached to network ${vpc.VpcId}`);
  if (hasMappedPublicAddresses(ctx.store, scope, vpc.VpcId)) {
    // Real AWS answer: "Network vpc-… has some mapped public address(es). Please unmap those
    // public address(es) before detaching the gateway." (DependencyViolation).
    throw vpcErrors.dependencyViolation("internetGateway", igw.InternetGatewayId);
  }
  checkDryRun(input);
  putResource(ctx.store, scope, IGW, igw.InternetGatewayId, { ...igw, Attachments: [] });
  return {};
});

export const deleteInternetGateway = defineOp("DeleteInternetGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  const igw = owned<InternetGatewayDoc>(ctx.store, scope, IGW, input.InternetGatewayId, "InternetGatewayId");
  if ((igw.Attachments ?? []).length > 0) throw vpcErrors.dependencyViolation("internetGateway", igw.InternetGatewayId);
  checkDryRun(input);
  deleteResource(ctx.store, igw.InternetGatewayId);
  return {};
});

const igwFilters: FilterTable<InternetGatewayDoc> = {
  "attachment.state": (g) => (g.Attachments ?? []).map((a) => a.State ?? ""),
  "attachment.vpc-id": (g) => (g.Attachments ?? []).map((a) => a.VpcId ?? ""),
  "internet-gateway-id": (g) => g.InternetGatewayId,
  "owner-id": (g) => g.OwnerId,
};

export const describeInternetGateways = defineOp("DescribeInternetGateways", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const page = describe<InternetGatewayDoc>(
    ctx.store,
    scope,
    { type: IGW, idOf: (g) => g.InternetGatewayId, notFound: (id) => notFound(IGW, id), filters: igwFilters, paging: { min: 5, max: 1000 } },
    { ids: input.InternetGatewayIds, idsParameter: "internetGatewayIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { InternetGateways: page.items, NextToken: page.nextToken };
});

// ---------------------------------------------------------------------------------------------
// Egress-only internet gateways

type EigwDoc = EgressOnlyInternetGateway & { EgressOnlyInternetGatewayId: string; _owner: string };

export const createEgressOnlyInternetGateway = defineOp("CreateEgressOnlyInternetGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  validateTagSpecifications(input.TagSpecifications, [EIGW]);
  checkDryRun(input);
  const id = newResourceId("eigw");
  const doc: EigwDoc = { Attachments: [{ State: "attached", VpcId: vpc.VpcId }], EgressOnlyInternetGatewayId: id, _owner: scope.accountId };
  putResource(ctx.store, scope, EIGW, id, doc, { parent: vpc.VpcId });
  const tags = applyTagSpecifications(ctx.store, scope, EIGW, id, input.TagSpecifications);
  const { _owner, ...out } = doc;
  return { EgressOnlyInternetGateway: withTags(out, tags), ClientToken: input.ClientToken };
});

export const describeEgressOnlyInternetGateways = defineOp("DescribeEgressOnlyInternetGateways", (input, ctx) => {
  const scope = callerScope(ctx);
  const page = describe<EigwDoc>(
    ctx.store,
    scope,
    // API_DescribeEgressOnlyInternetGateways: filters tag:<key> and tag-key only; MaxResults 5..255.
    { type: EIGW, idOf: (g) => g.EgressOnlyInternetGatewayId, notFound: (id) => notFound(EIGW, id), filters: {}, paging: { min: 5, max: 255 } },
    { ids: input.EgressOnlyInternetGatewayIds, idsParameter: "egressOnlyInternetGatewayIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { EgressOnlyInternetGateways: page.items.map(({ _owner, ...g }) => g), NextToken: page.nextToken };
});

export const deleteEgressOnlyInternetGateway = defineOp("DeleteEgressOnlyInternetGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  const g = owned<EigwDoc>(ctx.store, scope, EIGW, input.EgressOnlyInternetGatewayId, "EgressOnlyInternetGatewayId");
  checkDryRun(input);
  deleteResource(ctx.store, g.EgressOnlyInternetGatewayId);
  return { ReturnCode: true };
});

// ---------------------------------------------------------------------------------------------
// Elastic IP addresses

/** DEVIATION: Cloudbox's public IPv4 pool, 3.5.0.0 onwards (one address per allocation, never reused). */
const PUBLIC_POOL = parseIpv4Cidr("3.5.0.0/16")!;

const nextPublicIp = (store: StorePort): string => {
  const n = BigInt(nextCounter(store, "public-ipv4"));
  // Skip .0 and .255 of every /24 so that addresses look like ordinary host addresses.
  const perBlock = 254n;
  const value = PUBLIC_POOL.base + (n / perBlock) * 256n + (n % perBlock) + 1n;
  return addressAt(blockOf(4, value, 32), 0);
};

const addressOutput = (doc: AddressDoc): Address => {
  const { _owner, _nat, ...out } = doc;
  return out;
};

export const allocateAddressOp = defineOp("AllocateAddress", (input, ctx) => {
  const scope = callerScope(ctx);
  if (input.Domain !== undefined && input.Domain !== "vpc") {
    throw vpcErrors.invalidValue(`Value (${input.Domain}) for parameter domain is invalid. EC2-Classic is retired; use vpc.`);
  }
  if (input.Address || input.CustomerOwnedIpv4Pool || input.IpamPoolId || (input.PublicIpv4Pool && input.PublicIpv4Pool !== "amazon")) {
    throw vpcErrors.invalidParameter("BYOIP, customer-owned and IPAM pools are not supported by Cloudbox.");
  }
  if (input.NetworkBorderGroup !== undefined && input.NetworkBorderGroup !== scope.region) {
    throw vpcErrors.invalidValue(`Value (${input.NetworkBorderGroup}) for parameter networkBorderGroup is invalid.`);
  }
  validateTagSpecifications(input.TagSpecifications, [EIP]);
  checkDryRun(input);
  const id = newResourceId("eipalloc");
  const doc: AddressDoc = {
    AllocationId: id,
    PublicIp: nextPublicIp(ctx.store),
    Domain: "vpc",
    PublicIpv4Pool: "amazon",
    NetworkBorderGroup: scope.region,
    _owner: scope.accountId,
  };
  putResource(ctx.store, scope, EIP, id, doc);
  applyTagSpecifications(ctx.store, scope, EIP, id, input.TagSpecifications);
  return { AllocationId: id, PublicIp: doc.PublicIp, Domain: "vpc" as const, PublicIpv4Pool: "amazon", NetworkBorderGroup: scope.region };
});

const addressFilters: FilterTable<AddressDoc> = {
  "allocation-id": (a) => a.AllocationId,
  "association-id": (a) => a.AssociationId,
  domain: (a) => a.Domain,
  "instance-id": (a) => a.InstanceId,
  "network-border-group": (a) => a.NetworkBorderGroup,
  "network-interface-id": (a) => a.NetworkInterfaceId,
  "network-interface-owner-id": (a) => a.NetworkInterfaceOwnerId,
  "private-ip-address": (a) => a.PrivateIpAddress,
  "public-ip": (a) => a.PublicIp,
};

export const describeAddresses = defineOp("DescribeAddresses", (input, ctx) => {
  const scope = callerScope(ctx);
  refreshAddresses(ctx.store, scope);
  const page = describe<AddressDoc>(
    ctx.store,
    scope,
    { type: EIP, idOf: (a) => a.AllocationId, notFound: (id) => notFound(EIP, id), filters: addressFilters },
    { ids: input.AllocationIds, idsParameter: "allocationIds", filters: input.Filters },
  );
  let items = page.items;
  const ips = input.PublicIps ?? [];
  if (ips.length) {
    const missing = ips.find((ip) => !items.some((a) => a.PublicIp === ip) && !addressByIp(ctx.store, scope, ip));
    if (missing !== undefined) throw vpcErrors.addressNotFound(missing);
    items = items.filter((a) => ips.includes(a.PublicIp));
  }
  checkDryRun(input);
  return { Addresses: items.map((a) => ({ ...addressOutput(a), Tags: a.Tags })) };
});

const addressByIp = (store: StorePort, scope: Scope, ip: string): AddressDoc | undefined =>
  listResources<AddressDoc>(store, scope, EIP, { includeShared: false }).find((a) => a.PublicIp === ip);

const ownedAddress = (store: StorePort, scope: Scope, input: { AllocationId?: string; PublicIp?: string }): AddressDoc => {
  if (input.AllocationId) return owned<AddressDoc>(store, scope, EIP, input.AllocationId, "AllocationId");
  if (input.PublicIp) {
    const a = addressByIp(store, scope, input.PublicIp);
    if (!a) throw vpcErrors.addressNotFound(input.PublicIp);
    return a;
  }
  throw vpcErrors.missing("AllocationId");
};

export const releaseAddressOp = defineOp("ReleaseAddress", (input, ctx) => {
  const scope = callerScope(ctx);
  refreshAddresses(ctx.store, scope);
  const a = ownedAddress(ctx.store, scope, input);
  if (a.AssociationId) throw vpcErrors.ipAddressInUse(a.PublicIp);
  checkDryRun(input);
  deleteResource(ctx.store, a.AllocationId);
  return {};
});

interface EniDoc {
  NetworkInterfaceId?: string;
  RequesterManaged?: boolean;
  VpcId?: string;
  SubnetId?: string;
  PrivateIpAddress?: string;
  PrivateIpAddresses?: Array<{ PrivateIpAddress?: string; Primary?: boolean }>;
  Attachment?: { InstanceId?: string; DeviceIndex?: number };
}

interface InstanceDoc {
  InstanceId?: string;
  VpcId?: string;
  PrivateIpAddress?: string;
  NetworkInterfaces?: EniDoc[];
}

export const associateAddressOp = defineOp("AssociateAddress", (input, ctx) => {
  const scope = callerScope(ctx);
  refreshAddresses(ctx.store, scope);
  const a = ownedAddress(ctx.store, scope, input);
  if ((input.InstanceId === undefined) === (input.NetworkInterfaceId === undefined)) {
    if (input.InstanceId === undefined) throw vpcErrors.missing("InstanceId or NetworkInterfaceId");
    // Both given: AWS accepts only matching pairs; Cloudbox takes the interface.
  }
  let eni: EniDoc | undefined;
  let eniId: string;
  let instanceId: string | undefined;
  if (input.NetworkInterfaceId !== undefined) {
    eni = getResource<EniDoc>(ctx.store, scope, "network-interface", input.NetworkInterfaceId);
    if (!eni) throw notFound("network-interface", input.NetworkInterfaceId);
    // A NAT gateway's (or another service's) interface: its addresses are the service's to manage.
    if (eni.RequesterManaged) throw vpcErrors.authFailure();
    eniId = input.NetworkInterfaceId;
    instanceId = eni.Attachment?.InstanceId;
  } else {
    const inst = getResource<InstanceDoc>(ctx.store, scope, "instance", input.InstanceId!);
    if (!inst) throw notFound("instance", input.InstanceId!);
    const primary = (inst.NetworkInterfaces ?? []).find((n) => (n.Attachment?.DeviceIndex ?? 0) === 0);
    if (!primary?.NetworkInterfaceId) throw vpcErrors.incorrectState(`The instance '${input.InstanceId}' has no primary network interface`);
    eniId = primary.NetworkInterfaceId;
    eni = getResource<EniDoc>(ctx.store, scope, "network-interface", eniId) ?? { ...primary, VpcId: primary.VpcId ?? inst.VpcId };
    instanceId = input.InstanceId;
  }
  const privateIps = [eni.PrivateIpAddress, ...(eni.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress)].filter((v): v is string => !!v);
  const privateIp = input.PrivateIpAddress ?? eni.PrivateIpAddress ?? privateIps[0];
  if (input.PrivateIpAddress !== undefined && privateIps.length && !privateIps.includes(input.PrivateIpAddress)) {
    throw vpcErrors.invalidValue(`The private IP address ${input.PrivateIpAddress} is not assigned to the network interface ${eniId}`);
  }
  if (eni.VpcId) {
    const vpcOwner = { accountId: ownerOf(ctx.store, eni.VpcId) ?? scope.accountId, region: scope.region };
    if (!internetGatewayOf(ctx.store, vpcOwner, eni.VpcId)) {
      throw vpcErrors.gatewayNotAttached(`Network ${eni.VpcId} is not attached to any internet gateway`);
    }
  }
  const all = listResources<AddressDoc>(ctx.store, scope, EIP, { includeShared: false });
  const holder = all.find((x) => x.AllocationId !== a.AllocationId && x.NetworkInterfaceId === eniId && x.PrivateIpAddress === privateIp);
  if (!input.AllowReassociation && (a.AssociationId || holder)) {
    throw vpcErrors.resourceAlreadyAssociated(`Elastic IP address [${a.AllocationId}] or the target is already associated`);
  }
  checkDryRun(input);
  if (holder) putResource(ctx.store, scope, EIP, holder.AllocationId, clearAssociation(holder));
  const associationId = newResourceId("eipassoc");
  putResource(ctx.store, scope, EIP, a.AllocationId, {
    ...clearAssociation(a),
    AssociationId: associationId,
    NetworkInterfaceId: eniId,
    NetworkInterfaceOwnerId: ownerOf(ctx.store, eniId) ?? scope.accountId,
    PrivateIpAddress: privateIp,
    ...(instanceId ? { InstanceId: instanceId } : {}),
  });
  return { AssociationId: associationId };
});

const clearAssociation = (a: AddressDoc): AddressDoc => {
  const { AssociationId: _a, NetworkInterfaceId: _n, NetworkInterfaceOwnerId: _o, PrivateIpAddress: _p, InstanceId: _i, _nat: _g, ...rest } = a;
  return rest as AddressDoc;
};

/**
 * The association as it stands now. AWS disassociates an Elastic IP when its network interface
 * goes away (a terminated instance, a deleted interface: "When you terminate an instance, its
 * Elastic IP address is disassociated", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html),
 * and InstanceId follows the interface's current attachment. The compute family owns those
 * resources, so the Elastic IP documents are brought up to date here, before they are read.
 */
const current = (store: StorePort, scope: Scope, a: AddressDoc): AddressDoc => {
  if (!a.AssociationId) return a;
  if (a._nat) {
    const nat = getResource<NatGatewayDoc>(store, scope, NAT, a._nat);
    return nat && nat.State !== "deleted" && nat.State !== "failed" ? a : clearAssociation(a);
  }
  if (!a.NetworkInterfaceId) return a;
  const eniScope = { accountId: a.NetworkInterfaceOwnerId ?? scope.accountId, region: scope.region };
  const eni = getResource<EniDoc>(store, eniScope, "network-interface", a.NetworkInterfaceId);
  if (!eni) return clearAssociation(a);
  const { InstanceId: _i, ...rest } = a;
  const instanceId = eni.Attachment?.InstanceId;
  return (instanceId ? { ...rest, InstanceId: instanceId } : rest) as AddressDoc;
};

/** Brings the scope's Elastic IP documents up to date (see current()). */
const refreshAddresses = (store: StorePort, scope: Scope): AddressDoc[] =>
  listResources<AddressDoc>(store, scope, EIP, { includeShared: false }).map((a) => {
    const now = current(store, scope, a);
    if (JSON.stringify(now) !== JSON.stringify(a)) putResource(store, scope, EIP, a.AllocationId, now);
    return now;
  });

export const disassociateAddressOp = defineOp("DisassociateAddress", (input, ctx) => {
  const scope = callerScope(ctx);
  const all = refreshAddresses(ctx.store, scope);
  const a = input.AssociationId ? all.find((x) => x.AssociationId === input.AssociationId) : input.PublicIp ? all.find((x) => x.PublicIp === input.PublicIp) : undefined;
  if (!input.AssociationId && !input.PublicIp) throw vpcErrors.missing("AssociationId");
  if (!a) throw input.AssociationId ? vpcErrors.associationNotFound(input.AssociationId) : vpcErrors.addressNotFound(input.PublicIp!);
  if (a._nat) {
    throw vpcErrors.invalidParameter(`The Elastic IP address ${a.PublicIp} is in use by a NAT gateway; delete the NAT gateway instead.`);
  }
  checkDryRun(input);
  putResource(ctx.store, scope, EIP, a.AllocationId, clearAssociation(a));
  return {};
});

/** The Elastic IPs associated with a network interface (for the compute family's descriptions). */
export const elasticIpsOfNetworkInterface = (store: StorePort, scope: Scope, eniId: string): Array<{ PublicIp: string; PrivateIpAddress?: string; AllocationId: string; AssociationId?: string; OwnerId: string }> =>
  listResources<AddressDoc>(store, scope, EIP, { includeShared: false })
    .map((a) => current(store, scope, a))
    .filter((a) => a.NetworkInterfaceId === eniId)
    .map((a) => ({ PublicIp: a.PublicIp, PrivateIpAddress: a.PrivateIpAddress, AllocationId: a.AllocationId, AssociationId: a.AssociationId, OwnerId: a._owner }));

// ---------------------------------------------------------------------------------------------
// NAT gateways

/** The first free address of a subnet after the four reserved ones (AWS reserves base..base+3 and the last). */
export const firstFreeAddress = (store: StorePort, subnet: SubnetDoc): string | undefined => {
  const block = parseIpv4Cidr(subnet.CidrBlock)!;
  const taken = new Set(allocatedAddresses(store, subnet.SubnetId));
  const n = Number(size(block));
  for (let i = 4; i < n - 1; i++) {
    const ip = addressAt(block, i);
    if (!taken.has(ip)) return ip;
  }
  return undefined;
};

/**
 * DEVIATION: the RequesterId of a NAT gateway's interface is one fixed AWS-side account (a real
 * DescribeNetworkInterfaces capture in eu-central-1 shows 128792236543; AWS's value may differ by
 * Region).
 */
const NAT_GATEWAY_REQUESTER_ID = "128792236543";

export const createNatGateway = defineOp("CreateNatGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const subnet = owned<SubnetDoc>(ctx.store, scope, SUBNET, input.SubnetId, "SubnetId");
  const type = input.ConnectivityType ?? "public";
  if (type !== "public" && type !== "private") throw vpcErrors.invalidValue(`Value (${type}) for parameter connectivityType is invalid.`);
  if (input.SecondaryAllocationIds?.length || input.SecondaryPrivateIpAddresses?.length || input.SecondaryPrivateIpAddressCount) {
    throw vpcErrors.invalidParameter("Secondary NAT gateway addresses are not supported by Cloudbox.");
  }
  let eip: AddressDoc | undefined;
  if (type === "public") {
    if (!input.AllocationId) throw vpcErrors.missing("AllocationId");
    eip = owned<AddressDoc>(ctx.store, scope, EIP, input.AllocationId, "AllocationId");
    if (eip.AssociationId) throw vpcErrors.resourceAlreadyAssociated(`Elastic IP address [${eip.AllocationId}] is already associated`);
  } else if (input.AllocationId) {
    throw vpcErrors.invalidParameterCombination("AllocationId cannot be specified for a private NAT gateway.");
  }
  let privateIp = input.PrivateIpAddress;
  if (privateIp !== undefined) {
    const p = parseAddress(privateIp);
    const block = parseIpv4Cidr(subnet.CidrBlock)!;
    if (!p || p.family !== 4 || !containsAddress(block, 4, p.value)) {
      throw vpcErrors.invalidValue(`Value (${privateIp}) for parameter privateIpAddress is invalid. The address is not in the subnet ${subnet.SubnetId}.`);
    }
    const offset = Number(p.value - block.base);
    if (offset < 4 || offset === Number(size(block)) - 1) throw vpcErrors.invalidValue(`The address ${privateIp} is reserved in subnet ${subnet.SubnetId}.`);
    if (allocatedAddresses(ctx.store, subnet.SubnetId).includes(privateIp)) throw vpcErrors.ipAddressInUse(privateIp);
  } else {
    privateIp = firstFreeAddress(ctx.store, subnet);
    if (!privateIp) throw vpcErrors.invalidValue(`There are not enough free addresses in subnet '${subnet.SubnetId}' to satisfy the requested number of instances.`);
  }
  validateTagSpecifications(input.TagSpecifications, [NAT]);
  checkDryRun(input);

  const id = newResourceId("nat");
  const eniId = newResourceId("eni");
  const address: NatGatewayAddress = { NetworkInterfaceId: eniId, PrivateIp: privateIp, IsPrimary: true, Status: "succeeded" };
  let failure: { FailureCode: string; FailureMessage: string } | undefined;
  if (eip) {
    Object.assign(address, { AllocationId: eip.AllocationId, PublicIp: eip.PublicIp, AssociationId: newResourceId("eipassoc") });
    if (!internetGatewayOf(ctx.store, scope, subnet.VpcId)) {
      failure = { FailureCode: "Gateway.NotAttached", FailureMessage: `Network ${subnet.VpcId} has no Internet gateway attached` };
    }
  }
  // A failed NAT gateway keeps nothing: no interface, no address, the Elastic IP stays free.
  if (!failure) {
    const eni = putManagedInterface(ctx.store, scope, {
      id: eniId,
      subnet,
      availabilityZone: zoneNameFor(ctx.settings, scope, subnet.AvailabilityZoneId) ?? subnet.AvailabilityZoneId,
      privateIp,
      interfaceType: "nat_gateway",
      description: `Interface for NAT Gateway ${id}`,
      requesterId: NAT_GATEWAY_REQUESTER_ID,
      managedBy: id,
      sourceDestCheck: false,
      attachment: { AttachmentId: newResourceId("ela-attach"), DeleteOnTermination: false, DeviceIndex: 1, InstanceOwnerId: "amazon-aws", Status: "attached" },
    });
    if (!eni) throw vpcErrors.ipAddressInUse(privateIp);
    if (eip) {
      putResource(ctx.store, scope, EIP, eip.AllocationId, {
        ...eip,
        AssociationId: address.AssociationId,
        NetworkInterfaceId: eniId,
        NetworkInterfaceOwnerId: scope.accountId,
        PrivateIpAddress: privateIp,
        _nat: id,
      });
    }
  }
  const doc: NatGatewayDoc = {
    CreateTime: nowIso(ctx.clock),
    NatGatewayAddresses: [address],
    NatGatewayId: id,
    State: failure ? "failed" : "available",
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
    ConnectivityType: type,
    ...(failure ?? {}),
  };
  putResource(ctx.store, scope, NAT, id, doc, { parent: subnet.SubnetId });
  const tags = applyTagSpecifications(ctx.store, scope, NAT, id, input.TagSpecifications);
  // The CreateNatGateway answer says "pending" (AWS CLI create-nat-gateway example output);
  // DescribeNatGateways shows "available" (or "failed") at once.
  return { NatGateway: withTags({ ...doc, State: "pending" as const, FailureCode: undefined, FailureMessage: undefined }, tags) as never, ClientToken: input.ClientToken };
});

const natFilters: FilterTable<NatGatewayDoc> = {
  "nat-gateway-id": (n) => n.NatGatewayId,
  state: (n) => n.State,
  "subnet-id": (n) => n.SubnetId,
  "vpc-id": (n) => n.VpcId,
};

export const describeNatGateways = defineOp("DescribeNatGateways", (input, ctx) => {
  const scope = callerScope(ctx);
  const page = describe<NatGatewayDoc>(
    ctx.store,
    scope,
    { type: NAT, idOf: (n) => n.NatGatewayId, notFound: (id) => notFound(NAT, id), filters: natFilters, paging: { min: 5, max: 1000 } },
    { ids: input.NatGatewayIds, idsParameter: "natGatewayIds", filters: input.Filter, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { NatGateways: page.items as never[], NextToken: page.nextToken };
});

export const deleteNatGateway = defineOp("DeleteNatGateway", (input, ctx) => {
  const scope = callerScope(ctx);
  const nat = owned<NatGatewayDoc>(ctx.store, scope, NAT, input.NatGatewayId, "NatGatewayId");
  checkDryRun(input);
  if (nat.State !== "deleted") {
    for (const addr of nat.NatGatewayAddresses ?? []) {
      if (!addr.AllocationId) continue;
      const eip = getResource<AddressDoc>(ctx.store, scope, EIP, addr.AllocationId, { owned: true });
      if (eip && eip.AssociationId === addr.AssociationId) putResource(ctx.store, scope, EIP, eip.AllocationId, clearAssociation(eip));
    }
    // The service deletes its interface (requester-managed-eni.html), which frees the address.
    for (const addr of nat.NatGatewayAddresses ?? []) if (addr.NetworkInterfaceId) deleteManagedInterface(ctx.store, scope, addr.NetworkInterfaceId, nat.NatGatewayId);
    releaseHolder(ctx.store, nat.NatGatewayId); // NAT gateways of older stores held the address themselves
    putResource(ctx.store, scope, NAT, nat.NatGatewayId, { ...nat, State: "deleted", DeleteTime: nowIso(ctx.clock) });
  }
  return { NatGatewayId: nat.NatGatewayId };
});

export const gatewayOperations = [
  createInternetGateway,
  attachInternetGateway,
  detachInternetGateway,
  deleteInternetGateway,
  describeInternetGateways,
  createEgressOnlyInternetGateway,
  describeEgressOnlyInternetGateways,
  deleteEgressOnlyInternetGateway,
  allocateAddressOp,
  describeAddresses,
  releaseAddressOp,
  associateAddressOp,
  disassociateAddressOp,
  createNatGateway,
  describeNatGateways,
  deleteNatGateway,
];
