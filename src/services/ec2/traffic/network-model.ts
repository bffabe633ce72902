/**
 * Builds the path engine's Network (src/engines/reachability/model.ts) from the EC2 resource
 * store, for every account and Region that holds EC2 resources: VPC peering and transit gateway
 * peering cross Regions and accounts, shared subnets hold other accounts' interfaces, so one model
 * spans them all (the engine keys everything by globally unique ids, as AWS does). Resources of
 * unrelated accounts cannot be reached anyway: nothing routes between them.
 *
 * Caching: the build reads every EC2 row, the compile indexes them; both are done once per network
 * version (store.ts: a trigger-maintained counter over ec2_resources) and kept per store in a
 * WeakMap (no module-level state holds resources: a new store starts empty). A request that finds
 * the version unchanged reuses the compiled network: one primary-key read.
 *
 * What it does not do: decide who may ask. Callers (the Reachability Analyzer operations, the
 * probe route) check that the source and destination are visible to the caller first.
 */
import type { StorePort } from "../../../core/index.js";
import { compileNetwork, type CompiledNetwork } from "../../../engines/reachability/index.js";
import type * as model from "../../../engines/reachability/model.js";
import { listResources, type Scope } from "../foundation/index.js";
import { networkAclModels, securityGroupModels, subnetNetworkAclIds } from "../security/index.js";
import { awsManagedLists } from "../security/prefix-list-store.js";
import { routeState, type RouteTableDoc, type SubnetDoc, type VpcDoc } from "../vpc/index.js";
import { NetworkIndex } from "./components.js";
import { networkVersion, resourceScopes } from "./store.js";

interface EniDoc {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  OwnerId?: string;
  AvailabilityZoneId?: string;
  InterfaceType?: string;
  SourceDestCheck?: boolean;
  PrivateIpAddress?: string;
  PrivateIpAddresses?: Array<{ PrivateIpAddress?: string; Primary?: boolean; Association?: { PublicIp?: string } }>;
  Ipv6Addresses?: Array<{ Ipv6Address?: string }>;
  Association?: { PublicIp?: string };
  Groups?: Array<{ GroupId?: string }>;
  Attachment?: { InstanceId?: string; DeviceIndex?: number; Status?: string };
}
interface InstanceDoc {
  InstanceId: string;
  State?: { Name?: string };
  SubnetId?: string;
  VpcId?: string;
  Placement?: { AvailabilityZone?: string };
}
interface IgwDoc {
  InternetGatewayId: string;
  Attachments?: Array<{ VpcId?: string; State?: string }>;
}
interface EigwDoc {
  EgressOnlyInternetGatewayId: string;
  Attachments?: Array<{ VpcId?: string; State?: string }>;
}
interface NatDoc {
  NatGatewayId: string;
  SubnetId: string;
  ConnectivityType?: string;
  State?: string;
  NatGatewayAddresses?: Array<{ PrivateIp?: string; PublicIp?: string; IsPrimary?: boolean; NetworkInterfaceId?: string }>;
}
interface EipDoc {
  PublicIp: string;
  NetworkInterfaceId?: string;
  PrivateIpAddress?: string;
}
interface PcxDoc {
  VpcPeeringConnectionId: string;
  Status: { Code: string };
  RequesterVpcInfo: { VpcId: string };
  AccepterVpcInfo: { VpcId: string };
  ExpirationTime?: string;
}
interface TgwDoc {
  TransitGatewayId: string;
  State?: string;
}
interface TgwRtbDoc {
  TransitGatewayRouteTableId: string;
  TransitGatewayId: string;
  State?: string;
  _routes?: Array<{ cidr: string; attachmentId?: string; blackhole?: boolean }>;
}
interface AttDoc {
  TransitGatewayAttachmentId: string;
  ResourceType: "vpc" | "peering";
  State: string;
  _tgw: string;
  _vpc?: { VpcId: string; SubnetIds: string[] };
  _peer?: { RequesterTgwInfo: { TransitGatewayId: string }; AccepterTgwInfo: { TransitGatewayId: string } };
  _assoc?: Record<string, string>;
  _prop?: Record<string, string[]>;
  /** VPC attachments: the attachment's network interfaces, in _vpc.SubnetIds order. */
  _enis?: string[];
}
interface EndpointDoc {
  VpcEndpointId: string;
  VpcEndpointType: "Gateway" | "Interface";
  VpcId: string;
  ServiceName: string;
  State?: string;
  RouteTableIds?: string[];
  NetworkInterfaceIds?: string[];
}
interface PrefixListDoc {
  PrefixListId: string;
  PrefixListName?: string;
  AddressFamily?: string;
  _versions?: Array<{ version: number; entries: Array<{ Cidr?: string; Description?: string }> }>;
}

