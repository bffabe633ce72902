/**
 * Which network interfaces saw an evaluated connection, and the VPC flow log record each writes
 * (before formatting and delivery, which flow-logs.ts does).
 *
 * What AWS does and we reproduce (VPC User Guide, "Flow log records"
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html and "Flow log record
 * examples" https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html):
 * - a record is per network interface and per direction of a 5-tuple; a connection writes, on each
 *   end's interface, one record for the request and one for the reply (flow-direction says which);
 * - the action is the one at that interface: traffic refused by the destination's security group
 *   or subnet ACL is REJECT on the destination's record while the source's outgoing record says
 *   ACCEPT (it did leave); a reply refused by a stateless ACL is REJECT where the ACL sits; a
 *   routing dead end (no route, blackhole) refuses nothing at an interface: what passed is ACCEPT;
 * - intermediate interfaces record too. A NAT gateway's interface writes four records per
 *   connection (request in from the instance and out to the destination, reply in and back out),
 *   a transit gateway attachment's interface writes the traffic it hands into or takes out of its
 *   VPC ("Traffic through a NAT gateway", "Traffic through a transit gateway"). An interface
 *   endpoint's interface is an end like any other (the probe's destination);
 * - srcaddr is "the IPv4 or IPv6 address of the network interface for outgoing traffic" and
 *   dstaddr the interface's address "for incoming traffic", its primary private IPv4 address for
 *   IPv4; pkt-srcaddr / pkt-dstaddr are the packet's own addresses. So on a NAT gateway's interface
 *   the request in reads `10.0.1.5 10.0.0.220` with pkt-dstaddr the internet host, and on a
 *   transit gateway interface the request out reads the interface's address as srcaddr with the
 *   client in pkt-srcaddr; on an instance they agree (unless a secondary address is used);
 * - instance-id is '-' for requester-managed interfaces (NAT gateway, transit gateway, endpoint);
 * - tcp-flags are OR-ed per record and only SYN (2), SYN-ACK (18), FIN (1) and RST (4) are
 *   logged: a whole short connection is 3 (SYN+FIN) one way and 19 (SYN-ACK+FIN) the other;
 * - traffic-path (egress records only): 1 same VPC (local, NAT gateway, transit gateway), 4
 *   intra-Region peering, 5 inter-Region peering, 7 gateway VPC endpoint, 8 internet gateway (the
 *   Nitro values).
 * DEVIATION: an instance interface that forwards traffic (a route target with source/destination
 * check off) writes no records of the traffic it forwards; account-id of an endpoint's interface
 * is its owner (AWS "might display unknown"); one transit gateway attachment interface carries
 * both directions (the one in the destination's zone: see walk.ts attachmentSubnet), where AWS
 * may use one per zone.
 */
import type { FlowResult, PacketHeader, PathComponent } from "../../../engines/reachability/index.js";
import type { NetworkIndex } from "./components.js";

/** Fixed bytes per packet of a probe (records say packets × this). */
export const PACKET_BYTES = 64;

/** One record before formatting (the values of every available field). */
export interface FlowRecord {
  interfaceId: string;
  accountId: string;
  vpcId?: string;
  subnetId?: string;
  instanceId?: string;
  azId?: string;
  region?: string;
  /** The flow log's view: the interface's own address on its side (see the module comment). */
  srcaddr: string;
  dstaddr: string;
  /** The packet's addresses; absent = srcaddr/dstaddr. */
  pktSrcaddr?: string;
  pktDstaddr?: string;
  srcport?: number;
  dstport?: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: "ACCEPT" | "REJECT";
  tcpFlags: number;
  type: "IPv4" | "IPv6";
  direction: "ingress" | "egress";
  trafficPath?: number;
}

export interface InterfaceRecordSpec {
  eniId: string;
  packet: PacketHeader;
  direction: "ingress" | "egress";
  action: "ACCEPT" | "REJECT";
  request: boolean;
  trafficPath?: number;
}

const TCP = 6;
const SYN = 2;
const FIN = 1;
const SYN_ACK = 18;

