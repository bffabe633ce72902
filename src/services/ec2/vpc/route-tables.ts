/**
 * Route tables: CreateRouteTable, DescribeRouteTables, DeleteRouteTable, CreateRoute,
 * ReplaceRoute, DeleteRoute, AssociateRouteTable, DisassociateRouteTable,
 * ReplaceRouteTableAssociation.
 *
 * AWS rules reproduced:
 * - every table has a local route per VPC CIDR (IPv4 and IPv6), Origin CreateRouteTable; the
 *   local route cannot be deleted (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html
 *   "You cannot delete the local route");
 * - a route's State is "blackhole" when its target is gone (a deleted NAT gateway, a detached or
 *   deleted internet gateway, a terminated instance, a deleted peering connection...), computed on
 *   read (API_Route: "blackhole — the route's target isn't available");
 * - CIDRs are canonicalised; a malformed destination is InvalidParameterValue; an existing
 *   destination is RouteAlreadyExists; a missing one is InvalidRoute.NotFound for DeleteRoute
 *   and InvalidParameterValue ("There is no route defined for … Use CreateRoute instead.") for
 *   ReplaceRoute (errors-overview.html; wording as real AWS answers, reproduced by moto);
 * - a subnet has at most one explicit association (Resource.AlreadyAssociated); a gateway edge
 *   association names an internet gateway attached to the VPC; the main table cannot be deleted
 *   and a table with associations cannot be deleted (DependencyViolation); the main association
 *   moves with ReplaceRouteTableAssociation and cannot be disassociated.
 *
 * Filters and MaxResults (5..100): the DescribeRouteTables input documentation of the EC2 API
 * model (botocore ec2/2016-11-15/service-2.json as shipped with the AWS CLI v2);
 * association.gateway-id comes from earlier versions of the same documentation and is kept.
 *
 * Targets of other families (instances, ENIs, peering connections, transit gateways, gateway
 * endpoints, prefix lists) are validated by existence through the resource store.
 */
import type { RouteTableAssociation } from "@aws-sdk/client-ec2";
import { getVisible } from "../connectivity/store.js";
import { newResourceId, opDefiner, type StorePort } from "../../../core/index.js";
import {
  applyTagSpecifications,
  checkDryRun,
  describe,
  getResource,
  listResources,
  notFound,
  ownerOf,
  putResource,
  typeOf,
  deleteResource,
  validateTagSpecifications,
  type Scope,
} from "../foundation/index.js";
import type { FilterTable } from "../filters.js";
import { parseIpv4Cidr, parseIpv6Cidr } from "./cidr.js";
import { ensureDefaultVpc } from "./default-vpc.js";
import { vpcErrors } from "./errors.js";
import {
  EIGW,
  IGW,
  NAT,
  owned,
  ownedVpc,
  ROUTE_TABLE,
  routeTablesOf,
  SUBNET,
  vpcCidrsOf,
  type InternetGatewayDoc,
  type NatGatewayDoc,
  type RouteTableDoc,
  type StoredRoute,
  type SubnetDoc,
  type VpcDoc,
  callerScope,
} from "./model.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

const localRoute = (cidr: string): StoredRoute =>
  cidr.includes(":")
    ? { DestinationIpv6CidrBlock: cidr, GatewayId: "local", Origin: "CreateRouteTable" }
    : { DestinationCidrBlock: cidr, GatewayId: "local", Origin: "CreateRouteTable" };

/** Creates a route table with the VPC's local routes (the main one when asked). */
export const createRouteTable = (store: StorePort, scope: Scope, vpc: VpcDoc, options: { main: boolean }): RouteTableDoc => {
  const id = newResourceId("rtb");
  const cidrs = vpcCidrsOf(vpc);
  const doc: RouteTableDoc = {
    RouteTableId: id,
    VpcId: vpc.VpcId,
    OwnerId: scope.accountId,
    PropagatingVgws: [],
    Routes: [...cidrs.ipv4, ...cidrs.ipv6].map(localRoute),
    Associations: options.main
      ? [{ Main: true, RouteTableAssociationId: newResourceId("rtbassoc"), RouteTableId: id, AssociationState: { State: "associated" } }]
      : [],
  };
  putResource(store, scope, ROUTE_TABLE, id, doc, { parent: vpc.VpcId });
  return doc;
};

