/**
 * Turns the path engine's result (src/engines/reachability/result.ts) into Reachability Analyzer's
 * wire shapes: PathComponent and Explanation of the EC2 API
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_PathComponent.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Explanation.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AnalysisPacketHeader.html).
 * Components get ARNs of their owner's account and Region (arn:aws:ec2:<region>:<account>:<type>/<id>).
 */
import type { AnalysisComponent, AnalysisPacketHeader, Explanation, PathComponent } from "@aws-sdk/client-ec2";
import type * as engine from "../../../engines/reachability/index.js";

export interface Owner {
  readonly accountId?: string;
  readonly region?: string;
}

/** id → owner, and the facts a component needs (subnet and VPC of an interface). */
export class NetworkIndex {
  private readonly owners = new Map<string, Owner>();
  private readonly eniSubnet = new Map<string, string>();
  private readonly subnetVpc = new Map<string, string>();
  private readonly aclVpc = new Map<string, string>();
  private readonly sgVpc = new Map<string, string>();
  private readonly rtbVpc = new Map<string, string>();
  readonly enis = new Map<string, engine.NetworkInterface>();
  readonly subnets = new Map<string, engine.Subnet>();
  readonly vpcs = new Map<string, engine.Vpc>();
  /** Address → interfaces holding it (private IPv4, IPv6 and public IPv4). */
  private readonly byAddress = new Map<string, engine.NetworkInterface[]>();
  /** VPC → its default network ACL. */
  readonly defaultAcl = new Map<string, string>();
  readonly peerings = new Map<string, engine.VpcPeeringConnection>();
  readonly endpoints = new Map<string, engine.VpcEndpoint>();
  /**
   * A NAT gateway by its own network interface. The interface is an ENI of the model too (the vpc
   * family creates it, requester-managed, InterfaceType nat_gateway), but its address is the
   * gateway's: it is not indexed by address, and the engine routes by the NatGateway. This map
   * answers for NAT gateways whose interface is not in the store (stores written before it was).
   */
  private readonly natByInterface = new Map<string, engine.NatGateway>();

  constructor(readonly network: engine.Network) {
    const add = (items: readonly ({ id: string } & Owner)[] | undefined) => {
      for (const i of items ?? []) this.owners.set(i.id, { accountId: i.accountId, region: i.region });
    };
    add(network.vpcs);
    add(network.subnets);
    add(network.routeTables);
    add(network.networkInterfaces);
    add(network.securityGroups);
    add(network.networkAcls);
    add(network.internetGateways);
    add(network.egressOnlyInternetGateways);
    add(network.natGateways);
    add(network.transitGateways);
    add(network.transitGatewayAttachments);
    add(network.transitGatewayRouteTables);
    add(network.vpcEndpoints);
    for (const e of network.networkInterfaces) {
      this.eniSubnet.set(e.id, e.subnetId);
      this.enis.set(e.id, e);
      if (e.interfaceType !== "nat_gateway") {
        for (const a of [...e.privateIpAddresses, ...(e.ipv6Addresses ?? []), ...(e.publicIp ? [e.publicIp] : [])]) {
          const list = this.byAddress.get(a);
          if (list) list.push(e);
          else this.byAddress.set(a, [e]);
        }
      }
      if (e.attachment?.instanceId && !this.owners.has(e.attachment.instanceId)) this.owners.set(e.attachment.instanceId, { accountId: e.accountId, region: e.region });
    }
    for (const s of network.subnets) {
      this.subnetVpc.set(s.id, s.vpcId);
      this.subnets.set(s.id, s);
    }
    for (const v of network.vpcs) this.vpcs.set(v.id, v);
    for (const a of network.networkAcls) {
      this.aclVpc.set(a.id, a.vpcId);
      if (a.isDefault) this.defaultAcl.set(a.vpcId, a.id);
    }
    for (const p of network.vpcPeeringConnections ?? []) this.peerings.set(p.id, p);
    for (const ep of network.vpcEndpoints ?? []) this.endpoints.set(ep.id, ep);
    for (const n of network.natGateways ?? []) if (n.networkInterfaceId) this.natByInterface.set(n.networkInterfaceId, n);
    for (const g of network.securityGroups) this.sgVpc.set(g.id, g.vpcId);
    for (const t of network.routeTables) this.rtbVpc.set(t.id, t.vpcId);
  }