interface Side {
  eniId: string;
  acl?: string;
  sgs: readonly string[];
}

const sideOf = (ix: NetworkIndex, eniId: string | undefined): Side | undefined => {
  if (!eniId) return undefined;
  const eni = ix.enis.get(eniId);
  if (!eni) return undefined;
  const subnet = ix.subnets.get(eni.subnetId);
  let acl = subnet?.networkAclId;
  if (!acl && subnet) acl = ix.defaultAcl.get(subnet.vpcId);
  return { eniId, acl, sgs: eni.securityGroupIds };
};

/** traffic-path of an egress record: from the first route the packet takes after the interface. */
const trafficPathOf = (ix: NetworkIndex, hops: readonly PathComponent[]): number | undefined => {
  const r = hops.find((h) => h.routeTableRoute)?.routeTableRoute?.route;
  if (!r) return undefined;
  if (r.gatewayId?.startsWith("igw-") || r.egressOnlyInternetGatewayId) return 8;
  if (r.gatewayId?.startsWith("vpce-")) return 7;
  if (r.vpcPeeringConnectionId) {
    const pcx = ix.peerings.get(r.vpcPeeringConnectionId);
    const a = pcx ? ix.vpcs.get(pcx.requesterVpcId)?.region : undefined;
    const b = pcx ? ix.vpcs.get(pcx.accepterVpcId)?.region : undefined;
    return a && b && a !== b ? 5 : 4;
  }
  return 1;
};

const swap = (p: PacketHeader): PacketHeader => ({
  protocol: p.protocol,
  sourceAddress: p.destinationAddress,
  destinationAddress: p.sourceAddress,
  sourcePort: p.destinationPort,
  destinationPort: p.sourcePort,
});

/** The packet as a hop list saw it at an interface (first/last hop naming it), else a fallback. */
const packetAt = (hops: readonly PathComponent[], eniId: string, which: "first" | "last", fallback: PacketHeader): PacketHeader => {
  const matching = hops.filter((h) => h.componentId === eniId);
  const h = which === "first" ? matching[0] : matching[matching.length - 1];
  return h?.packet ?? fallback;
};

/**
 * The records of the two ends of a connection: the source's request (egress) and reply (ingress),
 * the destination's request (ingress) and reply (egress), each with the action at that interface,
 * for the interfaces the traffic reached.
 */