/** Adds the local route for a newly associated VPC CIDR to every route table of the VPC. */
export const addLocalRoutes = (store: StorePort, scope: Scope, vpcId: string, cidr: string): void => {
  for (const t of routeTablesOf(store, scope, vpcId)) {
    putResource(store, scope, ROUTE_TABLE, t.RouteTableId, { ...t, Routes: [...t.Routes, localRoute(cidr)] });
  }
};

export const removeLocalRoutes = (store: StorePort, scope: Scope, vpcId: string, cidr: string): void => {
  for (const t of routeTablesOf(store, scope, vpcId)) {
    const Routes = t.Routes.filter((r) => !(r.GatewayId === "local" && (r.DestinationCidrBlock === cidr || r.DestinationIpv6CidrBlock === cidr)));
    putResource(store, scope, ROUTE_TABLE, t.RouteTableId, { ...t, Routes });
  }
};

/** Adds a route as the system does (e.g. the default VPC's 0.0.0.0/0 → igw, Origin CreateRoute). */
export const addRoute = (store: StorePort, scope: Scope, table: RouteTableDoc, route: StoredRoute): void => {
  putResource(store, scope, ROUTE_TABLE, table.RouteTableId, { ...table, Routes: [...table.Routes, route] });
};

// ---------------------------------------------------------------------------------------------
// Route state

const exists = (store: StorePort, scope: Scope, id: string, type: string): boolean => typeOf(store, scope, id) === type;

/** "active" or "blackhole": whether the route's target still exists and can carry traffic. */
export const routeState = (store: StorePort, scope: Scope, table: { VpcId: string }, r: StoredRoute): "active" | "blackhole" => {
  const ok = (() => {
    if (r.GatewayId === "local") return true;
    if (r.GatewayId?.startsWith("igw-")) {
      const igw = getResource<InternetGatewayDoc>(store, scope, IGW, r.GatewayId);
      return !!igw && (igw.Attachments ?? []).some((a) => a.VpcId === table.VpcId);
    }
    if (r.GatewayId?.startsWith("vpce-")) return exists(store, scope, r.GatewayId, "vpc-endpoint");
    if (r.GatewayId) return typeOf(store, scope, r.GatewayId) !== undefined;
    if (r.EgressOnlyInternetGatewayId) return exists(store, scope, r.EgressOnlyInternetGatewayId, EIGW);
    if (r.NatGatewayId) {
      const nat = getResource<NatGatewayDoc>(store, scope, NAT, r.NatGatewayId);
      return !!nat && nat.State !== "deleted" && nat.State !== "deleting" && nat.State !== "failed";
    }
    if (r.InstanceId) {
      const inst = getResource<{ State?: { Name?: string } }>(store, scope, "instance", r.InstanceId);
      return !!inst && inst.State?.Name !== "terminated" && inst.State?.Name !== "shutting-down";
    }
    if (r.NetworkInterfaceId) return exists(store, scope, r.NetworkInterfaceId, "network-interface");
    if (r.VpcPeeringConnectionId) {
      // getVisible also finds a cross-Region peering connection from the accepter's Region.
      const pcx = getVisible<{ Status?: { Code?: string } }>(store, scope, "vpc-peering-connection", r.VpcPeeringConnectionId);
      if (!pcx) return false;
      return pcx.Status?.Code === undefined || pcx.Status.Code === "active";
    }
    if (r.TransitGatewayId) return exists(store, scope, r.TransitGatewayId, "transit-gateway");
    return false;
  })();
  return ok ? "active" : "blackhole";
};