  owner(id: string): Owner | undefined {
    return this.owners.get(id);
  }
  subnetOfEni(id: string): string | undefined {
    return this.eniSubnet.get(id);
  }
  vpcOf(id: string): string | undefined {
    if (id.startsWith("subnet-")) return this.subnetVpc.get(id);
    if (id.startsWith("eni-")) {
      const s = this.eniSubnet.get(id);
      return s ? this.subnetVpc.get(s) : undefined;
    }
    return this.aclVpc.get(id) ?? this.sgVpc.get(id) ?? this.rtbVpc.get(id) ?? (id.startsWith("vpc-") ? id : undefined);
  }
  /** The primary interface of an instance. */
  primaryEniOf(instanceId: string): engine.NetworkInterface | undefined {
    let best: engine.NetworkInterface | undefined;
    for (const e of this.enis.values()) {
      if (e.attachment?.instanceId !== instanceId) continue;
      if (!best || (e.attachment.deviceIndex ?? 99) < (best.attachment?.deviceIndex ?? 99)) best = e;
    }
    return best;
  }
  /**
   * What a flow log record says about an interface: owner, Region, subnet, attached instance and
   * addresses (primary private IPv4 first). Interfaces of the model and NAT gateways' interfaces.
   */
  interfaceOf(id: string): InterfaceFacts | undefined {
    const eni = this.enis.get(id);
    if (eni) {
      return {
        accountId: eni.accountId,
        region: eni.region,
        subnetId: eni.subnetId,
        instanceId: eni.attachment?.instanceId,
        v4: eni.privateIpAddresses,
        v6: eni.ipv6Addresses ?? [],
      };
    }
    const nat = this.natByInterface.get(id);
    if (nat) return { accountId: nat.accountId, region: nat.region, subnetId: nat.subnetId, v4: [nat.privateIp], v6: [] };
    return undefined;
  }
  /** The interface (in the caller's scope first) that owns an address. */
  eniByAddress(ip: string, prefer?: Owner): engine.NetworkInterface | undefined {
    const list = this.byAddress.get(ip);
    if (!list) return undefined;
    return (prefer && list.find((e) => e.accountId === prefer.accountId && e.region === prefer.region)) || list[0];
  }
}

