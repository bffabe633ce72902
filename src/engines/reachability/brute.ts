/**
 * The simple strategy: answers every question of the walk by scanning the model's arrays and
 * re-parsing every address and CIDR each time. No index, no cache: slow on a big network,
 * obviously right. The reference the compiled strategy is tested against.
 */
import { type Ip, cidrContains, parseCidr, parseIp } from "./ip.js";
import type { AclDecision, Holder, Lookup, RouteMatch, SgMatch, TgwRouteMatch } from "./lookup.js";
import type { Network, NetworkAcl, NetworkInterface, Route, RouteTable, Subnet, TransitGatewayRouteTable, Vpc } from "./model.js";
import {
  type Packet,
  STAR_RULE_IPV4,
  STAR_RULE_IPV6,
  aclEntryMatchesTraffic,
  protocolNumber,
  sgRuleMatchesTraffic,
} from "./semantics.js";

const inCidr = (cidr: string | undefined, ip: Ip): boolean => {
  if (!cidr) return false;
  const c = parseCidr(cidr);
  return !!c && cidrContains(c, ip);
};

const same = (text: string | undefined, ip: Ip): boolean => !!text && parseIp(text)?.text === ip.text;

export class BruteForceLookup implements Lookup {
  constructor(private readonly n: Network) {}

  vpc(id: string) {
    return this.n.vpcs.find((v) => v.id === id);
  }
  subnet(id: string) {
    return this.n.subnets.find((s) => s.id === id);
  }
  eni(id: string) {
    return this.n.networkInterfaces.find((e) => e.id === id);
  }
  natGateway(id: string) {
    return (this.n.natGateways ?? []).find((x) => x.id === id);
  }
  internetGateway(id: string) {
    return (this.n.internetGateways ?? []).find((x) => x.id === id);
  }
  egressOnlyInternetGateway(id: string) {
    return (this.n.egressOnlyInternetGateways ?? []).find((x) => x.id === id);
  }
  internetGatewayOfVpc(vpcId: string) {
    return (this.n.internetGateways ?? []).find((x) => x.attachedVpcId === vpcId);
  }
  peering(id: string) {
    return (this.n.vpcPeeringConnections ?? []).find((x) => x.id === id);
  }
  transitGateway(id: string) {
    return (this.n.transitGateways ?? []).find((x) => x.id === id);
  }
  transitGatewayAttachment(id: string) {
    return (this.n.transitGatewayAttachments ?? []).find((x) => x.id === id);
  }
  vpcEndpoint(id: string) {
    return (this.n.vpcEndpoints ?? []).find((x) => x.id === id);
  }
  prefixList(id: string) {
    return (this.n.prefixLists ?? []).find((x) => x.id === id);
  }
  prefixListOfService(serviceName: string) {
    return (this.n.prefixLists ?? []).find((x) => x.serviceName === serviceName);
  }
  primaryEniOfInstance(instanceId: string) {
    const all = this.n.networkInterfaces.filter((e) => e.attachment?.instanceId === instanceId);
    return all.find((e) => (e.attachment?.deviceIndex ?? 0) === 0) ?? all[0];
  }

  routeTableOfSubnet(subnet: Subnet) {
    if (subnet.routeTableId) return this.n.routeTables.find((t) => t.id === subnet.routeTableId);
    return this.n.routeTables.find((t) => t.vpcId === subnet.vpcId && t.main === true);
  }
  networkAclOfSubnet(subnet: Subnet) {
    if (subnet.networkAclId) return this.n.networkAcls.find((a) => a.id === subnet.networkAclId);
    return this.n.networkAcls.find((a) => a.vpcId === subnet.vpcId && a.isDefault === true);
  }

  addresses(eni: NetworkInterface, family: 4 | 6): readonly Ip[] {
    const list = family === 4 ? eni.privateIpAddresses : (eni.ipv6Addresses ?? []);
    return list.map((a) => parseIp(a)).filter((ip): ip is Ip => ip?.family === family);
  }

  private eniHolds(e: NetworkInterface, ip: Ip): boolean {
    if (e.interfaceType === "nat_gateway") return false; // the NatGateway stands for it
    const list = ip.family === 4 ? e.privateIpAddresses : (e.ipv6Addresses ?? []);
    return list.some((a) => same(a, ip));
  }

