/**
 * The path walk: one flow (a connection: the request, then its reply), hop by hop, over any
 * `Lookup`. Pure: the network and the flow in, a `FlowResult` out.
 *
 * Request: source interface security group egress -> source subnet ACL outbound -> the source
 * subnet's route table (longest prefix match) -> the target (local delivery, NAT gateway,
 * internet or egress-only internet gateway, peering connection, transit gateway route tables
 * across peered transit gateways, gateway endpoint, appliance interface) -> destination subnet
 * ACL inbound -> destination interface security group ingress.
 * Reply: the same walk from the destination back to the source with the addresses and ports
 * swapped. Security groups are stateful: the reply passes them without a rule
 * (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Security.html). Network ACLs are
 * stateless: the reply must pass the destination subnet's outbound entries and the source
 * subnet's inbound entries on the client's ephemeral port
 * (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html). Route tables are
 * consulted again for the reply, so a peer VPC without a route back, or a public instance whose
 * subnet sends the internet to a NAT gateway, loses the reply.
 *
 * Rules reproduced on purpose:
 * - ACLs apply only when a packet crosses a subnet boundary (not between two interfaces of one
 *   subnet) (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html);
 * - a packet that arrives over a peering connection, a transit gateway attachment or a gateway
 *   is delivered by the VPC's local route only: no transitive peering, no edge-to-edge routing
 *   (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html);
 * - an internet gateway needs a public IPv4 (or an IPv6) on the interface and translates it;
 *   it refuses private destinations outbound and private sources inbound (IGW_* codes);
 * - an egress-only internet gateway carries IPv6 out and replies in, never new inbound traffic;
 * - a NAT gateway translates the source to its own address and accepts only replies; a public
 *   NAT gateway then goes out through the internet gateway with its Elastic IP;
 * - a gateway endpoint carries only TCP and ICMP echo (VPCE_GATEWAY_PROTOCOL_RESTRICTION);
 * - an interface that forwards (route target) must have source/destination check disabled;
 * - a security group reference matches the private addresses of the group's members in the same
 *   Region only: no references across inter-Region peering
 *   (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html);
 * - transit gateway attachments: the attachment subnet's ACL applies as AWS documents it
 *   (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html), and traffic from an
 *   Availability Zone where the attachment has no subnet cannot enter (TGW_ROUTE_AZ_RESTRICTION).
 *
 * DEVIATION (listed in README.md): NAT gateways keep the source port (AWS may remap it,
 * REMAP_EPHEMERAL_PORT); the walk stops at the first blocking component (Reachability Analyzer
 * may list several); see also attachmentSubnet().
 */
import {
  type Family,
  type Ip,
  isRfc1918,
  isRfc6598,
  nthAddress,
  parseCidr,
  parseIp,
} from "./ip.js";
import type { Holder, Lookup } from "./lookup.js";
import type { Flow, NetworkInterface, Route, Subnet, TransitGateway, TransitGatewayAttachment, Vpc, VpcEndpoint } from "./model.js";
import type { ComponentType, Explanation, ExplanationCode, FlowResult, PacketHeader, PathComponent } from "./result.js";
import { ICMP, ICMPV6, type Packet, TCP, isIcmp, hasPorts, protocolNumber } from "./semantics.js";

/**
 * Client port when the flow gives none. data/vpc-facts.json `ephemeralPorts`: inside the Linux
 * (32768-61000), Windows Server 2008+ (49152-65535) and NAT gateway/ELB/Lambda (1024-65535)
 * ranges; not in Windows Server 2003's (1025-5000): give srcPort for that.
 */
export const DEFAULT_EPHEMERAL_PORT = 49152;
/** Addresses of "the internet" when the flow names none (documentation ranges, RFC 5737/3849). */
export const INTERNET_CLIENT = { 4: "203.0.113.10", 6: "2001:db8:ffff:ffff::10" } as const;
export const INTERNET_SERVER = { 4: "203.0.113.20", 6: "2001:db8:ffff:ffff::20" } as const;

/** Thrown for a flow that cannot be evaluated (bad protocol, mixed address families...). */
export class ReachabilityInputError extends Error {
  override readonly name = "ReachabilityInputError";
}

type End =
  | { readonly kind: "eni"; readonly eni: NetworkInterface }
  | { readonly kind: "internet"; readonly via: { readonly type: "igw" | "eigw"; readonly id: string; readonly vpcId: string } }
  | { readonly kind: "service"; readonly endpoint: VpcEndpoint; readonly vpc: Vpc };

interface Arrival {
  readonly end: End;
  readonly pkt: Packet;
}

interface Xlate {
  readonly natId: string;
  readonly original: Ip;
  readonly translated: Ip;
}

interface Ctx {
  readonly ix: Lookup;
  readonly path: "forward" | "return";
  readonly hops: PathComponent[];
  /** NAT translations of the request, unwound by the reply. */
  readonly xlate: Xlate[];
  /** On the reply: the gateway the request left through (an egress-only gateway lets the reply in). */
  readonly replyVia?: { readonly type: "igw" | "eigw"; readonly id: string; readonly vpcId: string };
  steps: number;
}

class Blocked {
  constructor(readonly explanation: Explanation) {}
}

const MAX_STEPS = 32;

function header(p: Packet): PacketHeader {
  const h: {
    protocol: number;
    sourceAddress: string;
    destinationAddress: string;
    sourcePort?: number;
    destinationPort?: number;
    icmp?: { type: number; code: number };
  } = { protocol: p.proto, sourceAddress: p.src.text, destinationAddress: p.dst.text };
  if (hasPorts(p.proto)) {
    if (p.srcPort !== undefined) h.sourcePort = p.srcPort;
    if (p.dstPort !== undefined) h.destinationPort = p.dstPort;
  }
  if (isIcmp(p.proto)) h.icmp = { type: p.icmpType ?? -1, code: p.icmpCode ?? -1 };
  return h;
}