export interface InterfaceFacts {
  readonly accountId?: string;
  readonly region?: string;
  readonly subnetId: string;
  readonly instanceId?: string;
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

const ARN_TYPES: Partial<Record<engine.ComponentType, string>> = {
  "network-interface": "network-interface",
  "security-group": "security-group",
  "network-acl": "network-acl",
  "route-table": "route-table",
  "internet-gateway": "internet-gateway",
  "egress-only-internet-gateway": "egress-only-internet-gateway",
  "nat-gateway": "natgateway",
  "vpc-peering-connection": "vpc-peering-connection",
  "transit-gateway": "transit-gateway",
  "transit-gateway-attachment": "transit-gateway-attachment",
  "transit-gateway-route-table": "transit-gateway-route-table",
  "vpc-endpoint": "vpc-endpoint",
  vpc: "vpc",
  subnet: "subnet",
};

const typeOfId = (id: string): string | undefined => {
  const prefixes: Array<[string, string]> = [
    ["tgw-attach-", "transit-gateway-attachment"], ["tgw-rtb-", "transit-gateway-route-table"], ["tgw-", "transit-gateway"],
    ["eni-", "network-interface"], ["sg-", "security-group"], ["acl-", "network-acl"], ["rtb-", "route-table"], ["igw-", "internet-gateway"],
    ["eigw-", "egress-only-internet-gateway"], ["nat-", "natgateway"], ["pcx-", "vpc-peering-connection"], ["vpce-", "vpc-endpoint"],
    ["vpc-", "vpc"], ["subnet-", "subnet"], ["i-", "instance"],
  ];
  return prefixes.find(([p]) => id.startsWith(p))?.[1];
};

export const componentOf = (ix: NetworkIndex, id: string, type?: engine.ComponentType): AnalysisComponent => {
  const arnType = (type && ARN_TYPES[type]) ?? typeOfId(id);
  const o = ix.owner(id);
  return { Id: id, ...(arnType && o?.accountId ? { Arn: `arn:aws:ec2:${o.region}:${o.accountId}:${arnType}/${id}` } : {}) };
};

const PROTOCOL_NAMES: Record<number, string> = { 6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6" };
const protocolName = (p: number | string): string => (typeof p === "number" ? (PROTOCOL_NAMES[p] ?? String(p)) : p);

export const headerOf = (p: engine.PacketHeader): AnalysisPacketHeader => ({
  Protocol: protocolName(p.protocol),
  SourceAddresses: [p.sourceAddress],
  DestinationAddresses: [p.destinationAddress],
  ...(p.sourcePort !== undefined ? { SourcePortRanges: [{ From: p.sourcePort, To: p.sourcePort }] } : {}),
  ...(p.destinationPort !== undefined ? { DestinationPortRanges: [{ From: p.destinationPort, To: p.destinationPort }] } : {}),
});

const aclRuleOf = (r: NonNullable<engine.PathComponent["aclRule"]>, egress: boolean) => ({
  RuleNumber: r.ruleNumber,
  RuleAction: r.ruleAction,
  Egress: r.entry?.egress ?? egress,
  Protocol: r.entry?.protocol ?? "-1",
  ...(r.entry?.cidrBlock ?? r.entry?.ipv6CidrBlock ? { Cidr: r.entry?.cidrBlock ?? r.entry?.ipv6CidrBlock } : { Cidr: egress ? "0.0.0.0/0" : "0.0.0.0/0" }),
  ...(r.entry?.portRange ? { PortRange: { From: r.entry.portRange.from, To: r.entry.portRange.to } } : {}),
});

/** Engine path components → EC2 PathComponent[] (the internet and service end points are not components in AWS). */
export const pathComponentsOf = (ix: NetworkIndex, hops: readonly engine.PathComponent[]): PathComponent[] => {
  const out: PathComponent[] = [];
  hops.forEach((h, i) => {
    if (h.componentType === "internet" || h.componentType === "service") return;
    // The packet as it arrives (the previous hop's) and as it leaves (this hop's, after any
    // translation: an internet gateway maps the public address to the private one, a NAT gateway
    // the private source to its own).
    const arriving = i > 0 ? hops[i - 1].packet : h.packet;
    const vpc = ix.vpcOf(h.componentId);
    const subnet = h.componentType === "network-interface" ? ix.subnetOfEni(h.componentId) : undefined;
    const sgr = h.securityGroupRule;
    const route = h.routeTableRoute?.route;
    const tgwr = h.transitGatewayRoute;
    out.push({
      SequenceNumber: out.length + 1,
      Component: componentOf(ix, h.componentId, h.componentType),
      InboundHeader: headerOf(arriving),
      OutboundHeader: headerOf(h.packet),
      ...(vpc && h.componentType !== "vpc" ? { Vpc: componentOf(ix, vpc, "vpc") } : {}),
      ...(subnet ? { Subnet: componentOf(ix, subnet, "subnet") } : {}),
      ...(h.aclRule ? { AclRule: aclRuleOf(h.aclRule, h.direction === "egress") } : {}),
      ...(sgr
        ? {
            SecurityGroupRule: {
              Direction: h.direction ?? "egress",
              SecurityGroupId: sgr.groupId,
              Protocol: sgr.rule.ipProtocol,
              ...(sgr.rule.cidrIpv4 ?? sgr.rule.cidrIpv6 ? { Cidr: sgr.rule.cidrIpv4 ?? sgr.rule.cidrIpv6 } : {}),
              ...(sgr.rule.prefixListId ? { PrefixListId: sgr.rule.prefixListId } : {}),
              ...(sgr.rule.fromPort !== undefined && sgr.rule.fromPort !== -1 ? { PortRange: { From: sgr.rule.fromPort, To: sgr.rule.toPort ?? sgr.rule.fromPort } } : {}),
            },
          }
        : {}),
      ...(route
        ? {
            RouteTableRoute: {
              ...(route.destinationCidrBlock ?? route.destinationIpv6CidrBlock ? { DestinationCidr: route.destinationCidrBlock ?? route.destinationIpv6CidrBlock } : {}),
              ...(route.destinationPrefixListId ? { DestinationPrefixListId: route.destinationPrefixListId } : {}),
              ...(route.gatewayId ? { GatewayId: route.gatewayId } : {}),
              ...(route.egressOnlyInternetGatewayId ? { EgressOnlyInternetGatewayId: route.egressOnlyInternetGatewayId } : {}),
              ...(route.natGatewayId ? { NatGatewayId: route.natGatewayId } : {}),
              ...(route.instanceId ? { InstanceId: route.instanceId } : {}),
              ...(route.networkInterfaceId ? { NetworkInterfaceId: route.networkInterfaceId } : {}),
              ...(route.vpcPeeringConnectionId ? { VpcPeeringConnectionId: route.vpcPeeringConnectionId } : {}),
              ...(route.transitGatewayId ? { TransitGatewayId: route.transitGatewayId } : {}),
              Origin: h.routeTableRoute?.implicitLocal || route.gatewayId === "local" ? "CreateRouteTable" : "CreateRoute",
              State: route.state ?? "active",
            },
          }
        : {}),
      ...(tgwr
        ? {
            TransitGatewayRouteTableRoute: {
              DestinationCidr: tgwr.route.destinationCidrBlock,
              State: tgwr.route.state ?? "active",
              RouteOrigin: tgwr.origin,
              ...(tgwr.route.transitGatewayAttachmentId ? { AttachmentId: tgwr.route.transitGatewayAttachmentId } : {}),
            },
          }
        : {}),
    });
  });
  return out;
};

/** Engine explanations → EC2 Explanation[]. */
export const explanationsOf = (ix: NetworkIndex, list: readonly engine.Explanation[]): Explanation[] =>
  list.map((e): Explanation => {
    const vpc = ix.vpcOf(e.componentId);
    const eniSubnet = e.componentType === "network-interface" ? ix.subnetOfEni(e.componentId) : undefined;
    return {
      ExplanationCode: e.explanationCode,
      Component: componentOf(ix, e.componentId, e.componentType),
      ...(e.direction ? { Direction: e.direction } : {}),
      ...(vpc ? { Vpc: componentOf(ix, vpc, "vpc") } : {}),
      ...(eniSubnet ? { Subnet: componentOf(ix, eniSubnet, "subnet"), NetworkInterface: componentOf(ix, e.componentId, "network-interface") } : {}),
      ...(e.componentType === "network-acl" ? { Acl: componentOf(ix, e.componentId, "network-acl") } : {}),
      ...(e.aclRule ? { AclRule: aclRuleOf(e.aclRule, e.direction === "egress") } : {}),
      ...(e.securityGroupIds?.length ? { SecurityGroups: e.securityGroupIds.map((g) => componentOf(ix, g, "security-group")) } : {}),
      ...(e.routeTableId ? { RouteTable: componentOf(ix, e.routeTableId, "route-table") } : {}),
      ...(e.componentType === "internet-gateway" ? { InternetGateway: componentOf(ix, e.componentId, "internet-gateway") } : {}),
      ...(e.componentType === "nat-gateway" ? { NatGateway: componentOf(ix, e.componentId, "nat-gateway") } : {}),
      ...(e.componentType === "vpc-peering-connection" ? { VpcPeeringConnection: componentOf(ix, e.componentId, "vpc-peering-connection") } : {}),
      ...(e.componentType === "transit-gateway" ? { TransitGateway: componentOf(ix, e.componentId, "transit-gateway") } : {}),
      ...(e.componentType === "vpc-endpoint" ? { VpcEndpoint: componentOf(ix, e.componentId, "vpc-endpoint") } : {}),
    };
  });
