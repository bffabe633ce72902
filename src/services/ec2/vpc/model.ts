/**
 * The documents the vpc family keeps in the shared resource store (the SDK output shapes, plus
 * a few internal `_`-prefixed fields that the ec2 codec never serializes because they are not
 * members of the shapes), and the small helpers every file of the family shares.
 */
import type { Address, AttachmentStatus, InternetGateway, NatGateway, Route, RouteTable, RouteTableAssociation, Subnet, Vpc } from "@aws-sdk/client-ec2";
import type { StorePort } from "../../../core/index.js";
import { getResource, listResources, notFound, type Scope } from "../foundation/index.js";
import { assertKnownRegion } from "../regions.js";
import { azMapFromSettings } from "../regions-data.js";
import { vpcErrors } from "./errors.js";

export interface VpcAttributes {
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
}

export type VpcDoc = Vpc & { VpcId: string; OwnerId: string; CidrBlock: string; _attrs: VpcAttributes };

/** AvailabilityZone and AvailableIpAddressCount are computed for each caller on read. */
export type SubnetDoc = Omit<Subnet, "AvailabilityZone" | "AvailableIpAddressCount"> & {
  SubnetId: string;
  VpcId: string;
  OwnerId: string;
  CidrBlock: string;
  AvailabilityZoneId: string;
};

/** A route as stored: State is computed on read (blackhole when the target is gone). */
export type StoredRoute = Omit<Route, "State">;

export type RouteTableDoc = Omit<RouteTable, "Routes" | "Associations"> & {
  RouteTableId: string;
  VpcId: string;
  OwnerId: string;
  Routes: StoredRoute[];
  Associations: RouteTableAssociation[];
};

export type InternetGatewayDoc = InternetGateway & { InternetGatewayId: string; OwnerId: string };

export type NatGatewayDoc = Omit<NatGateway, "CreateTime" | "DeleteTime"> & {
  NatGatewayId: string;
  SubnetId: string;
  VpcId: string;
  CreateTime: string;
  DeleteTime?: string;
};

/** An Elastic IP; `_nat` names the NAT gateway that holds it (its interface is not a resource). */
export type AddressDoc = Address & { AllocationId: string; PublicIp: string; _owner: string; _nat?: string };

/**
 * An attached internet gateway's attachment State: real DescribeInternetGateways output says
 * "available" (the SDK's AttachmentStatus enum lists attaching/attached/detaching/detached; EC2
 * answers "available" for internet gateways, as the CLI examples of describe-internet-gateways show).
 */
export const ATTACHED = "available" as AttachmentStatus;

export const VPC = "vpc";
export const SUBNET = "subnet";
export const ROUTE_TABLE = "route-table";
export const IGW = "internet-gateway";
export const EIGW = "egress-only-internet-gateway";
export const NAT = "natgateway";
export const EIP = "elastic-ip";

/**
 * The caller's scope, after checking that the request was signed for a Region Cloudbox knows
 * (every EC2 handler does this first; see regions.ts).
 */
export const callerScope = (ctx: { accountId: string; region: string }): Scope => {
  assertKnownRegion(ctx.region);
  return { accountId: ctx.accountId, region: ctx.region };
};

/** The Region must exist (signing scope); returns the AZ pairs the caller sees. */
export const zonesOf = (settings: Readonly<Record<string, unknown>>, scope: Scope) => {
  assertKnownRegion(scope.region);
  return azMapFromSettings(settings).zones(scope.accountId, scope.region) ?? [];
};

export const zoneNameFor = (settings: Readonly<Record<string, unknown>>, scope: Scope, zoneId: string): string | undefined =>
  azMapFromSettings(settings).zoneNameFor(scope.accountId, scope.region, zoneId);

/** A VPC the caller owns, or InvalidVpcID.NotFound. */
export const ownedVpc = (store: StorePort, scope: Scope, vpcId: string | undefined, parameter = "VpcId"): VpcDoc => {
  if (!vpcId) throw notFoundOrMissing(parameter);
  const vpc = getResource<VpcDoc>(store, scope, VPC, vpcId, { owned: true });
  if (!vpc) throw notFound(VPC, vpcId);
  return vpc;
};

/** A resource the caller owns, or the type's NotFound error. */
export const owned = <T>(store: StorePort, scope: Scope, type: string, id: string | undefined, parameter: string): T => {
  if (!id) throw notFoundOrMissing(parameter);
  const doc = getResource<T>(store, scope, type, id, { owned: true });
  if (!doc) throw notFound(type, id);
  return doc;
};

const notFoundOrMissing = (parameter: string) => vpcErrors.missing(parameter);

/** All route tables of a VPC (owner scope). */
export const routeTablesOf = (store: StorePort, scope: Scope, vpcId: string): RouteTableDoc[] =>
  listResources<RouteTableDoc>(store, scope, ROUTE_TABLE, { parent: vpcId, includeShared: false });

export const mainRouteTableOf = (store: StorePort, scope: Scope, vpcId: string): RouteTableDoc | undefined =>
  routeTablesOf(store, scope, vpcId).find((t) => t.Associations.some((a) => a.Main));

/** The IPv4 and IPv6 CIDR blocks currently associated with a VPC. */
export const vpcCidrsOf = (vpc: VpcDoc): { ipv4: string[]; ipv6: string[] } => ({
  ipv4: (vpc.CidrBlockAssociationSet ?? []).filter((a) => a.CidrBlockState?.State === "associated").map((a) => a.CidrBlock!),
  ipv6: (vpc.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State === "associated").map((a) => a.Ipv6CidrBlock!),
});

export const nowIso = (clock: { now(): number }): string => new Date(clock.now()).toISOString();