function hop(ctx: Ctx, pkt: Packet, c: Omit<PathComponent, "sequenceNumber" | "packet">): void {
  ctx.hops.push({ sequenceNumber: ctx.hops.length + 1, ...c, packet: header(pkt) });
}

function block(
  ctx: Ctx,
  pkt: Packet,
  code: ExplanationCode,
  componentType: ComponentType,
  componentId: string,
  message: string,
  extra: Partial<Pick<Explanation, "direction" | "aclRule" | "securityGroupIds" | "routeTableId" | "interfaceId">> = {},
): never {
  throw new Blocked({ explanationCode: code, componentId, componentType, path: ctx.path, message, packet: header(pkt), ...extra });
}

function holderId(h: Holder): string {
  return h.kind === "eni" ? h.eni.id : h.nat.id;
}

function holderSubnetId(h: Holder): string {
  return h.kind === "eni" ? h.eni.subnetId : h.nat.subnetId;
}

function holdsAddress(ix: Lookup, eni: NetworkInterface, ip: Ip): boolean {
  return ix.addresses(eni, ip.family).some((a) => a.text === ip.text);
}

function routeTargetText(r: Route): string {
  return (
    r.gatewayId ??
    r.natGatewayId ??
    r.egressOnlyInternetGatewayId ??
    r.vpcPeeringConnectionId ??
    r.transitGatewayId ??
    r.networkInterfaceId ??
    r.instanceId ??
    "(none)"
  );
}

function subnetOf(ctx: Ctx, pkt: Packet, id: string): Subnet {
  const s = ctx.ix.subnet(id);
  if (!s) block(ctx, pkt, "UNKNOWN_RESOURCE", "subnet", id, `Subnet ${id} is not in the network model.`);
  return s;
}

function vpcOf(ctx: Ctx, pkt: Packet, id: string): Vpc {
  const v = ctx.ix.vpc(id);
  if (!v) block(ctx, pkt, "UNKNOWN_RESOURCE", "vpc", id, `VPC ${id} is not in the network model.`);
  return v;
}

/** `{ interfaceId }` when there is one (optional fields stay absent, not undefined). */
const via = (interfaceId: string | undefined): { interfaceId?: string } => (interfaceId ? { interfaceId } : {});

/** The interface of a NAT gateway holder (flow logs record there), if the model names it. */
function viaOf(h: Holder | undefined): string | undefined {
  return h?.kind === "nat" ? h.nat.networkInterfaceId : undefined;
}

/**
 * One network ACL check; throws on deny. `through`: the NAT gateway or transit gateway interface
 * whose subnet this is, when the packet enters or leaves one (named on the hop for flow logs).
 */
function acl(ctx: Ctx, subnet: Subnet, egress: boolean, pkt: Packet, through?: string): void {
  const nacl = ctx.ix.networkAclOfSubnet(subnet);
  const direction = egress ? "egress" : "ingress";
  if (!nacl) block(ctx, pkt, "UNKNOWN_RESOURCE", "subnet", subnet.id, `Subnet ${subnet.id} has no network ACL in the model.`);
  const d = ctx.ix.aclDecision(nacl, egress, pkt);
  const aclRule = d.entry
    ? { ruleNumber: d.ruleNumber, ruleAction: d.ruleAction, entry: d.entry }
    : { ruleNumber: d.ruleNumber, ruleAction: d.ruleAction };
  hop(ctx, pkt, { componentId: nacl.id, componentType: "network-acl", direction, aclRule, ...via(through) });
  if (d.ruleAction === "deny") {
    const what = egress ? `outbound to ${pkt.dst.text}` : `inbound from ${pkt.src.text}`;
    const port = hasPorts(pkt.proto) ? ` on port ${pkt.dstPort}` : "";
    const rule = d.entry ? `rule ${d.ruleNumber} denies it` : `no rule allows it (the * rule denies)`;
    block(
      ctx,
      pkt,
      "SUBNET_ACL_RESTRICTION",
      "network-acl",
      nacl.id,
      `Network ACL ${nacl.id} of ${subnet.id} does not allow ${what}${port}: ${rule}.` +
        (ctx.path === "return" ? " ACLs are stateless: the reply needs its own rule." : ""),
      { direction, aclRule, ...via(through) },
    );
  }
}

function sg(ctx: Ctx, eni: NetworkInterface, direction: "ingress" | "egress", pkt: Packet): void {
  const peer = direction === "egress" ? pkt.dst : pkt.src;
  const m = ctx.ix.securityGroupMatch(eni, direction, pkt, peer);
  if (!m) {
    const port = hasPorts(pkt.proto) ? ` port ${pkt.dstPort}` : "";
    block(
      ctx,
      pkt,
      "ENI_SG_RULES_MISMATCH",
      "security-group",
      eni.securityGroupIds[0] ?? eni.id,
      `No ${direction === "egress" ? "outbound" : "inbound"} rule of ${eni.securityGroupIds.join(", ") || "(no groups)"} on ${eni.id} allows protocol ${pkt.proto}${port} ${direction === "egress" ? "to" : "from"} ${peer.text}.`,
      { direction, securityGroupIds: eni.securityGroupIds },
    );
  }
  hop(ctx, pkt, { componentId: m.groupId, componentType: "security-group", direction, securityGroupRule: m });
}

