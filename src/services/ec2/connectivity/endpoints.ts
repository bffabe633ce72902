/**
 * VPC endpoints (AWS PrivateLink and gateway endpoints): DescribeVpcEndpointServices,
 * CreateVpcEndpoint, DescribeVpcEndpoints, ModifyVpcEndpoint, DeleteVpcEndpoints.
 *
 * AWS rules reproduced:
 * - Gateway endpoints exist for Amazon S3 and DynamoDB only
 *   (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html); each route table
 *   given gets a route whose destination is the service's AWS-managed prefix list (pl-…, the
 *   security family's com.amazonaws.<region>.s3 / .dynamodb list) and whose target is the
 *   endpoint; the routes go away with the endpoint or when the table is removed from it
 *   (ModifyVpcEndpoint RemoveRouteTableIds). A table that already routes to that prefix list is
 *   refused (RouteAlreadyExists). This family updates the vpc family's route-table documents
 *   through updateResource because the AWS operation changes them.
 * - Interface endpoints (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html):
 *   one endpoint network interface in each subnet given ("You can select one subnet per
 *   Availability Zone": DuplicateSubnetsInSameZone), requester-managed, InterfaceType
 *   vpc_endpoint, an address from the subnet; security groups default to the VPC's default group;
 *   PrivateDnsEnabled defaults to true (API_CreateVpcEndpoint.html) and needs the VPC's
 *   enableDnsSupport and enableDnsHostnames ("To use private DNS, you must enable DNS hostnames
 *   and DNS resolution for your VPC", privatelink/create-interface-endpoint.html); DnsEntries are
 *   the Regional name vpce-<id>-<suffix>.<service>.<region>.vpce.amazonaws.com, one per zone, and
 *   the service's private name when private DNS is on.
 * - The default policy is full access (gateway-endpoints.html / vpc-endpoints-access.html:
 *   "The default policy allows full access").
 * - States are lower case on the wire, as the vpc-endpoint-state filter of
 *   API_DescribeVpcEndpoints.html lists them (pendingAcceptance | pending | available | deleting
 *   | deleted | rejected | failed), although the SDK's enum spells them capitalized.
 * - DeleteVpcEndpoints reports unknown ids in Unsuccessful instead of failing the call
 *   (API_DeleteVpcEndpoints.html, UnsuccessfulItem).
 * DEVIATION: the service list is the services Cloudbox serves plus S3 and DynamoDB gateways;
 * HostedZoneId values are fixed placeholders; endpoint services of other accounts
 * (CreateVpcEndpointServiceConfiguration), Gateway Load Balancer and resource endpoints are not
 * modelled.
 */
import { createHash } from "node:crypto";
import type { DnsEntry, ServiceDetail, VpcEndpoint } from "@aws-sdk/client-ec2";
import { newResourceId, opDefiner, type OperationContext } from "../../../core/index.js";
import { compileFilters, type FilterTable } from "../filters.js";
import {
  applyTagSpecifications,
  checkDryRun,
  deleteResource,
  describe,
  getResource,
  notFound,
  putResource,
  scopeOf,
  updateResource,
  validateTagSpecifications,
  type Scope,
} from "../foundation/index.js";
import { createEni, destroyEni, resolveGroups, type EniDoc } from "../compute/network-interfaces.js";
import { azMapFromSettings } from "../regions-data.js";
import { awsManagedLists } from "../security/prefix-list-store.js";
import type { RouteTableDoc, SubnetDoc } from "../vpc/index.js";
import { connectivityErrors as errors } from "./errors.js";
import { publicDoc } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();

export const VPCE = "vpc-endpoint";