const endRecords = (ix: NetworkIndex, result: FlowResult): InterfaceRecordSpec[] => {
  const first = result.packet;
  if (!first) return [];
  const fwd = result.forwardPath;
  const ret = result.returnPath;
  const srcEni = fwd[0]?.componentType === "network-interface" ? fwd[0].componentId : undefined;
  const lastFwd = fwd[fwd.length - 1];
  const dstEniHop = [...fwd].reverse().find((h) => h.componentType === "network-interface" && h.componentId !== srcEni && h.direction !== "egress");
  const blocked = result.blockedAt;
  // A block on behalf of a NAT gateway or transit gateway interface is recorded there (intermediateRecords).
  const atIntermediate = !!result.explanations[0]?.interfaceId;
  // The destination interface when the request was refused at its subnet ACL or security group.
  const blockedDstEni = (() => {
    if (!blocked || blocked.path !== "forward") return undefined;
    if (blocked.componentType === "network-interface" && blocked.componentId !== srcEni) return blocked.componentId;
    const candidate = lastFwd && lastFwd.componentType === "network-interface" && lastFwd.componentId !== srcEni ? lastFwd.componentId : undefined;
    if (candidate) return candidate;
    // The engine stops before the destination interface: find the interface that owns the destination address.
    const src = srcEni ? ix.enis.get(srcEni) : undefined;
    return ix.eniByAddress(first.destinationAddress, src)?.id;
  })();
  const src = sideOf(ix, srcEni);
  const dst = sideOf(ix, result.verdict === "ACCEPT" || blocked?.path === "return" ? dstEniHop?.componentId : blockedDstEni);
  const out: InterfaceRecordSpec[] = [];
  const fwdPath = trafficPathOf(ix, fwd);
  const retPath = trafficPathOf(ix, ret);
  const refusedAt = (side: Side | undefined, id: string, dir: "ingress" | "egress") =>
    !!side && !atIntermediate && ((blocked?.componentType === "security-group" && side.sgs.includes(id) && blocked.direction === dir) ||
      (blocked?.componentType === "network-acl" && id === side.acl && blocked.direction === dir) ||
      (blocked?.componentType === "network-interface" && id === side.eniId));

  if (!blocked) {
    if (src) out.push({ eniId: src.eniId, packet: first, direction: "egress", action: "ACCEPT", request: true, trafficPath: fwdPath });
    if (dst) {
      const inPkt = packetAt(fwd, dst.eniId, "last", lastFwd?.packet ?? first);
      out.push({ eniId: dst.eniId, packet: inPkt, direction: "ingress", action: "ACCEPT", request: true });
      out.push({ eniId: dst.eniId, packet: packetAt(ret, dst.eniId, "first", ret[0]?.packet ?? swap(inPkt)), direction: "egress", action: "ACCEPT", request: false, trafficPath: retPath });
    }
    if (src) out.push({ eniId: src.eniId, packet: packetAt(ret, src.eniId, "last", ret[ret.length - 1]?.packet ?? swap(first)), direction: "ingress", action: "ACCEPT", request: false });
    return out;
  }
  const blockedPacket = result.explanations[0]?.packet;
  if (blocked.path === "forward") {
    if (src) {
      const refusedHere = refusedAt(src, blocked.componentId, "egress");
      out.push({ eniId: src.eniId, packet: first, direction: "egress", action: refusedHere ? "REJECT" : "ACCEPT", request: true, trafficPath: fwdPath });
      if (refusedHere) return out;
    }
    if (dst && refusedAt(dst, blocked.componentId, "ingress")) {
      out.push({ eniId: dst.eniId, packet: blockedPacket ?? lastFwd?.packet ?? first, direction: "ingress", action: "REJECT", request: true });
    }
    return out;
  }
  // The reply was refused: the request went through on both ends.
  if (src) out.push({ eniId: src.eniId, packet: first, direction: "egress", action: "ACCEPT", request: true, trafficPath: fwdPath });
  if (dst) {
    const inPkt = packetAt(fwd, dst.eniId, "last", lastFwd?.packet ?? first);
    out.push({ eniId: dst.eniId, packet: inPkt, direction: "ingress", action: "ACCEPT", request: true });
    const refusedHere = refusedAt(dst, blocked.componentId, "egress");
    out.push({ eniId: dst.eniId, packet: packetAt(ret, dst.eniId, "first", swap(inPkt)), direction: "egress", action: refusedHere ? "REJECT" : "ACCEPT", request: false, trafficPath: retPath });
    if (refusedHere) return out;
  }
  if (src && refusedAt(src, blocked.componentId, "ingress")) {
    out.push({ eniId: src.eniId, packet: blockedPacket ?? swap(first), direction: "ingress", action: "REJECT", request: false });
  }
  return out;
};

/**
 * The records of the interfaces a connection crosses without ending there: NAT gateways (the
 * packet in, then out translated) and transit gateway attachments (into the gateway from the
 * source VPC, out of it into the destination VPC), as the engine names them on the path
 * (PathComponent.interfaceId). A network ACL of such an interface's subnet that refuses the packet
 * makes that record a REJECT.
 */