/**
 * Crossing from one subnet into another (or into a subnet from a gateway, `from` undefined).
 * `sender`: the NAT gateway or transit gateway interface the packet leaves, if any.
 */
function enterAndArrive(ctx: Ctx, from: Subnet | undefined, holder: Holder, pkt: Packet, sender?: string): Arrival {
  const dest = subnetOf(ctx, pkt, holderSubnetId(holder));
  if (!from || from.id !== dest.id) {
    if (from) acl(ctx, from, true, pkt, sender);
    acl(ctx, dest, false, pkt, viaOf(holder));
  }
  return arrive(ctx, holder, pkt);
}

function arrive(ctx: Ctx, holder: Holder, pkt: Packet): Arrival {
  if (holder.kind === "nat") {
    const top = ctx.xlate[ctx.xlate.length - 1];
    if (ctx.path === "return" && top && top.natId === holder.nat.id && top.translated.text === pkt.dst.text) {
      ctx.xlate.pop();
      const restored = { ...pkt, dst: top.original };
      hop(ctx, restored, {
        componentId: holder.nat.id,
        componentType: "nat-gateway",
        note: `reply: destination ${pkt.dst.text} translated back to ${top.original.text}`,
        ...via(holder.nat.networkInterfaceId),
      });
      return leave(ctx, holder, restored, false);
    }
    block(ctx, pkt, "NO_POSSIBLE_DESTINATION", "nat-gateway", holder.nat.id, `NAT gateway ${holder.nat.id} accepts only replies to connections it translated.`);
  }
  if (ctx.path === "forward") sg(ctx, holder.eni, "ingress", pkt);
  hop(ctx, pkt, { componentId: holder.eni.id, componentType: "network-interface", direction: "ingress" });
  return { end: { kind: "eni", eni: holder.eni }, pkt };
}

/** Delivery by the local route of `vpc` to the holder of the destination address. */
function deliverLocal(ctx: Ctx, vpc: Vpc, from: Subnet | undefined, pkt: Packet, sender?: string): Arrival {
  const holder = ctx.ix.holderInVpc(vpc.id, pkt.dst);
  if (!holder)
    block(ctx, pkt, "NO_POSSIBLE_DESTINATION", "vpc", vpc.id, `No network interface in ${vpc.id} has the address ${pkt.dst.text}.`);
  return enterAndArrive(ctx, from, holder, pkt, sender);
}

function blackholeRoute(ctx: Ctx, pkt: Packet, tableId: string, cidr: string, r: Route, why: string): never {
  return block(ctx, pkt, "BAD_STATE_ROUTE", "route-table", tableId, `The route ${cidr} -> ${routeTargetText(r)} in ${tableId} is a blackhole: ${why}.`, {
    routeTableId: tableId,
  });
}