  holderInVpc(vpcId: string, ip: Ip): Holder | undefined {
    for (const e of this.n.networkInterfaces) if (this.subnet(e.subnetId)?.vpcId === vpcId && this.eniHolds(e, ip)) return { kind: "eni", eni: e };
    if (ip.family === 4)
      for (const g of this.n.natGateways ?? []) if (this.subnet(g.subnetId)?.vpcId === vpcId && same(g.privateIp, ip)) return { kind: "nat", nat: g };
    return undefined;
  }
  holderAnywhere(ip: Ip): Holder | undefined {
    for (const e of this.n.networkInterfaces) if (this.eniHolds(e, ip)) return { kind: "eni", eni: e };
    if (ip.family === 4) for (const g of this.n.natGateways ?? []) if (same(g.privateIp, ip)) return { kind: "nat", nat: g };
    return undefined;
  }
  publicHolder(ip: Ip) {
    if (ip.family === 6) {
      for (const e of this.n.networkInterfaces) if (this.eniHolds(e, ip)) return { holder: { kind: "eni", eni: e } as Holder, privateIp: ip };
      return undefined;
    }
    for (const e of this.n.networkInterfaces)
      if (e.interfaceType !== "nat_gateway" && same(e.publicIp, ip) && e.privateIpAddresses[0]) return { holder: { kind: "eni", eni: e } as Holder, privateIp: parseIp(e.privateIpAddresses[0])! };
    for (const g of this.n.natGateways ?? [])
      if (g.connectivityType === "public" && same(g.publicIp, ip)) return { holder: { kind: "nat", nat: g } as Holder, privateIp: parseIp(g.privateIp)! };
    return undefined;
  }
  publicIpFor(holder: Holder, privateIp: Ip) {
    if (holder.kind === "nat") {
      const g = holder.nat;
      return g.connectivityType === "public" && g.publicIp && same(g.privateIp, privateIp) ? parseIp(g.publicIp) : undefined;
    }
    const e = holder.eni;
    return e.publicIp && same(e.privateIpAddresses[0], privateIp) ? parseIp(e.publicIp) : undefined;
  }
  vpcContains(vpc: Vpc, ip: Ip) {
    return [...vpc.cidrBlocks, ...(vpc.ipv6CidrBlocks ?? [])].some((c) => inCidr(c, ip));
  }

  /** Every destination a route covers for this address family, as [cidr text, isPrefixList]. */
  private routeMatch(route: Route, ip: Ip): { cidr: string; len: number; pl: boolean } | undefined {
    const cands: string[] = [];
    let pl = false;
    if (route.destinationPrefixListId) {
      pl = true;
      for (const e of this.prefixList(route.destinationPrefixListId)?.entries ?? []) cands.push(e.cidr);
    } else if (ip.family === 4 && route.destinationCidrBlock) cands.push(route.destinationCidrBlock);
    else if (ip.family === 6 && route.destinationIpv6CidrBlock) cands.push(route.destinationIpv6CidrBlock);
    let best: { cidr: string; len: number; pl: boolean } | undefined;
    for (const t of cands) {
      const c = parseCidr(t);
      if (c && cidrContains(c, ip) && (!best || c.length > best.len)) best = { cidr: c.text, len: c.length, pl };
    }
    return best;
  }

  route(table: RouteTable, ip: Ip): RouteMatch | undefined {
    const vpc = this.vpc(table.vpcId);
    const routes: { route: Route; implicit: boolean }[] = table.routes.map((route) => ({ route, implicit: false }));
    // The local route of every VPC CIDR, added when the table does not list it.
    for (const c of [...(vpc?.cidrBlocks ?? []), ...(vpc?.ipv6CidrBlocks ?? [])]) {
      const cc = parseCidr(c);
      if (!cc) continue;
      const listed = table.routes.some((r) => {
        const d = r.destinationCidrBlock ?? r.destinationIpv6CidrBlock;
        return d !== undefined && parseCidr(d)?.text === cc.text;
      });
      if (!listed)
        routes.push({
          route: cc.family === 4 ? { destinationCidrBlock: cc.text, gatewayId: "local" } : { destinationIpv6CidrBlock: cc.text, gatewayId: "local" },
          implicit: true,
        });
    }
    let best: { m: RouteMatch; len: number; pl: boolean } | undefined;
    for (const { route, implicit } of routes) {
      const m = this.routeMatch(route, ip);
      if (!m) continue;
      // Longer prefix wins; at equal length a CIDR route beats a prefix-list route; else first listed.
      if (!best || m.len > best.len || (m.len === best.len && best.pl && !m.pl)) {
        const rm: RouteMatch = implicit ? { route, matchedCidr: m.cidr, implicitLocal: true } : { route, matchedCidr: m.cidr };
        best = { m: rm, len: m.len, pl: m.pl };
      }
    }
    return best?.m;
  }