const owned = (scope: Scope) => ({ accountId: scope.accountId, region: scope.region });

/** Reads every scope's resources into one engine Network. */
export const buildNetwork = (store: StorePort, version?: string): model.Network => {
  const scopes = resourceScopes(store);
  const vpcs: model.Vpc[] = [];
  const subnets: model.Subnet[] = [];
  const routeTables: model.RouteTable[] = [];
  const networkInterfaces: model.NetworkInterface[] = [];
  const securityGroups = new Map<string, model.SecurityGroup>();
  const networkAcls = new Map<string, model.NetworkAcl>();
  const internetGateways: model.InternetGateway[] = [];
  const egressOnlyInternetGateways: model.EgressOnlyInternetGateway[] = [];
  const natGateways: model.NatGateway[] = [];
  const prefixLists = new Map<string, model.ManagedPrefixList>();
  const vpcPeeringConnections: model.VpcPeeringConnection[] = [];
  const transitGateways: model.TransitGateway[] = [];
  const transitGatewayAttachments: model.TransitGatewayAttachment[] = [];
  const tgwRtbs: Array<{ doc: TgwRtbDoc; scope: Scope }> = [];
  const attachments: AttDoc[] = [];
  const vpcEndpoints: model.VpcEndpoint[] = [];
  const regions = new Set<string>();

  for (const scope of scopes) {
    regions.add(scope.region);
    const list = <T>(type: string) => listResources<T>(store, scope, type, { includeShared: false });
    const o = owned(scope);

    for (const v of list<VpcDoc>("vpc")) {
      const cidrs = (v.CidrBlockAssociationSet ?? [])
        .filter((a) => (a.CidrBlockState?.State ?? "associated") === "associated" && a.CidrBlock)
        .map((a) => a.CidrBlock!);
      const v6 = (v.Ipv6CidrBlockAssociationSet ?? [])
        .filter((a) => (a.Ipv6CidrBlockState?.State ?? "associated") === "associated" && a.Ipv6CidrBlock)
        .map((a) => a.Ipv6CidrBlock!);
      vpcs.push({ ...o, id: v.VpcId, cidrBlocks: cidrs.length ? cidrs : [v.CidrBlock], ...(v6.length ? { ipv6CidrBlocks: v6 } : {}) });
    }

    const tables = list<RouteTableDoc>("route-table");
    const explicit = new Map<string, string>();
    for (const t of tables) for (const a of t.Associations ?? []) if (a.SubnetId) explicit.set(a.SubnetId, t.RouteTableId);
    const acls = subnetNetworkAclIds(store, scope);
    for (const s of list<SubnetDoc>("subnet")) {
      const v6 = (s.Ipv6CidrBlockAssociationSet ?? [])
        .filter((a) => (a.Ipv6CidrBlockState?.State ?? "associated") === "associated" && a.Ipv6CidrBlock)
        .map((a) => a.Ipv6CidrBlock!);
      subnets.push({
        ...o,
        id: s.SubnetId,
        vpcId: s.VpcId,
        availabilityZoneId: s.AvailabilityZoneId,
        cidrBlock: s.CidrBlock,
        ...(v6.length ? { ipv6CidrBlocks: v6 } : {}),
        ...(explicit.has(s.SubnetId) ? { routeTableId: explicit.get(s.SubnetId) } : {}),
        ...(acls.has(s.SubnetId) ? { networkAclId: acls.get(s.SubnetId) } : {}),
      });
    }
    for (const t of tables) {
      routeTables.push({
        ...o,
        id: t.RouteTableId,
        vpcId: t.VpcId,
        main: (t.Associations ?? []).some((a) => a.Main),
        routes: t.Routes.map((r) => ({
          ...(r.DestinationCidrBlock ? { destinationCidrBlock: r.DestinationCidrBlock } : {}),
          ...(r.DestinationIpv6CidrBlock ? { destinationIpv6CidrBlock: r.DestinationIpv6CidrBlock } : {}),
          ...(r.DestinationPrefixListId ? { destinationPrefixListId: r.DestinationPrefixListId } : {}),
          ...(r.GatewayId ? { gatewayId: r.GatewayId } : {}),
          ...(r.EgressOnlyInternetGatewayId ? { egressOnlyInternetGatewayId: r.EgressOnlyInternetGatewayId } : {}),
          ...(r.NatGatewayId ? { natGatewayId: r.NatGatewayId } : {}),
          ...(r.InstanceId ? { instanceId: r.InstanceId } : {}),
          ...(r.NetworkInterfaceId ? { networkInterfaceId: r.NetworkInterfaceId } : {}),
          ...(r.VpcPeeringConnectionId ? { vpcPeeringConnectionId: r.VpcPeeringConnectionId } : {}),
          ...(r.TransitGatewayId ? { transitGatewayId: r.TransitGatewayId } : {}),
          // Peering connections across Regions are not visible to routeState's Region-scoped
          // lookup; the engine checks the connection's status itself, so trust it there.
          state: r.VpcPeeringConnectionId ? "active" : routeState(store, scope, t, r),
        })),
      });
    }

    const eips = new Map<string, string>();
    for (const a of list<EipDoc>("elastic-ip")) if (a.NetworkInterfaceId && a.PrivateIpAddress) eips.set(`${a.NetworkInterfaceId}/${a.PrivateIpAddress}`, a.PublicIp);
    for (const e of list<EniDoc>("network-interface")) {
      const addrs = [...(e.PrivateIpAddresses ?? [])].sort((a, b) => Number(!!b.Primary) - Number(!!a.Primary));
      const ips = addrs.map((a) => a.PrivateIpAddress!).filter(Boolean);
      if (ips.length === 0 && e.PrivateIpAddress) ips.push(e.PrivateIpAddress);
      const primary = ips[0];
      const publicIp = e.Association?.PublicIp ?? addrs[0]?.Association?.PublicIp ?? (primary ? eips.get(`${e.NetworkInterfaceId}/${primary}`) : undefined);
      const v6 = (e.Ipv6Addresses ?? []).map((a) => a.Ipv6Address!).filter(Boolean);
      networkInterfaces.push({
        accountId: e.OwnerId ?? scope.accountId,
        region: scope.region,
        id: e.NetworkInterfaceId,
        subnetId: e.SubnetId,
        privateIpAddresses: ips,
        ...(v6.length ? { ipv6Addresses: v6 } : {}),
        ...(publicIp ? { publicIp } : {}),
        securityGroupIds: (e.Groups ?? []).map((g) => g.GroupId!).filter(Boolean),
        ...(e.Attachment ? { attachment: { instanceId: e.Attachment.InstanceId, deviceIndex: e.Attachment.DeviceIndex, status: e.Attachment.Status } } : {}),
        ...(e.InterfaceType ? { interfaceType: e.InterfaceType } : {}),
        ...(e.SourceDestCheck === false ? { sourceDestCheck: false } : {}),
      });
    }

    for (const g of securityGroupModels(store, scope)) if (!securityGroups.has(g.id)) securityGroups.set(g.id, g);
    for (const a of networkAclModels(store, scope)) if (!networkAcls.has(a.id)) networkAcls.set(a.id, a);

    for (const g of list<IgwDoc>("internet-gateway")) {
      const att = (g.Attachments ?? []).find((a) => a.VpcId && (a.State === undefined || a.State === "available" || a.State === "attached"));
      internetGateways.push({ ...o, id: g.InternetGatewayId, ...(att ? { attachedVpcId: att.VpcId } : {}) });
    }
    for (const g of list<EigwDoc>("egress-only-internet-gateway")) {
      const att = (g.Attachments ?? []).find((a) => a.VpcId && (a.State === undefined || a.State === "attached" || a.State === "available"));
      egressOnlyInternetGateways.push({ ...o, id: g.EgressOnlyInternetGatewayId, ...(att ? { attachedVpcId: att.VpcId } : {}) });
    }
    for (const n of list<NatDoc>("natgateway")) {
      const addr = (n.NatGatewayAddresses ?? []).find((a) => a.IsPrimary !== false) ?? n.NatGatewayAddresses?.[0];
      if (!addr?.PrivateIp) continue;
      natGateways.push({
        ...o,
        id: n.NatGatewayId,
        subnetId: n.SubnetId,
        connectivityType: n.ConnectivityType === "private" ? "private" : "public",
        privateIp: addr.PrivateIp,
        ...(addr.PublicIp ? { publicIp: addr.PublicIp } : {}),
        ...(n.State ? { state: n.State } : {}),
        // Flow logs record on the NAT gateway's interface (flow-logs-records-examples.html, "Traffic through a NAT gateway").
        ...(addr.NetworkInterfaceId ? { networkInterfaceId: addr.NetworkInterfaceId } : {}),
      });
    }
    for (const p of list<PrefixListDoc>("prefix-list")) {
      const current = p._versions?.[p._versions.length - 1]?.entries ?? [];
      prefixLists.set(p.PrefixListId, {
        ...o,
        id: p.PrefixListId,
        name: p.PrefixListName,
        addressFamily: p.AddressFamily === "IPv6" ? "IPv6" : "IPv4",
        entries: current.filter((e) => e.Cidr).map((e) => ({ cidr: e.Cidr!, ...(e.Description ? { description: e.Description } : {}) })),
      });
    }
    for (const p of list<PcxDoc>("vpc-peering-connection")) {
      vpcPeeringConnections.push({
        id: p.VpcPeeringConnectionId,
        status: p.Status.Code,
        requesterVpcId: p.RequesterVpcInfo.VpcId,
        accepterVpcId: p.AccepterVpcInfo.VpcId,
      });
    }
    for (const t of list<TgwDoc>("transit-gateway")) transitGateways.push({ ...o, id: t.TransitGatewayId, ...(t.State ? { state: t.State } : {}) });
    for (const r of list<TgwRtbDoc>("transit-gateway-route-table")) tgwRtbs.push({ doc: r, scope });
    for (const a of list<AttDoc>("transit-gateway-attachment")) {
      attachments.push(a);
      if (a.ResourceType === "vpc") {
        transitGatewayAttachments.push({
          ...o,
          id: a.TransitGatewayAttachmentId,
          transitGatewayId: a._tgw,
          type: "vpc",
          vpcId: a._vpc?.VpcId,
          subnetIds: a._vpc?.SubnetIds ?? [],
          // Flow logs record on these (flow-logs-records-examples.html, "Traffic through a transit gateway").
          ...(a._enis?.length === a._vpc?.SubnetIds.length ? { networkInterfaceIds: a._enis } : {}),
          state: a.State,
        });
      } else {
        transitGatewayAttachments.push({
          ...o,
          id: a.TransitGatewayAttachmentId,
          transitGatewayId: a._peer?.RequesterTgwInfo.TransitGatewayId ?? a._tgw,
          type: "peering",
          peerTransitGatewayId: a._peer?.AccepterTgwInfo.TransitGatewayId,
          state: a.State,
        });
      }
    }
    for (const ep of list<EndpointDoc>("vpc-endpoint")) {
      const pl = ep.VpcEndpointType === "Gateway" ? awsManagedLists(scope.region).find((l) => l.list.PrefixListName === ep.ServiceName)?.list.PrefixListId : undefined;
      vpcEndpoints.push({
        ...o,
        id: ep.VpcEndpointId,
        vpcId: ep.VpcId,
        vpcEndpointType: ep.VpcEndpointType,
        serviceName: ep.ServiceName,
        ...(pl ? { prefixListId: pl } : {}),
        ...(ep.RouteTableIds?.length ? { routeTableIds: ep.RouteTableIds } : {}),
        ...(ep.NetworkInterfaceIds?.length ? { networkInterfaceIds: ep.NetworkInterfaceIds } : {}),
        ...(ep.State ? { state: ep.State } : {}),
      });
    }
  }

  // AWS-managed prefix lists (computed per Region, never stored).
  for (const region of regions) {
    for (const l of awsManagedLists(region)) {
      prefixLists.set(l.list.PrefixListId!, {
        accountId: "AWS",
        region,
        id: l.list.PrefixListId!,
        name: l.list.PrefixListName,
        addressFamily: "IPv4",
        entries: l.entries.map((e) => ({ cidr: e.Cidr! })),
        serviceName: l.list.PrefixListName,
      });
    }
  }

  // Transit gateway route tables: associations and propagations live on the attachments.
  const transitGatewayRouteTables: model.TransitGatewayRouteTable[] = tgwRtbs.map(({ doc, scope }) => {
    const associations: string[] = [];
    const propagations: string[] = [];
    for (const a of attachments) {
      if (a._assoc?.[doc.TransitGatewayId] === doc.TransitGatewayRouteTableId) associations.push(a.TransitGatewayAttachmentId);
      if (a._prop?.[doc.TransitGatewayId]?.includes(doc.TransitGatewayRouteTableId)) propagations.push(a.TransitGatewayAttachmentId);
    }
    return {
      ...owned(scope),
      id: doc.TransitGatewayRouteTableId,
      transitGatewayId: doc.TransitGatewayId,
      associations,
      propagations,
      routes: (doc._routes ?? []).map((r) =>
        r.blackhole || !r.attachmentId
          ? { destinationCidrBlock: r.cidr, state: "blackhole" as const }
          : { destinationCidrBlock: r.cidr, transitGatewayAttachmentId: r.attachmentId, state: "active" as const },
      ),
    };
  });

  return {
    ...(version !== undefined ? { version } : {}),
    vpcs,
    subnets,
    routeTables,
    networkInterfaces,
    securityGroups: [...securityGroups.values()],
    networkAcls: [...networkAcls.values()],
    internetGateways,
    egressOnlyInternetGateways,
    natGateways,
    prefixLists: [...prefixLists.values()],
    vpcPeeringConnections,
    transitGateways,
    transitGatewayAttachments,
    transitGatewayRouteTables,
    vpcEndpoints,
  };
};

export interface CurrentNetwork {
  version: string;
  network: model.Network;
  compiled: CompiledNetwork;
  index: NetworkIndex;
}
const cache = new WeakMap<StorePort, CurrentNetwork>();

/** The compiled network for the store's current version (rebuilt only when EC2 data changed). */
export const currentNetwork = (store: StorePort): CurrentNetwork => {
  const version = networkVersion(store);
  const hit = cache.get(store);
  if (hit && hit.version === version) return hit;
  const network = buildNetwork(store, version);
  const entry: CurrentNetwork = { version, network, compiled: compileNetwork(network), index: new NetworkIndex(network) };
  cache.set(store, entry);
  return entry;
};