/** A packet leaves an interface or a NAT gateway: egress rules, then the subnet's route table. */
function leave(ctx: Ctx, holder: Holder, pkt: Packet, checkSg: boolean): Arrival {
  if (++ctx.steps > MAX_STEPS) block(ctx, pkt, "NO_PATH", "network-interface", holderId(holder), "Routing loop: too many hops.");
  const { ix } = ctx;
  if (holder.kind === "eni" && checkSg && ctx.path === "forward") sg(ctx, holder.eni, "egress", pkt);
  const sender = viaOf(holder);
  const subnet = subnetOf(ctx, pkt, holderSubnetId(holder));
  const vpc = vpcOf(ctx, pkt, subnet.vpcId);
  const table = ix.routeTableOfSubnet(subnet);
  if (!table) block(ctx, pkt, "UNKNOWN_RESOURCE", "subnet", subnet.id, `Subnet ${subnet.id} has no route table and ${vpc.id} no main route table in the model.`);
  const m = ix.route(table, pkt.dst);
  if (!m)
    block(ctx, pkt, "NO_ROUTE_TO_DESTINATION", "route-table", table.id, `Route table ${table.id} of ${subnet.id} has no route to ${pkt.dst.text}.`, {
      routeTableId: table.id,
    });
  const r = m.route;
  hop(ctx, pkt, {
    componentId: table.id,
    componentType: "route-table",
    routeTableRoute: m.implicitLocal ? { route: r, matchedCidr: m.matchedCidr, implicitLocal: true } : { route: r, matchedCidr: m.matchedCidr },
  });
  if (r.state === "blackhole") blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "its target no longer exists");

  if (r.gatewayId === "local") return deliverLocal(ctx, vpc, subnet, pkt, sender);

  if (r.natGatewayId) {
    const nat = ix.natGateway(r.natGatewayId);
    if (!nat) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the NAT gateway is not in the model");
    if ((nat.state ?? "available") !== "available")
      block(ctx, pkt, "BAD_STATE", "nat-gateway", nat.id, `NAT gateway ${nat.id} is ${nat.state}.`);
    const natSubnet = subnetOf(ctx, pkt, nat.subnetId);
    if (natSubnet.vpcId !== vpc.id) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the NAT gateway is in another VPC");
    if (ctx.path === "return")
      block(ctx, pkt, "NGW_SOURCE_ADDRESS_REASSIGN", "nat-gateway", nat.id,
        `The reply from ${pkt.src.text} would leave through NAT gateway ${nat.id}, which replaces its source address: the client does not recognise it (asymmetric routing).`);
    if (pkt.dst.family === 6)
      block(ctx, pkt, "PROTOCOL_RESTRICTION", "nat-gateway", nat.id, `NAT gateway ${nat.id}: IPv6 (NAT64) is not modelled.`);
    if (!ix.vpcContains(vpc, pkt.src))
      block(ctx, pkt, "NGW_REQUIRES_SOURCE_IN_VPC", "nat-gateway", nat.id, `NAT gateway ${nat.id} translates only traffic from its own VPC.`);
    if (natSubnet.id !== subnet.id) {
      acl(ctx, subnet, true, pkt, sender);
      acl(ctx, natSubnet, false, pkt, nat.networkInterfaceId);
    }
    const natIp = parseIp(nat.privateIp);
    if (!natIp) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the NAT gateway has no private address");
    const translated = { ...pkt, src: natIp };
    ctx.xlate.push({ natId: nat.id, original: pkt.src, translated: natIp });
    hop(ctx, translated, {
      componentId: nat.id,
      componentType: "nat-gateway",
      note: `source ${pkt.src.text} translated to ${natIp.text}`,
      ...via(nat.networkInterfaceId),
    });
    return leave(ctx, { kind: "nat", nat }, translated, false);
  }

  if (r.gatewayId?.startsWith("igw-")) {
    const igw = ix.internetGateway(r.gatewayId);
    if (!igw) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the internet gateway is not in the model");
    if (igw.attachedVpcId !== vpc.id)
      block(ctx, pkt, "BAD_STATE_ATTACHMENT", "internet-gateway", igw.id, `Internet gateway ${igw.id} is not attached to ${vpc.id}.`);
    acl(ctx, subnet, true, pkt, sender);
    let out = pkt;
    if (pkt.src.family === 4) {
      const pub = ix.publicIpFor(holder, pkt.src);
      if (!pub)
        block(ctx, pkt, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", "internet-gateway", igw.id,
          `${holderId(holder)} has no public IPv4 address for ${pkt.src.text}: internet gateway ${igw.id} cannot carry it to the internet.`);
      if (isRfc1918(pkt.dst))
        block(ctx, pkt, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", "internet-gateway", igw.id,
          `Internet gateway ${igw.id} does not send traffic to the private address ${pkt.dst.text}.`);
      if (isRfc6598(pkt.dst))
        block(ctx, pkt, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS", "internet-gateway", igw.id,
          `Internet gateway ${igw.id} does not send traffic to the shared address ${pkt.dst.text}.`);
      out = { ...pkt, src: pub };
    }
    hop(ctx, out, {
      componentId: igw.id,
      componentType: "internet-gateway",
      direction: "egress",
      ...(out !== pkt ? { note: `source ${pkt.src.text} translated to ${out.src.text}` } : {}),
    });
    return toInternet(ctx, out, { type: "igw", id: igw.id, vpcId: vpc.id });
  }

  if (r.egressOnlyInternetGatewayId) {
    const g = ix.egressOnlyInternetGateway(r.egressOnlyInternetGatewayId);
    if (!g) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the egress-only internet gateway is not in the model");
    if (g.attachedVpcId !== vpc.id)
      block(ctx, pkt, "BAD_STATE_ATTACHMENT", "egress-only-internet-gateway", g.id, `Egress-only internet gateway ${g.id} is not attached to ${vpc.id}.`);
    acl(ctx, subnet, true, pkt, sender);
    hop(ctx, pkt, { componentId: g.id, componentType: "egress-only-internet-gateway", direction: "egress" });
    return toInternet(ctx, pkt, { type: "eigw", id: g.id, vpcId: vpc.id });
  }

  if (r.vpcPeeringConnectionId) {
    const pcx = ix.peering(r.vpcPeeringConnectionId);
    if (!pcx) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the peering connection is not in the model");
    if (pcx.status !== "active")
      block(ctx, pkt, "BAD_STATE", "vpc-peering-connection", pcx.id, `Peering connection ${pcx.id} is ${pcx.status}, not active.`);
    const otherId = pcx.requesterVpcId === vpc.id ? pcx.accepterVpcId : pcx.accepterVpcId === vpc.id ? pcx.requesterVpcId : undefined;
    if (!otherId) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, `the peering connection does not involve ${vpc.id}`);
    const other = vpcOf(ctx, pkt, otherId);
    if (!ix.vpcContains(other, pkt.dst))
      block(ctx, pkt, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "vpc-peering-connection", pcx.id,
        `${pkt.dst.text} is not in a CIDR block of ${other.id}: peering connection ${pcx.id} carries only traffic for the peer VPC (no transitive routing).`);
    hop(ctx, pkt, { componentId: pcx.id, componentType: "vpc-peering-connection", note: `${vpc.id} -> ${other.id}` });
    return deliverLocal(ctx, other, subnet, pkt, sender);
  }

  if (r.transitGatewayId) {
    const tgw = ix.transitGateway(r.transitGatewayId);
    if (!tgw) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the transit gateway is not in the model");
    if ((tgw.state ?? "available") !== "available")
      block(ctx, pkt, "BAD_STATE", "transit-gateway", tgw.id, `Transit gateway ${tgw.id} is ${tgw.state}.`);
    const att = ix.tgwVpcAttachment(tgw.id, vpc.id);
    if (!att) block(ctx, pkt, "BAD_STATE_ATTACHMENT", "transit-gateway", tgw.id, `${vpc.id} has no available attachment to transit gateway ${tgw.id}.`);
    // Instance -> transit gateway: the instance subnet's outbound rules, then the attachment
    // subnet's inbound rules, even when both are the same subnet
    // (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html).
    acl(ctx, subnet, true, pkt, sender);
    let attEni: string | undefined;
    if (att.subnetIds?.length) {
      const attSubnet = attachmentSubnet(ctx, att, subnet.availabilityZoneId, false);
      if (!attSubnet)
        block(ctx, pkt, "TGW_ROUTE_AZ_RESTRICTION", "transit-gateway-attachment", att.id,
          `Attachment ${att.id} has no subnet in ${subnet.availabilityZoneId}, the Availability Zone of ${subnet.id}: traffic from there cannot reach ${tgw.id}.`);
      attEni = attachmentInterface(att, attSubnet);
      acl(ctx, attSubnet, false, pkt, attEni);
    }
    hop(ctx, pkt, { componentId: att.id, componentType: "transit-gateway-attachment", direction: "ingress", ...via(attEni) });
    return throughTgw(ctx, tgw, att, pkt, 0);
  }

  if (r.gatewayId?.startsWith("vpce-")) {
    const ep = ix.vpcEndpoint(r.gatewayId);
    if (!ep) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the endpoint is not in the model");
    if (ep.vpcEndpointType !== "Gateway") return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the endpoint is not a gateway endpoint");
    if ((ep.state ?? "available").toLowerCase() !== "available")
      block(ctx, pkt, "BAD_STATE", "vpc-endpoint", ep.id, `Endpoint ${ep.id} is ${ep.state}.`);
    const echo = (pkt.proto === ICMP || pkt.proto === ICMPV6) && (pkt.icmpType === 8 || pkt.icmpType === 0 || pkt.icmpType === 128 || pkt.icmpType === 129);
    if (pkt.proto !== TCP && !echo)
      block(ctx, pkt, "VPCE_GATEWAY_PROTOCOL_RESTRICTION", "vpc-endpoint", ep.id, `Gateway endpoint ${ep.id} carries only TCP and ICMP echo, not protocol ${pkt.proto}.`);
    acl(ctx, subnet, true, pkt, sender);
    hop(ctx, pkt, { componentId: ep.id, componentType: "vpc-endpoint", direction: "egress", note: `to ${ep.serviceName}` });
    hop(ctx, pkt, { componentId: ep.serviceName, componentType: "service" });
    return { end: { kind: "service", endpoint: ep, vpc }, pkt };
  }

  if (r.networkInterfaceId || r.instanceId) {
    const target = r.networkInterfaceId ? ix.eni(r.networkInterfaceId) : ix.primaryEniOfInstance(r.instanceId!);
    if (!target) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the interface or instance is not in the model");
    const tSubnet = subnetOf(ctx, pkt, target.subnetId);
    if (tSubnet.vpcId !== vpc.id) return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the interface is in another VPC");
    if (holdsAddress(ix, target, pkt.dst)) return enterAndArrive(ctx, subnet, { kind: "eni", eni: target }, pkt, sender);
    if (tSubnet.id !== subnet.id) {
      acl(ctx, subnet, true, pkt, sender);
      acl(ctx, tSubnet, false, pkt);
    }
    if (target.sourceDestCheck !== false)
      block(ctx, pkt, "ENI_SOURCE_DEST_CHECK_RESTRICTION", "network-interface", target.id,
        `${target.id} has source/destination check enabled: it drops traffic for ${pkt.dst.text}, which is not its address.`);
    if (ctx.path === "forward") sg(ctx, target, "ingress", pkt);
    hop(ctx, pkt, { componentId: target.id, componentType: "network-interface", note: "forwards (source/destination check disabled)" });
    return leave(ctx, { kind: "eni", eni: target }, pkt, true);
  }

  return blackholeRoute(ctx, pkt, table.id, m.matchedCidr, r, "the route has no target the engine knows");
}