const DEFAULT_POLICY = JSON.stringify({ Version: "2008-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });

interface ServiceDef {
  service: string;
  type: "Gateway" | "Interface";
}

/** The endpoint services of every Region (see the DEVIATION above). */
const SERVICES: readonly ServiceDef[] = [
  { service: "dynamodb", type: "Gateway" },
  { service: "ec2", type: "Interface" },
  { service: "events", type: "Interface" },
  { service: "lambda", type: "Interface" },
  { service: "ram", type: "Interface" },
  { service: "s3", type: "Gateway" },
  { service: "s3", type: "Interface" },
  { service: "states", type: "Interface" },
  { service: "sts", type: "Interface" },
];

const serviceName = (region: string, service: string): string => `com.amazonaws.${region}.${service}`;
const serviceId = (region: string, s: ServiceDef): string =>
  `vpce-svc-${createHash("sha256").update(`${region}/${s.service}/${s.type}`).digest("hex").slice(0, 17)}`;

const serviceDetails = (ctx: OperationContext): ServiceDetail[] => {
  const zones = azMapFromSettings(ctx.settings).zones(ctx.accountId, ctx.region) ?? [];
  return SERVICES.map((s) => ({
    ServiceName: serviceName(ctx.region, s.service),
    ServiceId: serviceId(ctx.region, s),
    ServiceType: [{ ServiceType: s.type }],
    ServiceRegion: ctx.region,
    AvailabilityZones: zones.map((z) => z.zoneName).sort(),
    Owner: "amazon",
    BaseEndpointDnsNames: [s.type === "Gateway" ? `${s.service}.${ctx.region}.amazonaws.com` : `${s.service}.${ctx.region}.vpce.amazonaws.com`],
    ...(s.type === "Interface"
      ? { PrivateDnsName: `${s.service}.${ctx.region}.amazonaws.com`, PrivateDnsNames: [{ PrivateDnsName: `${s.service}.${ctx.region}.amazonaws.com` }], PrivateDnsNameVerificationState: "verified" as const }
      : {}),
    VpcEndpointPolicySupported: true,
    AcceptanceRequired: false,
    ManagesVpcEndpoints: false,
    SupportedIpAddressTypes: ["ipv4"],
  }));
};

const serviceFilters: FilterTable<ServiceDetail> = {
  "owner": (s) => s.Owner,
  "service-name": (s) => s.ServiceName,
  "service-region": (s) => s.ServiceRegion,
  "service-type": (s) => (s.ServiceType ?? []).map((t) => t.ServiceType!),
  "supported-ip-address-types": (s) => s.SupportedIpAddressTypes,
};

export const describeVpcEndpointServices = defineOp("DescribeVpcEndpointServices", (input, ctx) => {
  let details = serviceDetails(ctx);
  for (const name of input.ServiceNames ?? []) {
    if (!details.some((d) => d.ServiceName === name)) throw errors.invalidServiceName(name);
  }
  if (input.ServiceNames?.length) details = details.filter((d) => input.ServiceNames!.includes(d.ServiceName!));
  details = details.filter(compileFilters(input.Filters, serviceFilters));
  checkDryRun(input);
  return { ServiceNames: [...new Set(details.map((d) => d.ServiceName!))], ServiceDetails: details };
});

// ---------------------------------------------------------------------------------------------
// Endpoints

type EndpointDoc = Omit<VpcEndpoint, "Tags" | "CreationTimestamp" | "State" | "Groups" | "RouteTableIds" | "SubnetIds" | "NetworkInterfaceIds"> & {
  VpcEndpointId: string;
  VpcEndpointType: "Gateway" | "Interface";
  VpcId: string;
  ServiceName: string;
  State: string;
  CreationTimestamp: string;
  RouteTableIds: string[];
  SubnetIds: string[];
  NetworkInterfaceIds: string[];
  Groups: Array<{ GroupId: string; GroupName: string }>;
  _dnsSuffix: string;
};

const out = (d: EndpointDoc & { Tags?: unknown }): VpcEndpoint => publicDoc(d) as unknown as VpcEndpoint;

const prefixListFor = (region: string, name: string): string | undefined =>
  awsManagedLists(region).find((l) => l.list.PrefixListName === name)?.list.PrefixListId;

const ownedRouteTable = (ctx: OperationContext, vpcId: string, id: string): RouteTableDoc => {
  const t = getResource<RouteTableDoc>(ctx.store, scopeOf(ctx), "route-table", id, { owned: true });
  if (!t) throw notFound("route-table", id);
  if (t.VpcId !== vpcId) throw errors.invalidParameter(`Route table ${id} does not belong to VPC ${vpcId}.`);
  return t;
};

/** A route table takes one route per destination prefix list (errors-overview: RouteAlreadyExists). */
const assertNoPrefixListRoute = (table: RouteTableDoc, pl: string): void => {
  if (table.Routes.some((r) => r.DestinationPrefixListId === pl)) {
    throw errors.routeAlreadyExists(`route table ${table.RouteTableId} already has a route with destination-prefix-list-id ${pl}`);
  }
};

const addGatewayRoute = (ctx: OperationContext, table: RouteTableDoc, pl: string, endpointId: string): void => {
  // Updates the vpc family's route table: CreateVpcEndpoint adds this route in AWS.
  updateResource<RouteTableDoc>(ctx.store, scopeOf(ctx), "route-table", table.RouteTableId, (t) => {
    t.Routes.push({ DestinationPrefixListId: pl, GatewayId: endpointId, Origin: "CreateRoute" });
  });
};

const removeGatewayRoute = (ctx: OperationContext, tableId: string, endpointId: string): void => {
  // Updates the vpc family's route table: removing a table from a gateway endpoint drops its route.
  updateResource<RouteTableDoc>(ctx.store, scopeOf(ctx), "route-table", tableId, (t) => {
    t.Routes = t.Routes.filter((r) => r.GatewayId !== endpointId);
  });
};

const subnetsOf = (ctx: OperationContext, vpcId: string, ids: readonly string[], existing: readonly SubnetDoc[] = []): SubnetDoc[] => {
  const zones = new Map(existing.map((s) => [s.AvailabilityZoneId, s.SubnetId] as const));
  return ids.map((id) => {
    const s = getResource<SubnetDoc>(ctx.store, scopeOf(ctx), "subnet", id);
    if (!s) throw notFound("subnet", id);
    if (s.VpcId !== vpcId) throw errors.invalidParameter(`Subnet ${id} does not belong to VPC ${vpcId}.`);
    const other = zones.get(s.AvailabilityZoneId);
    if (other) throw errors.duplicateSubnetsInSameZone(`Found another VPC endpoint subnet in the availability zone of ${other}`);
    zones.set(s.AvailabilityZoneId, id);
    return s;
  });
};

/** The endpoint network interface in a subnet (compute family's ENI shape, requester-managed). */
const endpointEni = (ctx: OperationContext, endpointId: string, subnet: SubnetDoc, groups: Array<{ GroupId?: string; GroupName?: string }>): string => {
  const eni = createEni(ctx, { subnet, interfaceType: "vpc_endpoint", description: `VPC Endpoint Interface ${endpointId}` }, groups);
  updateResource<EniDoc>(ctx.store, scopeOf(ctx), "network-interface", eni.NetworkInterfaceId, (d) => {
    d.RequesterManaged = true;
    d.RequesterId = "727180483921"; // DEVIATION: a fixed AWS-side requester id (AWS shows an account of the service)
    d.InterfaceType = "vpc_endpoint";
  });
  return eni.NetworkInterfaceId;
};

const dnsEntries = (ctx: OperationContext, d: EndpointDoc): DnsEntry[] => {
  const service = d.ServiceName.split(".").slice(3).join(".");
  const base = `${d.VpcEndpointId}-${d._dnsSuffix}.${service}.${ctx.region}.vpce.amazonaws.com`;
  const map = azMapFromSettings(ctx.settings);
  const entries: DnsEntry[] = [{ DnsName: base, HostedZoneId: "Z7HUB22UULQXV" }];
  for (const id of d.SubnetIds) {
    const s = getResource<SubnetDoc>(ctx.store, scopeOf(ctx), "subnet", id);
    const zone = s ? map.zoneNameFor(ctx.accountId, ctx.region, s.AvailabilityZoneId) : undefined;
    if (zone) entries.push({ DnsName: `${d.VpcEndpointId}-${d._dnsSuffix}-${zone}.${service}.${ctx.region}.vpce.amazonaws.com`, HostedZoneId: "Z7HUB22UULQXV" });
  }
  if (d.PrivateDnsEnabled) entries.push({ DnsName: `${service}.${ctx.region}.amazonaws.com`, HostedZoneId: "Z0CLOUDBOXPRIVATE" });
  return entries;
};

const requirePrivateDnsSupport = (ctx: OperationContext, vpcId: string): void => {
  const vpc = getResource<{ _attrs?: { enableDnsSupport?: boolean; enableDnsHostnames?: boolean } }>(ctx.store, scopeOf(ctx), "vpc", vpcId);
  if (!vpc?._attrs?.enableDnsSupport || !vpc._attrs.enableDnsHostnames) {
    throw errors.invalidParameter(`Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpcId}`);
  }
};

export const createVpcEndpoint = defineOp("CreateVpcEndpoint", (input, ctx) => {
  const scope = scopeOf(ctx);
  const type = input.VpcEndpointType ?? "Gateway";
  if (type !== "Gateway" && type !== "Interface") {
    throw errors.invalidValue(`Value (${type}) for parameter VpcEndpointType is invalid. Cloudbox supports Gateway and Interface endpoints.`);
  }
  if (!input.VpcId) throw errors.missing("VpcId");
  if (!input.ServiceName) throw errors.missing("ServiceName");
  const vpc = getResource<{ VpcId: string }>(ctx.store, scope, "vpc", input.VpcId, { owned: true });
  if (!vpc) throw notFound("vpc", input.VpcId);
  const def = SERVICES.find((s) => serviceName(ctx.region, s.service) === input.ServiceName && s.type === type);
  if (!def) {
    if (SERVICES.some((s) => serviceName(ctx.region, s.service) === input.ServiceName)) {
      throw errors.invalidParameter(`The Vpc Endpoint Service '${input.ServiceName}' does not support endpoint type ${type}.`);
    }
    throw errors.invalidServiceName(input.ServiceName);
  }
  if (input.PolicyDocument !== undefined) {
    try {
      JSON.parse(input.PolicyDocument);
    } catch {
      throw errors.invalidValue("The policy document is not valid JSON.");
    }
  }
  validateTagSpecifications(input.TagSpecifications, [VPCE]);
  const id = newResourceId("vpce");
  const doc: EndpointDoc = {
    VpcEndpointId: id,
    VpcEndpointType: type,
    VpcId: vpc.VpcId,
    ServiceName: input.ServiceName,
    State: "available",
    PolicyDocument: input.PolicyDocument ?? DEFAULT_POLICY,
    RouteTableIds: [],
    SubnetIds: [],
    Groups: [],
    IpAddressType: "ipv4",
    DnsOptions: { DnsRecordIpType: "ipv4" },
    PrivateDnsEnabled: false,
    RequesterManaged: false,
    NetworkInterfaceIds: [],
    DnsEntries: [],
    CreationTimestamp: new Date(ctx.clock.now()).toISOString(),
    OwnerId: ctx.accountId,
    _dnsSuffix: createHash("sha256").update(id).digest("hex").slice(0, 8),
  };
  if (type === "Gateway") {
    if (input.SubnetIds?.length || input.SecurityGroupIds?.length) {
      throw errors.invalidParameter("Subnets and security groups are not supported for Gateway VPC endpoints.");
    }
    const pl = prefixListFor(ctx.region, input.ServiceName)!;
    const tables = [...new Set(input.RouteTableIds ?? [])].map((t) => ownedRouteTable(ctx, vpc.VpcId, t));
    for (const t of tables) assertNoPrefixListRoute(t, pl);
    checkDryRun(input);
    for (const t of tables) addGatewayRoute(ctx, t, pl, id);
    doc.RouteTableIds = tables.map((t) => t.RouteTableId);
  } else {
    if (input.RouteTableIds?.length) throw errors.invalidParameter("Route tables are not supported for Interface VPC endpoints.");
    const subnets = subnetsOf(ctx, vpc.VpcId, [...new Set(input.SubnetIds ?? [])]);
    const groups = resolveGroups(ctx, vpc.VpcId, subnets[0]?.SubnetId ?? "", input.SecurityGroupIds);
    const privateDns = input.PrivateDnsEnabled ?? true;
    if (privateDns) requirePrivateDnsSupport(ctx, vpc.VpcId);
    checkDryRun(input);
    doc.PrivateDnsEnabled = privateDns;
    doc.Groups = groups.map((g) => ({ GroupId: g.GroupId!, GroupName: g.GroupName! }));
    doc.SubnetIds = subnets.map((s) => s.SubnetId);
    doc.NetworkInterfaceIds = subnets.map((s) => endpointEni(ctx, id, s, groups));
    doc.State = "available";
    doc.DnsEntries = dnsEntries(ctx, doc);
  }
  putResource(ctx.store, scope, VPCE, id, doc, { parent: vpc.VpcId });
  const tags = applyTagSpecifications(ctx.store, scope, VPCE, id, input.TagSpecifications);
  return {
    VpcEndpoint: { ...out(doc), State: (type === "Interface" ? "pending" : "available") as VpcEndpoint["State"], ...(tags.length ? { Tags: tags } : {}) },
    ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}),
  };
});