const tableOutput = (store: StorePort, scope: Scope, t: RouteTableDoc) => ({
  ...t,
  Routes: t.Routes.map((r) => ({ ...r, State: routeState(store, scope, t, r) })),
});

// ---------------------------------------------------------------------------------------------
// Lookups other families use

/** The route table that governs a subnet: its explicit association, else the VPC's main table. */
export const effectiveRouteTable = (store: StorePort, scope: Scope, subnetId: string): RouteTableDoc | undefined => {
  const subnet = getResource<SubnetDoc>(store, scope, SUBNET, subnetId);
  if (!subnet) return undefined;
  const ownerScope = { accountId: ownerOf(store, subnetId) ?? scope.accountId, region: scope.region };
  const tables = routeTablesOf(store, ownerScope, subnet.VpcId);
  return tables.find((t) => t.Associations.some((a) => a.SubnetId === subnetId)) ?? tables.find((t) => t.Associations.some((a) => a.Main));
};

/** The effective routes of a subnet with their computed State (for the reachability engine). */
export const effectiveRoutes = (store: StorePort, scope: Scope, subnetId: string) => {
  const t = effectiveRouteTable(store, scope, subnetId);
  return t ? tableOutput(store, { accountId: t.OwnerId, region: scope.region }, t).Routes : [];
};

/** Removes the routes of a table that match (e.g. a gateway endpoint's prefix-list routes). */
export const removeRoutes = (store: StorePort, scope: Scope, routeTableId: string, match: (r: StoredRoute) => boolean): void => {
  const t = getResource<RouteTableDoc>(store, scope, ROUTE_TABLE, routeTableId, { owned: true });
  if (t) putResource(store, scope, ROUTE_TABLE, t.RouteTableId, { ...t, Routes: t.Routes.filter((r) => r.GatewayId === "local" || !match(r)) });
};