/**
 * The attachment's subnet in an Availability Zone. DEVIATION: on the way out of the transit
 * gateway AWS keeps the traffic in the Availability Zone it came from when it can; the engine
 * uses the attachment subnet in the destination's zone, else the first one (`fallback`).
 */
function attachmentSubnet(ctx: Ctx, att: TransitGatewayAttachment, azId: string | undefined, fallback: boolean): Subnet | undefined {
  const subnets = (att.subnetIds ?? []).map((id) => ctx.ix.subnet(id)).filter((s): s is Subnet => !!s);
  const same = azId === undefined ? subnets[0] : subnets.find((s) => s.availabilityZoneId === azId || s.availabilityZoneId === undefined);
  return same ?? (fallback ? subnets[0] : undefined);
}

/** The attachment's network interface in one of its subnets, when the model names it. */
function attachmentInterface(att: TransitGatewayAttachment, subnet: Subnet | undefined): string | undefined {
  const i = subnet ? (att.subnetIds ?? []).indexOf(subnet.id) : -1;
  return i >= 0 ? att.networkInterfaceIds?.[i] : undefined;
}

/** Through a transit gateway: the route table associated with the ingress attachment decides. */
function throughTgw(ctx: Ctx, tgw: TransitGateway, ingress: TransitGatewayAttachment, pkt: Packet, depth: number): Arrival {
  const { ix } = ctx;
  hop(ctx, pkt, { componentId: tgw.id, componentType: "transit-gateway" });
  if (depth > 4) block(ctx, pkt, "NO_PATH", "transit-gateway", tgw.id, "Routing loop between transit gateways.");
  const table = ix.tgwRouteTableFor(tgw.id, ingress.id);
  if (!table)
    block(ctx, pkt, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", "transit-gateway-attachment", ingress.id,
      `Attachment ${ingress.id} is not associated with a route table of ${tgw.id}.`);
  const m = ix.tgwRoute(table, pkt.dst);
  if (!m)
    block(ctx, pkt, "NO_ROUTE_TO_DESTINATION", "transit-gateway-route-table", table.id, `Transit gateway route table ${table.id} has no route to ${pkt.dst.text}.`);
  hop(ctx, pkt, { componentId: table.id, componentType: "transit-gateway-route-table", transitGatewayRoute: m });
  const nextId = m.route.transitGatewayAttachmentId;
  if (m.route.state === "blackhole" || !nextId)
    block(ctx, pkt, "TGW_RTB_BAD_STATE_ROUTE", "transit-gateway-route-table", table.id,
      `Transit gateway route table ${table.id} has a blackhole route ${m.matchedCidr} for ${pkt.dst.text}.`);
  const next = ix.transitGatewayAttachment(nextId);
  if (!next)
    block(ctx, pkt, "TGW_RTB_BAD_STATE_ROUTE", "transit-gateway-route-table", table.id, `The route ${m.matchedCidr} points to ${nextId}, which is not in the model.`);
  if ((next.state ?? "available") !== "available")
    block(ctx, pkt, "BAD_STATE_ATTACHMENT", "transit-gateway-attachment", next.id, `Transit gateway attachment ${next.id} is ${next.state}.`);
  if (next.type === "vpc") {
    const vpc = vpcOf(ctx, pkt, next.vpcId ?? "(none)");
    const holder = ix.holderInVpc(vpc.id, pkt.dst);
    // The attachment subnet is chosen before the hop so that the hop names its interface.
    const destSubnet = holder ? subnetOf(ctx, pkt, holderSubnetId(holder)) : undefined;
    const attSubnet = next.subnetIds?.length ? attachmentSubnet(ctx, next, destSubnet?.availabilityZoneId, true) : undefined;
    const attEni = attachmentInterface(next, attSubnet);
    hop(ctx, pkt, { componentId: next.id, componentType: "transit-gateway-attachment", direction: "egress", note: `to ${vpc.id}`, ...via(attEni) });
    if (!holder)
      block(ctx, pkt, "NO_POSSIBLE_DESTINATION", "vpc", vpc.id, `No network interface in ${vpc.id} has the address ${pkt.dst.text}.`);
    // Transit gateway -> instance: the attachment subnet's outbound rules and the instance
    // subnet's inbound rules, none when they are the same subnet (tgw-nacls.html).
    return enterAndArrive(ctx, attSubnet, holder, pkt, attEni);
  }
  const otherId = next.transitGatewayId === tgw.id ? next.peerTransitGatewayId : next.transitGatewayId;
  const other = otherId ? ix.transitGateway(otherId) : undefined;
  if (!other) block(ctx, pkt, "UNKNOWN_RESOURCE", "transit-gateway-attachment", next.id, `The peer transit gateway of ${next.id} is not in the model.`);
  hop(ctx, pkt, { componentId: next.id, componentType: "transit-gateway-attachment", note: `peering to ${other.id}${other.region ? ` (${other.region})` : ""}` });
  return throughTgw(ctx, other, next, pkt, depth + 1);
}