  tgwRouteTableFor(transitGatewayId: string, attachmentId: string) {
    return (this.n.transitGatewayRouteTables ?? []).find((t) => t.transitGatewayId === transitGatewayId && t.associations.includes(attachmentId));
  }
  tgwRoute(table: TransitGatewayRouteTable, ip: Ip): TgwRouteMatch | undefined {
    let best: { m: TgwRouteMatch; len: number } | undefined;
    for (const route of table.routes) {
      const c = parseCidr(route.destinationCidrBlock);
      if (c && cidrContains(c, ip) && (!best || c.length > best.len || (c.length === best.len && best.m.origin === "propagated")))
        best = { m: { route, origin: "static", matchedCidr: c.text }, len: c.length };
    }
    for (const attId of table.propagations) {
      const att = this.transitGatewayAttachment(attId);
      if (!att || att.type !== "vpc" || !att.vpcId) continue;
      const vpc = this.vpc(att.vpcId);
      for (const t of [...(vpc?.cidrBlocks ?? []), ...(vpc?.ipv6CidrBlocks ?? [])]) {
        const c = parseCidr(t);
        if (c && cidrContains(c, ip) && (!best || c.length > best.len))
          best = { m: { route: { destinationCidrBlock: c.text, transitGatewayAttachmentId: att.id, state: "active" }, origin: "propagated", matchedCidr: c.text }, len: c.length };
      }
    }
    return best?.m;
  }
  tgwVpcAttachment(transitGatewayId: string, vpcId: string) {
    return (this.n.transitGatewayAttachments ?? []).find(
      (a) => a.transitGatewayId === transitGatewayId && a.type === "vpc" && a.vpcId === vpcId && (a.state ?? "available") === "available",
    );
  }

  private regionOfEni(e: NetworkInterface): string | undefined {
    const s = this.subnet(e.subnetId);
    return e.region ?? s?.region ?? (s ? this.vpc(s.vpcId)?.region : undefined);
  }

  /** A member of the group holds the address, in the same Region when both Regions are known. */
  private isMember(groupId: string, ip: Ip, region: string | undefined): boolean {
    return this.n.networkInterfaces.some((e) => {
      if (!e.securityGroupIds.includes(groupId) || !this.eniHolds(e, ip)) return false;
      const r = this.regionOfEni(e);
      return region === undefined || r === undefined || r === region;
    });
  }

  securityGroupMatch(eni: NetworkInterface, direction: "ingress" | "egress", pkt: Packet, peer: Ip): SgMatch | undefined {
    const region = this.regionOfEni(eni);
    for (const gid of eni.securityGroupIds) {
      const g = this.n.securityGroups.find((s) => s.id === gid);
      if (!g) continue;
      const rules = direction === "ingress" ? g.ingress : g.egress;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (!sgRuleMatchesTraffic(rule, protocolNumber(rule.ipProtocol), pkt)) continue;
        const peerOk =
          (peer.family === 4 && inCidr(rule.cidrIpv4, peer)) ||
          (peer.family === 6 && inCidr(rule.cidrIpv6, peer)) ||
          (!!rule.prefixListId && (this.prefixList(rule.prefixListId)?.entries ?? []).some((e) => inCidr(e.cidr, peer))) ||
          (!!rule.referencedGroup && this.isMember(rule.referencedGroup.groupId, peer, region));
        if (peerOk) return { groupId: g.id, index: i, rule };
      }
    }
    return undefined;
  }

  aclDecision(acl: NetworkAcl, egress: boolean, pkt: Packet): AclDecision {
    const addr = egress ? pkt.dst : pkt.src;
    const entries = acl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
    for (const e of entries) {
      const cidr = addr.family === 4 ? e.cidrBlock : e.ipv6CidrBlock;
      if (!inCidr(cidr, addr)) continue;
      if (!aclEntryMatchesTraffic(e, protocolNumber(e.protocol), pkt)) continue;
      return { ruleNumber: e.ruleNumber, ruleAction: e.ruleAction, entry: e };
    }
    return { ruleNumber: addr.family === 4 ? STAR_RULE_IPV4 : STAR_RULE_IPV6, ruleAction: "deny" };
  }
}