/** Removes a subnet's explicit association (DeleteSubnet). */
export const dropSubnetAssociations = (store: StorePort, scope: Scope, vpcId: string, subnetId: string): void => {
  for (const t of routeTablesOf(store, scope, vpcId)) {
    if (t.Associations.some((a) => a.SubnetId === subnetId)) {
      putResource(store, scope, ROUTE_TABLE, t.RouteTableId, { ...t, Associations: t.Associations.filter((a) => a.SubnetId !== subnetId) });
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Operations

export const createRouteTableOp = defineOp("CreateRouteTable", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const vpc = ownedVpc(ctx.store, scope, input.VpcId);
  validateTagSpecifications(input.TagSpecifications, [ROUTE_TABLE]);
  checkDryRun(input);
  const t = createRouteTable(ctx.store, scope, vpc, { main: false });
  const tags = applyTagSpecifications(ctx.store, scope, ROUTE_TABLE, t.RouteTableId, input.TagSpecifications);
  return { RouteTable: { ...tableOutput(ctx.store, scope, t), ...(tags.length ? { Tags: tags } : {}) }, ClientToken: input.ClientToken };
});

const routeFilters = (store: StorePort, scope: Scope): FilterTable<RouteTableDoc> => {
  const routes = (t: RouteTableDoc) => t.Routes;
  const pick = (f: (r: StoredRoute) => string | undefined) => (t: RouteTableDoc) => routes(t).map(f).filter((v): v is string => v !== undefined);
  return {
    // Listed in earlier API_DescribeRouteTables documentation (gateway edge associations).
    "association.gateway-id": (t) => t.Associations.map((a) => a.GatewayId).filter((v): v is string => !!v),
    "association.route-table-association-id": (t) => t.Associations.map((a) => a.RouteTableAssociationId ?? ""),
    "association.route-table-id": (t) => t.Associations.map((a) => a.RouteTableId ?? ""),
    "association.subnet-id": (t) => t.Associations.map((a) => a.SubnetId).filter((v): v is string => !!v),
    // "association.main - Indicates whether the route table is the main route table for the VPC
    // (true | false). Route tables that do not have an association ID are not returned in the
    // response." (API_DescribeRouteTables)
    "association.main": (t) => (t.Associations.length ? t.Associations.map((a) => String(a.Main === true)) : undefined),
    "owner-id": (t) => t.OwnerId,
    "route-table-id": (t) => t.RouteTableId,
    "route.destination-cidr-block": pick((r) => r.DestinationCidrBlock),
    "route.destination-ipv6-cidr-block": pick((r) => r.DestinationIpv6CidrBlock),
    "route.destination-prefix-list-id": pick((r) => r.DestinationPrefixListId),
    "route.egress-only-internet-gateway-id": pick((r) => r.EgressOnlyInternetGatewayId),
    "route.gateway-id": pick((r) => r.GatewayId),
    "route.instance-id": pick((r) => r.InstanceId),
    "route.nat-gateway-id": pick((r) => r.NatGatewayId),
    "route.transit-gateway-id": pick((r) => r.TransitGatewayId),
    "route.origin": pick((r) => r.Origin),
    "route.state": (t) => routes(t).map((r) => routeState(store, scope, t, r)),
    "route.vpc-peering-connection-id": pick((r) => r.VpcPeeringConnectionId),
    "vpc-id": (t) => t.VpcId,
  };
};

export const describeRouteTables = defineOp("DescribeRouteTables", (input, ctx) => {
  const scope = callerScope(ctx);
  ensureDefaultVpc(ctx.store, scope, ctx.settings);
  const page = describe<RouteTableDoc>(
    ctx.store,
    scope,
    {
      type: ROUTE_TABLE,
      idOf: (t) => t.RouteTableId,
      notFound: (id) => notFound(ROUTE_TABLE, id),
      filters: routeFilters(ctx.store, scope),
      paging: { min: 5, max: 100 },
    },
    { ids: input.RouteTableIds, idsParameter: "routeTableIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { RouteTables: page.items.map((t) => ({ ...tableOutput(ctx.store, scope, t), Tags: t.Tags })), NextToken: page.nextToken };
});

export const deleteRouteTable = defineOp("DeleteRouteTable", (input, ctx) => {
  const scope = callerScope(ctx);
  const t = owned<RouteTableDoc>(ctx.store, scope, ROUTE_TABLE, input.RouteTableId, "RouteTableId");
  if (t.Associations.length > 0) throw vpcErrors.dependencyViolation("routeTable", t.RouteTableId);
  checkDryRun(input);
  deleteResource(ctx.store, t.RouteTableId);
  return {};
});

// --- routes ------------------------------------------------------------------------------------

interface Destination {
  key: "DestinationCidrBlock" | "DestinationIpv6CidrBlock" | "DestinationPrefixListId";
  value: string;
  /** How InvalidRoute.NotFound names it. */
  kind: string;
}

const destinationOf = (store: StorePort, scope: Scope, input: { DestinationCidrBlock?: string; DestinationIpv6CidrBlock?: string; DestinationPrefixListId?: string }, checkPrefixList: boolean): Destination => {
  const given = [input.DestinationCidrBlock, input.DestinationIpv6CidrBlock, input.DestinationPrefixListId].filter((v) => v !== undefined);
  if (given.length === 0) throw vpcErrors.missing("destinationCidrBlock");
  if (given.length > 1) {
    throw vpcErrors.invalidParameterCombination("Exactly one of destinationCidrBlock, destinationIpv6CidrBlock and destinationPrefixListId must be specified.");
  }
  if (input.DestinationCidrBlock !== undefined) {
    const b = parseIpv4Cidr(input.DestinationCidrBlock);
    if (!b) throw vpcErrors.invalidCidrParameter("destinationCidrBlock", input.DestinationCidrBlock);
    return { key: "DestinationCidrBlock", value: b.text, kind: "destination-cidr-block" };
  }
  if (input.DestinationIpv6CidrBlock !== undefined) {
    const b = parseIpv6Cidr(input.DestinationIpv6CidrBlock);
    if (!b) throw vpcErrors.invalidCidrParameter("destinationIpv6CidrBlock", input.DestinationIpv6CidrBlock);
    return { key: "DestinationIpv6CidrBlock", value: b.text, kind: "destination-ipv6-cidr-block" };
  }
  const pl = input.DestinationPrefixListId!;
  if (checkPrefixList && typeOf(store, scope, pl) !== "prefix-list") throw notFound("prefix-list", pl);
  return { key: "DestinationPrefixListId", value: pl, kind: "destination-prefix-list-id" };
};

const sameDestination = (r: StoredRoute, d: Destination): boolean => r[d.key] === d.value;

interface TargetInput {
  GatewayId?: string;
  EgressOnlyInternetGatewayId?: string;
  NatGatewayId?: string;
  InstanceId?: string;
  NetworkInterfaceId?: string;
  VpcPeeringConnectionId?: string;
  TransitGatewayId?: string;
  LocalGatewayId?: string;
  CarrierGatewayId?: string;
  CoreNetworkArn?: string;
  VpcEndpointId?: string;
  OdbNetworkArn?: string;
}

const differentNetworks = (tableId: string, kind: string, id: string) =>
  vpcErrors.invalidValue(`route table ${tableId} and ${kind} ${id} belong to different networks`);

/** Validates the one target of a CreateRoute/ReplaceRoute and returns the route's target fields. */
const targetOf = (store: StorePort, scope: Scope, table: RouteTableDoc, input: TargetInput): Partial<StoredRoute> => {
  const unsupported = [input.LocalGatewayId, input.CarrierGatewayId, input.CoreNetworkArn, input.OdbNetworkArn].some((v) => v !== undefined);
  if (unsupported) throw vpcErrors.invalidParameter("Local gateway, carrier gateway, core network and ODB network targets are not supported by Cloudbox.");
  const gatewayId = input.GatewayId ?? input.VpcEndpointId;
  const given = [gatewayId, input.EgressOnlyInternetGatewayId, input.NatGatewayId, input.InstanceId, input.NetworkInterfaceId, input.VpcPeeringConnectionId, input.TransitGatewayId].filter(
    (v) => v !== undefined,
  );
  if (given.length === 0) throw vpcErrors.missing("gatewayId");
  if (given.length > 1) throw vpcErrors.invalidParameterCombination("More than one target specified for the route; specify exactly one.");
  if (gatewayId !== undefined) {
    if (gatewayId.startsWith("igw-")) {
      const igw = getResource<InternetGatewayDoc>(store, scope, IGW, gatewayId, { owned: true });
      if (!igw) throw notFound(IGW, gatewayId);
      if (!(igw.Attachments ?? []).some((a) => a.VpcId === table.VpcId)) throw differentNetworks(table.RouteTableId, "network gateway", gatewayId);
      return { GatewayId: gatewayId };
    }
    if (gatewayId.startsWith("vpce-")) {
      const vpce = getResource<{ VpcId?: string; VpcEndpointType?: string }>(store, scope, "vpc-endpoint", gatewayId);
      if (!vpce) throw notFound("vpc-endpoint", gatewayId);
      if (vpce.VpcId !== table.VpcId) throw differentNetworks(table.RouteTableId, "network gateway", gatewayId);
      return { GatewayId: gatewayId };
    }
    if (gatewayId.startsWith("eigw-")) throw vpcErrors.invalidValue(`The gateway ID '${gatewayId}' must be given as EgressOnlyInternetGatewayId.`);
    throw notFound(IGW, gatewayId);
  }
  if (input.EgressOnlyInternetGatewayId !== undefined) {
    const id = input.EgressOnlyInternetGatewayId;
    const g = getResource<{ Attachments?: Array<{ VpcId?: string }> }>(store, scope, EIGW, id, { owned: true });
    if (!g) throw notFound(EIGW, id);
    if (!(g.Attachments ?? []).some((a) => a.VpcId === table.VpcId)) throw differentNetworks(table.RouteTableId, "network gateway", id);
    return { EgressOnlyInternetGatewayId: id };
  }
  if (input.NatGatewayId !== undefined) {
    const id = input.NatGatewayId;
    const nat = getResource<NatGatewayDoc>(store, scope, NAT, id, { owned: true });
    if (!nat || nat.State === "deleted") throw notFound(NAT, id);
    return { NatGatewayId: id };
  }
  if (input.InstanceId !== undefined) {
    const id = input.InstanceId;
    const inst = getResource<{ VpcId?: string; NetworkInterfaces?: Array<{ NetworkInterfaceId?: string; Attachment?: { DeviceIndex?: number } }> }>(
      store,
      scope,
      "instance",
      id,
    );
    if (!inst) throw notFound("instance", id);
    if (inst.VpcId && inst.VpcId !== table.VpcId) throw differentNetworks(table.RouteTableId, "instance", id);
    const eni = (inst.NetworkInterfaces ?? []).find((n) => (n.Attachment?.DeviceIndex ?? 0) === 0)?.NetworkInterfaceId;
    return { InstanceId: id, InstanceOwnerId: ownerOf(store, id), ...(eni ? { NetworkInterfaceId: eni } : {}) };
  }
  if (input.NetworkInterfaceId !== undefined) {
    const id = input.NetworkInterfaceId;
    const eni = getResource<{ VpcId?: string; Attachment?: { InstanceId?: string; InstanceOwnerId?: string } }>(store, scope, "network-interface", id);
    if (!eni) throw notFound("network-interface", id);
    if (eni.VpcId && eni.VpcId !== table.VpcId) throw differentNetworks(table.RouteTableId, "network interface", id);
    const instanceId = eni.Attachment?.InstanceId;
    return { NetworkInterfaceId: id, ...(instanceId ? { InstanceId: instanceId, InstanceOwnerId: eni.Attachment?.InstanceOwnerId ?? ownerOf(store, instanceId) } : {}) };
  }
  if (input.VpcPeeringConnectionId !== undefined) {
    const id = input.VpcPeeringConnectionId;
    if (!getVisible(store, scope, "vpc-peering-connection", id)) throw notFound("vpc-peering-connection", id);
    return { VpcPeeringConnectionId: id };
  }
  const id = input.TransitGatewayId!;
  if (typeOf(store, scope, id) !== "transit-gateway") throw notFound("transit-gateway", id);
  return { TransitGatewayId: id };
};

export const createRoute = defineOp("CreateRoute", (input, ctx) => {
  const scope = callerScope(ctx);
  const t = owned<RouteTableDoc>(ctx.store, scope, ROUTE_TABLE, input.RouteTableId, "RouteTableId");
  const dest = destinationOf(ctx.store, scope, input, true);
  const target = targetOf(ctx.store, scope, t, input);
  if (t.Routes.some((r) => sameDestination(r, dest))) throw vpcErrors.routeAlreadyExists(dest.value);
  checkDryRun(input);
  addRoute(ctx.store, scope, t, { [dest.key]: dest.value, ...target, Origin: "CreateRoute" });
  return { Return: true };
});

export const replaceRoute = defineOp("ReplaceRoute", (input, ctx) => {
  const scope = callerScope(ctx);
  const t = owned<RouteTableDoc>(ctx.store, scope, ROUTE_TABLE, input.RouteTableId, "RouteTableId");
  const dest = destinationOf(ctx.store, scope, input, false);
  const existing = t.Routes.find((r) => sameDestination(r, dest));
  if (!existing) throw vpcErrors.invalidValue(`There is no route defined for '${dest.value}' in the route table. Use CreateRoute instead.`);
  if (existing.GatewayId === "local") {
    // DEVIATION: AWS lets the local route's target be replaced by a middlebox ENI; Cloudbox keeps it local.
    throw vpcErrors.invalidValue(`cannot replace local route ${dest.value} in route table ${t.RouteTableId}`);
  }
  const target = targetOf(ctx.store, scope, t, input);
  checkDryRun(input);
  const Routes = t.Routes.map((r) => (r === existing ? { [dest.key]: dest.value, ...target, Origin: "CreateRoute" as const } : r));
  putResource(ctx.store, scope, ROUTE_TABLE, t.RouteTableId, { ...t, Routes });
  return {};
});

export const deleteRoute = defineOp("DeleteRoute", (input, ctx) => {
  const scope = callerScope(ctx);
  const t = owned<RouteTableDoc>(ctx.store, scope, ROUTE_TABLE, input.RouteTableId, "RouteTableId");
  const dest = destinationOf(ctx.store, scope, input, false);
  const existing = t.Routes.find((r) => sameDestination(r, dest));
  if (!existing) throw vpcErrors.routeNotFound(dest.kind, dest.value, t.RouteTableId);
  if (existing.GatewayId === "local") throw vpcErrors.invalidValue(`cannot remove local route ${dest.value} in route table ${t.RouteTableId}`);
  checkDryRun(input);
  putResource(ctx.store, scope, ROUTE_TABLE, t.RouteTableId, { ...t, Routes: t.Routes.filter((r) => r !== existing) });
  return {};
});

// --- associations ------------------------------------------------------------------------------

const tableOfAssociation = (store: StorePort, scope: Scope, associationId: string): { table: RouteTableDoc; assoc: RouteTableAssociation } | undefined => {
  for (const table of listResources<RouteTableDoc>(store, scope, ROUTE_TABLE, { includeShared: false })) {
    const assoc = table.Associations.find((a) => a.RouteTableAssociationId === associationId);
    if (assoc) return { table, assoc };
  }
  return undefined;
};

export const associateRouteTable = defineOp("AssociateRouteTable", (input, ctx) => {
  const scope = callerScope(ctx);
  const t = owned<RouteTableDoc>(ctx.store, scope, ROUTE_TABLE, input.RouteTableId, "RouteTableId");
  if ((input.SubnetId === undefined) === (input.GatewayId === undefined)) {
    if (input.PublicIpv4Pool) throw vpcErrors.invalidParameter("PublicIpv4Pool associations are not supported by Cloudbox.");
    throw vpcErrors.invalidParameterCombination("Exactly one of subnetId and gatewayId must be specified.");
  }
  const tables = routeTablesOf(ctx.store, scope, t.VpcId);
  let assoc: RouteTableAssociation;
  if (input.SubnetId !== undefined) {
    const subnet = owned<SubnetDoc>(ctx.store, scope, SUBNET, input.SubnetId, "SubnetId");
    if (subnet.VpcId !== t.VpcId) throw differentNetworks(t.RouteTableId, "subnet", subnet.SubnetId);
    if (tables.some((x) => x.Associations.some((a) => a.SubnetId === subnet.SubnetId))) {
      throw vpcErrors.resourceAlreadyAssociated(`the specified association for route table ${t.RouteTableId} conflicts with an existing association`);
    }
    assoc = { Main: false, RouteTableAssociationId: newResourceId("rtbassoc"), RouteTableId: t.RouteTableId, SubnetId: subnet.SubnetId, AssociationState: { State: "associated" } };
  } else {
    const gw = input.GatewayId!;
    // Gateway route tables: the edge association names an internet gateway or a virtual private
    // gateway attached to the VPC (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html).
    if (!gw.startsWith("igw-")) throw notFound(IGW, gw);
    const igw = getResource<InternetGatewayDoc>(ctx.store, scope, IGW, gw, { owned: true });
    if (!igw) throw notFound(IGW, gw);
    if (!(igw.Attachments ?? []).some((a) => a.VpcId === t.VpcId)) throw differentNetworks(t.RouteTableId, "network gateway", gw);
    if (tables.some((x) => x.Associations.some((a) => a.GatewayId === gw))) {
      throw vpcErrors.resourceAlreadyAssociated(`the specified association for route table ${t.RouteTableId} conflicts with an existing association`);
    }
    assoc = { Main: false, RouteTableAssociationId: newResourceId("rtbassoc"), RouteTableId: t.RouteTableId, GatewayId: gw, AssociationState: { State: "associated" } };
  }
  checkDryRun(input);
  putResource(ctx.store, scope, ROUTE_TABLE, t.RouteTableId, { ...t, Associations: [...t.Associations, assoc] });
  return { AssociationId: assoc.RouteTableAssociationId, AssociationState: assoc.AssociationState };
});

export const disassociateRouteTable = defineOp("DisassociateRouteTable", (input, ctx) => {
  const scope = callerScope(ctx);
  if (!input.AssociationId) throw vpcErrors.missing("AssociationId");
  const found = tableOfAssociation(ctx.store, scope, input.AssociationId);
  if (!found) throw vpcErrors.associationNotFound(input.AssociationId);
  if (found.assoc.Main) throw vpcErrors.invalidValue(`cannot disassociate the main route table association ${input.AssociationId}`);
  checkDryRun(input);
  const { table } = found;
  putResource(ctx.store, scope, ROUTE_TABLE, table.RouteTableId, {
    ...table,
    Associations: table.Associations.filter((a) => a.RouteTableAssociationId !== input.AssociationId),
  });
  return {};
});

export const replaceRouteTableAssociation = defineOp("ReplaceRouteTableAssociation", (input, ctx) => {
  const scope = callerScope(ctx);
  if (!input.AssociationId) throw vpcErrors.missing("AssociationId");
  const target = owned<RouteTableDoc>(ctx.store, scope, ROUTE_TABLE, input.RouteTableId, "RouteTableId");
  const found = tableOfAssociation(ctx.store, scope, input.AssociationId);
  if (!found) throw vpcErrors.associationNotFound(input.AssociationId);
  if (found.table.VpcId !== target.VpcId) throw differentNetworks(target.RouteTableId, "association", input.AssociationId);
  checkDryRun(input);
  const { table, assoc } = found;
  const moved: RouteTableAssociation = { ...assoc, RouteTableAssociationId: newResourceId("rtbassoc"), RouteTableId: target.RouteTableId };
  const without = table.Associations.filter((a) => a.RouteTableAssociationId !== assoc.RouteTableAssociationId);
  if (table.RouteTableId === target.RouteTableId) {
    putResource(ctx.store, scope, ROUTE_TABLE, table.RouteTableId, { ...table, Associations: [...without, moved] });
  } else {
    putResource(ctx.store, scope, ROUTE_TABLE, table.RouteTableId, { ...table, Associations: without });
    const fresh = getResource<RouteTableDoc>(ctx.store, scope, ROUTE_TABLE, target.RouteTableId, { owned: true })!;
    putResource(ctx.store, scope, ROUTE_TABLE, target.RouteTableId, { ...fresh, Associations: [...fresh.Associations, moved] });
  }
  return { NewAssociationId: moved.RouteTableAssociationId, AssociationState: { State: "associated" as const } };
});

export const routeTableOperations = [
  createRouteTableOp,
  describeRouteTables,
  deleteRouteTable,
  createRoute,
  replaceRoute,
  deleteRoute,
  associateRouteTable,
  disassociateRouteTable,
  replaceRouteTableAssociation,
];