/** A packet on the internet: to a public address of the model (back in through a gateway), or out. */
function toInternet(ctx: Ctx, pkt: Packet, via: { type: "igw" | "eigw"; id: string; vpcId: string }): Arrival {
  if (ctx.ix.publicHolder(pkt.dst)) return fromInternet(ctx, pkt);
  hop(ctx, pkt, { componentId: "internet", componentType: "internet" });
  return { end: { kind: "internet", via }, pkt };
}

/** A packet from the internet to a public address: in through the VPC's internet gateway. */
function fromInternet(ctx: Ctx, pkt: Packet): Arrival {
  const { ix } = ctx;
  hop(ctx, pkt, { componentId: "internet", componentType: "internet" });
  const ph = ix.publicHolder(pkt.dst);
  if (!ph) {
    const privateHolder = ix.holderAnywhere(pkt.dst);
    if (privateHolder) {
      const s = ix.subnet(holderSubnetId(privateHolder));
      const igw = s ? ix.internetGatewayOfVpc(s.vpcId) : undefined;
      block(ctx, pkt, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", igw ? "internet-gateway" : "network-interface", igw?.id ?? holderId(privateHolder),
        `${pkt.dst.text} is a private address of ${holderId(privateHolder)}: the internet reaches only public addresses (${holderId(privateHolder)} has none).`);
    }
    block(ctx, pkt, "NO_POSSIBLE_DESTINATION", "internet", "internet", `No network interface has the public address ${pkt.dst.text}.`);
  }
  const subnet = subnetOf(ctx, pkt, holderSubnetId(ph.holder));
  const vpc = vpcOf(ctx, pkt, subnet.vpcId);
  let gw: { type: ComponentType; id: string } | undefined;
  if (ctx.path === "return" && ctx.replyVia && ctx.replyVia.vpcId === vpc.id)
    gw = { type: ctx.replyVia.type === "eigw" ? "egress-only-internet-gateway" : "internet-gateway", id: ctx.replyVia.id };
  else {
    const igw = ix.internetGatewayOfVpc(vpc.id);
    if (igw) gw = { type: "internet-gateway", id: igw.id };
  }
  if (!gw)
    block(ctx, pkt, "NO_PATH", "vpc", vpc.id,
      `No internet gateway is attached to ${vpc.id}: nothing lets traffic from the internet in (an egress-only internet gateway carries replies only).`);
  if (pkt.src.family === 4 && isRfc1918(pkt.src))
    block(ctx, pkt, "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS", gw.type, gw.id, `Internet gateway ${gw.id} refuses the private source address ${pkt.src.text}.`);
  if (pkt.src.family === 4 && isRfc6598(pkt.src))
    block(ctx, pkt, "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS", gw.type, gw.id, `Internet gateway ${gw.id} refuses the shared source address ${pkt.src.text}.`);
  const inside = { ...pkt, dst: ph.privateIp };
  hop(ctx, inside, {
    componentId: gw.id,
    componentType: gw.type,
    direction: "ingress",
    ...(ph.privateIp.text !== pkt.dst.text ? { note: `destination ${pkt.dst.text} translated to ${ph.privateIp.text}` } : {}),
  });
  return enterAndArrive(ctx, undefined, ph.holder, inside);
}