const endpointFilters: FilterTable<EndpointDoc> = {
  "ip-address-type": (d) => d.IpAddressType,
  "service-name": (d) => d.ServiceName,
  "service-region": (d) => d.ServiceName.split(".")[2],
  state: (d) => d.State,
  "vpc-id": (d) => d.VpcId,
  "vpc-endpoint-id": (d) => d.VpcEndpointId,
  "vpc-endpoint-state": (d) => d.State,
  "vpc-endpoint-type": (d) => d.VpcEndpointType,
};

export const describeVpcEndpoints = defineOp("DescribeVpcEndpoints", (input, ctx) => {
  const page = describe<EndpointDoc>(
    ctx.store,
    scopeOf(ctx),
    { type: VPCE, idOf: (d) => d.VpcEndpointId, notFound: (id) => notFound(VPCE, id), filters: endpointFilters, paging: { min: 5, max: 1000 } },
    { ids: input.VpcEndpointIds, idsParameter: "vpcEndpointIds", filters: input.Filters, maxResults: input.MaxResults, nextToken: input.NextToken },
  );
  checkDryRun(input);
  return { VpcEndpoints: page.items.map((d) => ({ ...out(d), ...(d.Tags ? { Tags: d.Tags } : {}) })), NextToken: page.nextToken };
});