const intermediateRecords = (ix: NetworkIndex, result: FlowResult): InterfaceRecordSpec[] => {
  const out: InterfaceRecordSpec[] = [];
  const why = result.explanations[0];
  const refused = (path: "forward" | "return", interfaceId: string, direction: "ingress" | "egress") =>
    why?.path === path && why.componentType === "network-acl" && why.interfaceId === interfaceId && why.direction === direction;
  for (const [path, hops] of [["forward", result.forwardPath], ["return", result.returnPath]] as const) {
    const request = path === "forward";
    hops.forEach((h, i) => {
      const id = h.interfaceId;
      if (!id) return;
      const egress = (packet: PacketHeader, trafficPath: number | undefined) =>
        out.push({ eniId: id, packet, direction: "egress", action: refused(path, id, "egress") ? "REJECT" : "ACCEPT", request, trafficPath });
      if (h.componentType === "nat-gateway") {
        // In as it arrived (the previous hop's packet), out as translated (this hop's).
        out.push({ eniId: id, packet: hops[i - 1]?.packet ?? h.packet, direction: "ingress", action: "ACCEPT", request });
        egress(h.packet, trafficPathOf(ix, hops.slice(i + 1)) ?? 1);
      } else if (h.componentType === "transit-gateway-attachment") {
        if (h.direction === "ingress") out.push({ eniId: id, packet: h.packet, direction: "ingress", action: "ACCEPT", request });
        else egress(h.packet, 1);
      }
    });
    // Refused on the way into an intermediate interface's subnet: the interface never saw it pass.
    if (why?.path === path && why.componentType === "network-acl" && why.interfaceId && why.direction === "ingress" && why.packet) {
      out.push({ eniId: why.interfaceId, packet: why.packet, direction: "ingress", action: "REJECT", request });
    }
  }
  return out;
};

/** Every interface record of one evaluated connection. */
export const interfaceRecords = (ix: NetworkIndex, result: FlowResult): InterfaceRecordSpec[] =>
  result.packet ? [...endRecords(ix, result), ...intermediateRecords(ix, result)] : [];

/** The interface's own address for a packet address of the same family (flow-log-records.html, srcaddr/dstaddr). */
const ownAddress = (v4: readonly string[], v6: readonly string[], packetAddress: string): string => {
  if (packetAddress.includes(":")) return v6.includes(packetAddress) ? packetAddress : (v6[0] ?? packetAddress);
  return v4[0] ?? packetAddress;
};

/** Full records for an evaluated connection at time `nowMs`. */
export const recordsOf = (ix: NetworkIndex, result: FlowResult, nowMs: number, packets: number): FlowRecord[] => {
  const t = Math.floor(nowMs / 1000);
  const out: FlowRecord[] = [];
  for (const s of interfaceRecords(ix, result)) {
    const at = ix.interfaceOf(s.eniId);
    if (!at) continue;
    const subnet = ix.subnets.get(at.subnetId);
    const tcp = s.packet.protocol === TCP;
    const completed = s.action === "ACCEPT" && result.verdict === "ACCEPT";
    const flags = !tcp ? 0 : s.request ? (completed ? SYN | FIN : SYN) : completed ? SYN_ACK | FIN : SYN_ACK;
    const pktSrc = s.packet.sourceAddress;
    const pktDst = s.packet.destinationAddress;
    const srcaddr = s.direction === "egress" ? ownAddress(at.v4, at.v6, pktSrc) : pktSrc;
    const dstaddr = s.direction === "ingress" ? ownAddress(at.v4, at.v6, pktDst) : pktDst;
    out.push({
      interfaceId: s.eniId,
      accountId: at.accountId ?? "-",
      vpcId: subnet?.vpcId,
      subnetId: at.subnetId,
      instanceId: at.instanceId,
      azId: subnet?.availabilityZoneId,
      region: at.region,
      srcaddr,
      dstaddr,
      ...(srcaddr !== pktSrc ? { pktSrcaddr: pktSrc } : {}),
      ...(dstaddr !== pktDst ? { pktDstaddr: pktDst } : {}),
      srcport: s.packet.sourcePort,
      dstport: s.packet.destinationPort,
      protocol: s.packet.protocol,
      packets,
      bytes: packets * PACKET_BYTES,
      start: t,
      end: t,
      action: s.action,
      tcpFlags: flags,
      type: pktSrc.includes(":") ? "IPv6" : "IPv4",
      direction: s.direction,
      ...(s.trafficPath !== undefined ? { trafficPath: s.trafficPath } : {}),
    });
  }
  return out;
};