function replyOf(p: Packet): Packet {
  let icmpType = p.icmpType;
  if (icmpType === 8 && p.proto === ICMP) icmpType = 0;
  else if (icmpType === 13 && p.proto === ICMP) icmpType = 14;
  else if (icmpType === 128 && p.proto === ICMPV6) icmpType = 129;
  const r: { -readonly [K in keyof Packet]: Packet[K] } = { proto: p.proto, src: p.dst, dst: p.src };
  if (p.dstPort !== undefined) r.srcPort = p.dstPort;
  if (p.srcPort !== undefined) r.dstPort = p.srcPort;
  if (icmpType !== undefined) r.icmpType = icmpType;
  if (p.icmpCode !== undefined) r.icmpCode = p.icmpCode;
  return r;
}

type Endpoint =
  | { readonly kind: "eni"; readonly eni: NetworkInterface; readonly ip: Ip }
  | { readonly kind: "internet"; readonly ip: Ip }
  | { readonly kind: "address"; readonly ip: Ip };

function firstAddress(ix: Lookup, eni: NetworkInterface, family: Family): Ip | undefined {
  return ix.addresses(eni, family)[0];
}

function regionOfEni(ix: Lookup, eni: NetworkInterface): string | undefined {
  const s = ix.subnet(eni.subnetId);
  return eni.region ?? s?.region ?? (s ? ix.vpc(s.vpcId)?.region : undefined);
}

function reject(explanation: Explanation, packet?: PacketHeader, forwardPath: PathComponent[] = [], returnPath: PathComponent[] = []): FlowResult {
  return {
    verdict: "REJECT",
    ...(packet ? { packet } : {}),
    forwardPath,
    returnPath,
    blockedAt: {
      path: explanation.path,
      componentId: explanation.componentId,
      componentType: explanation.componentType,
      ...(explanation.direction ? { direction: explanation.direction } : {}),
      explanationCode: explanation.explanationCode,
      reason: explanation.message,
    },
    explanations: [explanation],
  };
}

function noEndpoint(which: "source" | "destination", id: string, why: string): FlowResult {
  return reject({
    explanationCode: "NO_SOURCE_OR_DESTINATION",
    componentId: id,
    componentType: id.startsWith("vpce-") ? "vpc-endpoint" : "network-interface",
    path: "forward",
    message: `The ${which} ${id} ${why}.`,
  });
}

function resolveEni(ix: Lookup, id: string): NetworkInterface | undefined {
  return id.startsWith("i-") ? ix.primaryEniOfInstance(id) : ix.eni(id);
}

/** An address of a service: the first address of its prefix list (of the flow's family). */
function serviceAddress(ix: Lookup, family: Family, plId: string | undefined, label: string): Ip | FlowResult {
  const pl = plId ? ix.prefixList(plId) : ix.prefixListOfService(label);
  const entry = pl?.entries.map((e) => parseCidr(e.cidr)).find((c) => c?.family === family);
  if (!entry) return noEndpoint("destination", plId ?? label, `has no IPv${family} prefix list entry in the model`);
  return nthAddress(entry, entry.length >= (family === 4 ? 31 : 127) ? 0 : 1);
}