const ownedEndpoint = (ctx: OperationContext, id: string | undefined): EndpointDoc => {
  if (!id) throw errors.missing("VpcEndpointId");
  const d = getResource<EndpointDoc>(ctx.store, scopeOf(ctx), VPCE, id, { owned: true });
  if (!d) throw notFound(VPCE, id);
  return d;
};

export const modifyVpcEndpoint = defineOp("ModifyVpcEndpoint", (input, ctx) => {
  const scope: Scope = scopeOf(ctx);
  const d = ownedEndpoint(ctx, input.VpcEndpointId);
  const gateway = d.VpcEndpointType === "Gateway";
  if (gateway && (input.AddSubnetIds?.length || input.AddSecurityGroupIds?.length || input.PrivateDnsEnabled !== undefined)) {
    throw errors.invalidParameter("Subnets, security groups and private DNS are not supported for Gateway VPC endpoints.");
  }
  if (!gateway && (input.AddRouteTableIds?.length || input.RemoveRouteTableIds?.length)) {
    throw errors.invalidParameter("Route tables are not supported for Interface VPC endpoints.");
  }
  if (input.PolicyDocument !== undefined) {
    try {
      JSON.parse(input.PolicyDocument);
    } catch {
      throw errors.invalidValue("The policy document is not valid JSON.");
    }
  }
  const pl = gateway ? prefixListFor(ctx.region, d.ServiceName)! : "";
  const addTables = [...new Set(input.AddRouteTableIds ?? [])].filter((t) => !d.RouteTableIds.includes(t)).map((t) => ownedRouteTable(ctx, d.VpcId, t));
  for (const t of addTables) assertNoPrefixListRoute(t, pl);
  for (const t of input.RemoveRouteTableIds ?? []) if (!d.RouteTableIds.includes(t)) throw notFound("route-table", t);
  const removeSubnets = new Set(input.RemoveSubnetIds ?? []);
  for (const s of removeSubnets) if (!d.SubnetIds.includes(s)) throw notFound("subnet", s);
  const keptSubnets = d.SubnetIds.filter((s) => !removeSubnets.has(s)).map((s) => getResource<SubnetDoc>(ctx.store, scope, "subnet", s)!).filter(Boolean);
  const addSubnets = subnetsOf(ctx, d.VpcId, [...new Set(input.AddSubnetIds ?? [])].filter((s) => !d.SubnetIds.includes(s)), keptSubnets);
  const removeGroups = new Set(input.RemoveSecurityGroupIds ?? []);
  const groupIds = [...d.Groups.map((g) => g.GroupId).filter((g) => !removeGroups.has(g)), ...(input.AddSecurityGroupIds ?? [])];
  const groups = gateway ? [] : groupIds.length ? resolveGroups(ctx, d.VpcId, d.SubnetIds[0] ?? "", groupIds) : [];
  if (!gateway && groupIds.length === 0 && (input.AddSecurityGroupIds || input.RemoveSecurityGroupIds)) {
    throw errors.invalidParameter("An Interface VPC endpoint must have at least one security group.");
  }
  if (input.PrivateDnsEnabled) requirePrivateDnsSupport(ctx, d.VpcId);
  checkDryRun(input);

  for (const t of addTables) addGatewayRoute(ctx, t, pl, d.VpcEndpointId);
  for (const t of input.RemoveRouteTableIds ?? []) removeGatewayRoute(ctx, t, d.VpcEndpointId);
  const enis = new Map(d.SubnetIds.map((s, i) => [s, d.NetworkInterfaceIds[i]] as const));
  for (const s of removeSubnets) {
    const eni = getResource<EniDoc>(ctx.store, scope, "network-interface", enis.get(s)!);
    if (eni) destroyEni(ctx, eni);
    enis.delete(s);
  }
  const finalGroups = gateway ? [] : groups.length ? groups : d.Groups;
  for (const s of addSubnets) enis.set(s.SubnetId, endpointEni(ctx, d.VpcEndpointId, s, finalGroups));
  if (!gateway && (input.AddSecurityGroupIds || input.RemoveSecurityGroupIds)) {
    for (const eniId of enis.values()) {
      updateResource<EniDoc>(ctx.store, scope, "network-interface", eniId, (e) => {
        e.Groups = finalGroups;
      });
    }
  }
  updateResource<EndpointDoc>(ctx.store, scope, VPCE, d.VpcEndpointId, (n) => {
    n.RouteTableIds = [...n.RouteTableIds.filter((t) => !(input.RemoveRouteTableIds ?? []).includes(t)), ...addTables.map((t) => t.RouteTableId)];
    n.SubnetIds = [...enis.keys()];
    n.NetworkInterfaceIds = [...enis.values()];
    n.Groups = finalGroups.map((g) => ({ GroupId: g.GroupId!, GroupName: g.GroupName! }));
    if (input.ResetPolicy) n.PolicyDocument = DEFAULT_POLICY;
    if (input.PolicyDocument !== undefined) n.PolicyDocument = input.PolicyDocument;
    if (input.PrivateDnsEnabled !== undefined) n.PrivateDnsEnabled = input.PrivateDnsEnabled;
    if (!gateway) n.DnsEntries = dnsEntries(ctx, n);
  });
  return { Return: true };
});