/** Evaluates one flow (request and reply) with the given lookup strategy. */
export function evaluateWith(ix: Lookup, flow: Flow): FlowResult {
  const proto = protocolNumber(flow.protocol);
  if (Number.isNaN(proto) || proto < 0 || proto > 255) throw new ReachabilityInputError(`unknown protocol ${String(flow.protocol)}`);

  // Address family: from an explicit address, else the flow's ipVersion (default IPv4).
  const srcIpGiven = parseIp(flow.source);
  const dstIpGiven = parseIp(flow.destination);
  if (srcIpGiven && dstIpGiven && srcIpGiven.family !== dstIpGiven.family)
    throw new ReachabilityInputError("source and destination addresses are of different families");
  const family: Family = srcIpGiven?.family ?? dstIpGiven?.family ?? flow.ipVersion ?? 4;
  const p = proto === ICMP && family === 6 ? ICMPV6 : proto;
  if (flow.source === "internet" && flow.destination === "internet") throw new ReachabilityInputError("internet to internet is not a flow of this network");


  // Source.
  let src: Endpoint;
  if (flow.source === "internet") {
    src = { kind: "internet", ip: parseIp(flow.internetAddress ?? INTERNET_CLIENT[family]) ?? mustIp(INTERNET_CLIENT[family]) };
  } else if (srcIpGiven) {
    const h = ix.holderAnywhere(srcIpGiven);
    if (h?.kind === "nat") return noEndpoint("source", h.nat.id, "is a NAT gateway, which does not start connections");
    src = h ? { kind: "eni", eni: h.eni, ip: srcIpGiven } : { kind: "internet", ip: srcIpGiven };
  } else {
    const eni = resolveEni(ix, flow.source);
    if (!eni) return noEndpoint("source", flow.source, "is not in the network model");
    const ip = firstAddress(ix, eni, family);
    if (!ip) return noEndpoint("source", eni.id, `has no IPv${family} address`);
    src = { kind: "eni", eni, ip };
  }

  // Destination.
  let dst: Endpoint;
  const d = flow.destination;
  if (d === "internet") {
    dst = { kind: "internet", ip: parseIp(flow.internetAddress ?? INTERNET_SERVER[family]) ?? mustIp(INTERNET_SERVER[family]) };
  } else if (dstIpGiven) {
    dst = { kind: "address", ip: dstIpGiven };
  } else if (d.startsWith("eni-") || d.startsWith("i-")) {
    const eni = resolveEni(ix, d);
    if (!eni) return noEndpoint("destination", d, "is not in the network model");
    let ip: Ip | undefined;
    if (src.kind === "internet" && family === 4) ip = eni.publicIp ? parseIp(eni.publicIp) : firstAddress(ix, eni, 4);
    else ip = firstAddress(ix, eni, family);
    if (!ip) return noEndpoint("destination", eni.id, `has no IPv${family} address`);
    dst = { kind: "eni", eni, ip };
  } else if (d.startsWith("vpce-")) {
    const ep = ix.vpcEndpoint(d);
    if (!ep) return noEndpoint("destination", d, "is not in the network model");
    if (ep.vpcEndpointType === "Gateway") {
      const a = serviceAddress(ix, family, ep.prefixListId, ep.serviceName);
      if (!(a as Ip).text) return a as FlowResult;
      dst = { kind: "address", ip: a as Ip };
    } else {
      const enis = (ep.networkInterfaceIds ?? []).map((id) => ix.eni(id)).filter((e): e is NetworkInterface => !!e);
      const srcAz = src.kind === "eni" ? ix.subnet(src.eni.subnetId)?.availabilityZoneId : undefined;
      const eni = enis.find((e) => srcAz !== undefined && ix.subnet(e.subnetId)?.availabilityZoneId === srcAz) ?? enis[0];
      const ip = eni ? firstAddress(ix, eni, family) : undefined;
      if (!eni || !ip) return noEndpoint("destination", d, `has no network interface with an IPv${family} address`);
      dst = { kind: "eni", eni, ip };
    }
  } else if (d.startsWith("pl-")) {
    const a = serviceAddress(ix, family, d, d);
    if (!(a as Ip).text) return a as FlowResult;
    dst = { kind: "address", ip: a as Ip };
  } else {
    const region = src.kind === "eni" ? regionOfEni(ix, src.eni) : undefined;
    const name = d.includes(".") ? d : `com.amazonaws.${region ?? "us-east-1"}.${d}`;
    const a = serviceAddress(ix, family, undefined, name);
    if (!(a as Ip).text) return a as FlowResult;
    dst = { kind: "address", ip: a as Ip };
  }

  const pkt: Packet = {
    proto: p,
    src: src.ip,
    dst: dst.ip,
    ...(hasPorts(p) ? { srcPort: flow.srcPort ?? DEFAULT_EPHEMERAL_PORT, dstPort: flow.dstPort ?? 0 } : {}),
    ...(isIcmp(p) ? { icmpType: flow.icmpType ?? (p === ICMP ? 8 : 128), icmpCode: flow.icmpCode ?? 0 } : {}),
  };
  const first = header(pkt);

  // Request.
  const fwd: Ctx = { ix, path: "forward", hops: [], xlate: [], steps: 0 };
  let arrival: Arrival;
  try {
    if (src.kind === "eni") {
      hop(fwd, pkt, { componentId: src.eni.id, componentType: "network-interface", direction: "egress" });
      arrival = leave(fwd, { kind: "eni", eni: src.eni }, pkt, true);
    } else {
      arrival = fromInternet(fwd, pkt);
    }
  } catch (e) {
    if (e instanceof Blocked) return reject(e.explanation, first, fwd.hops);
    throw e;
  }

  // Reply.
  const reply = replyOf(arrival.pkt);
  const end = arrival.end;
  const ret: Ctx = {
    ix,
    path: "return",
    hops: [],
    xlate: [...fwd.xlate],
    steps: 0,
    ...(end.kind === "internet" ? { replyVia: end.via } : {}),
  };
  let back: Arrival;
  try {
    if (end.kind === "eni") {
      hop(ret, reply, { componentId: end.eni.id, componentType: "network-interface", direction: "egress" });
      back = leave(ret, { kind: "eni", eni: end.eni }, reply, false);
    } else if (end.kind === "internet") {
      back = fromInternet(ret, reply);
    } else {
      hop(ret, reply, { componentId: end.endpoint.serviceName, componentType: "service" });
      hop(ret, reply, { componentId: end.endpoint.id, componentType: "vpc-endpoint", direction: "ingress" });
      back = deliverLocal(ret, end.vpc, undefined, reply);
    }
    const home = src.kind === "eni" ? back.end.kind === "eni" && back.end.eni.id === src.eni.id : back.end.kind === "internet";
    if (!home || back.pkt.dst.text !== pkt.src.text)
      block(ret, back.pkt, "NO_POSSIBLE_DESTINATION", back.end.kind === "eni" ? "network-interface" : "internet",
        back.end.kind === "eni" ? back.end.eni.id : "internet", `The reply reaches ${back.pkt.dst.text}, not the client ${pkt.src.text}.`);
  } catch (e) {
    if (e instanceof Blocked) return reject(e.explanation, first, fwd.hops, ret.hops);
    throw e;
  }
  return { verdict: "ACCEPT", packet: first, forwardPath: fwd.hops, returnPath: ret.hops, explanations: [] };
}

function mustIp(text: string): Ip {
  const ip = parseIp(text);
  if (!ip) throw new ReachabilityInputError(`not an IP address: ${text}`);
  return ip;
}