/** Removes an endpoint with its routes (gateway) or its network interfaces (interface). */
const destroyEndpoint = (ctx: OperationContext, d: EndpointDoc): void => {
  for (const t of d.RouteTableIds) removeGatewayRoute(ctx, t, d.VpcEndpointId);
  for (const eniId of d.NetworkInterfaceIds) {
    const eni = getResource<EniDoc>(ctx.store, scopeOf(ctx), "network-interface", eniId);
    if (eni) destroyEni(ctx, eni);
  }
  deleteResource(ctx.store, d.VpcEndpointId);
};

export const deleteVpcEndpoints = defineOp("DeleteVpcEndpoints", (input, ctx) => {
  const ids = input.VpcEndpointIds ?? [];
  if (ids.length === 0) throw errors.missing("VpcEndpointId");
  checkDryRun(input);
  const unsuccessful = [];
  for (const id of ids) {
    const d = getResource<EndpointDoc>(ctx.store, scopeOf(ctx), VPCE, id, { owned: true });
    if (!d) {
      const e = notFound(VPCE, id);
      unsuccessful.push({ ResourceId: id, Error: { Code: e.code, Message: e.message } });
      continue;
    }
    destroyEndpoint(ctx, d);
  }
  return { Unsuccessful: unsuccessful };
});

export const endpointOperations = [describeVpcEndpointServices, createVpcEndpoint, describeVpcEndpoints, modifyVpcEndpoint, deleteVpcEndpoints];
