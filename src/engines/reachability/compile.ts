/**
 * The fast strategy: `compileNetwork(network)` builds indexes once per network version and
 * returns an evaluator. What is indexed:
 * - every resource by id; a subnet's route table and network ACL resolved once;
 * - address holders by (VPC, address), by address, and by public address (Map lookups);
 * - CIDRs, prefix lists and protocol names parsed once;
 * - route tables as prefixes sorted longest first (a CIDR route before a prefix-list route of
 *   the same length), so the first prefix that contains the address is the answer;
 * - transit gateway route tables with propagated VPC CIDRs expanded, sorted the same way;
 * - network ACL entries sorted by rule number, per direction;
 * - security group membership (which addresses belong to a group) as sets, for references.
 * The walk itself is walk.ts, shared with the brute-force strategy; a test checks they agree.
 */
import { type Cidr, type Ip, cidrContains, parseCidr as parseCidrText, parseIp } from "./ip.js";
import type { AclDecision, Holder, Lookup, RouteMatch, SgMatch, TgwRouteMatch } from "./lookup.js";
import type {
  Flow,
  ManagedPrefixList,
  Network,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Route,
  RouteTable,
  SecurityGroupRule,
  Subnet,
  TransitGatewayRouteTable,
  Vpc,
} from "./model.js";
import type { FlowResult } from "./result.js";
import {
  type Packet,
  STAR_RULE_IPV4,
  STAR_RULE_IPV6,
  aclEntryMatchesTraffic,
  protocolNumber,
  sgRuleMatchesTraffic,
} from "./semantics.js";
import { evaluateWith } from "./walk.js";

interface CRoute {
  readonly cidr: Cidr;
  readonly pl: boolean;
  readonly match: RouteMatch;
}
interface CTgwRoute {
  readonly cidr: Cidr;
  readonly match: TgwRouteMatch;
}
interface CRule {
  readonly rule: SecurityGroupRule;
  readonly index: number;
  readonly proto: number;
  readonly v4?: Cidr;
  readonly v6?: Cidr;
  readonly pl?: readonly Cidr[];
  readonly ref?: string;
}
interface CEntry {
  readonly entry: NetworkAclEntry;
  readonly proto: number;
  readonly v4?: Cidr;
  readonly v6?: Cidr;
}

function byId<T extends { readonly id: string }>(xs: readonly T[] | undefined): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of xs ?? []) if (!m.has(x.id)) m.set(x.id, x);
  return m;
}

function setFirst<K, V>(m: Map<K, V>, k: K, v: V): void {
  if (!m.has(k)) m.set(k, v);
}

/** Parses each distinct CIDR text once per compilation ("0.0.0.0/0" appears thousands of times). */
function cidrParser(): (text: string) => Cidr | undefined {
  const cache = new Map<string, Cidr | undefined>();
  return (text) => {
    if (cache.has(text)) return cache.get(text);
    const c = parseCidrText(text);
    cache.set(text, c);
    return c;
  };
}

/** Stable sort: longest prefix first, then by `rank` (lower first), then original order. */
function sortPrefixes<T extends { readonly cidr: Cidr }>(xs: T[], rank: (x: T) => number): T[] {
  return xs
    .map((x, i) => ({ x, i }))
    .sort((a, b) => b.x.cidr.length - a.x.cidr.length || rank(a.x) - rank(b.x) || a.i - b.i)
    .map((e) => e.x);
}

export class CompiledLookup implements Lookup {
  private readonly vpcs: Map<string, Vpc>;
  private readonly subnets: Map<string, Subnet>;
  private readonly enis: Map<string, NetworkInterface>;
  private readonly nats;
  private readonly igws;
  private readonly eigws;
  private readonly pcxs;
  private readonly tgws;
  private readonly tgwAtts;
  private readonly endpoints;
  private readonly prefixLists: Map<string, ManagedPrefixList>;
  private readonly plCidrs = new Map<string, Cidr[]>();
  private readonly plByService = new Map<string, ManagedPrefixList>();
  private readonly igwByVpc = new Map<string, NonNullable<Network["internetGateways"]>[number]>();
  private readonly primaryEni = new Map<string, NetworkInterface>();
  private readonly subnetRtb = new Map<string, RouteTable | undefined>();
  private readonly subnetAcl = new Map<string, NetworkAcl | undefined>();
  private readonly vpcCidrs = new Map<string, Cidr[]>();
  private readonly holderByVpcIp = new Map<string, Holder>();
  private readonly holderByIp = new Map<string, Holder>();
  private readonly publicByIp = new Map<string, { holder: Holder; privateIp: Ip }>();
  private readonly publicOf = new Map<string, { priv: string; pub: Ip }>();
  private readonly routes = new Map<string, { 4: CRoute[]; 6: CRoute[] }>();
  private readonly tgwRtbByAssoc = new Map<string, TransitGatewayRouteTable>();
  private readonly tgwRoutes = new Map<string, CTgwRoute[]>();
  private readonly tgwVpcAtt = new Map<string, NonNullable<Network["transitGatewayAttachments"]>[number]>();
  private readonly sgRules = new Map<string, { ingress: CRule[]; egress: CRule[] }>();
  /** Group -> member address -> the members' Regions (undefined when unknown). */
  private readonly sgMembers = new Map<string, Map<string, (string | undefined)[]>>();
  private readonly eniRegion = new Map<string, string | undefined>();
  private readonly acls = new Map<string, { ingress: CEntry[]; egress: CEntry[] }>();
  private readonly parseCidr: (text: string) => Cidr | undefined;
  private readonly eniAddrs = new Map<string, { 4: Ip[]; 6: Ip[] }>();

  constructor(n: Network) {
    const parseCidr = cidrParser();
    const cidrs = (texts: readonly (string | undefined)[]): Cidr[] => {
      const out: Cidr[] = [];
      for (const t of texts) {
        const c = t ? parseCidr(t) : undefined;
        if (c) out.push(c);
      }
      return out;
    };
    this.parseCidr = parseCidr;
    this.vpcs = byId(n.vpcs);
    this.subnets = byId(n.subnets);
    this.enis = byId(n.networkInterfaces);
    this.nats = byId(n.natGateways);
    this.igws = byId(n.internetGateways);
    this.eigws = byId(n.egressOnlyInternetGateways);
    this.pcxs = byId(n.vpcPeeringConnections);
    this.tgws = byId(n.transitGateways);
    this.tgwAtts = byId(n.transitGatewayAttachments);
    this.endpoints = byId(n.vpcEndpoints);
    this.prefixLists = byId(n.prefixLists);

    for (const pl of this.prefixLists.values()) this.plCidrs.set(pl.id, cidrs(pl.entries.map((e) => e.cidr)));
    for (const pl of n.prefixLists ?? []) if (pl.serviceName) setFirst(this.plByService, pl.serviceName, pl);
    for (const g of n.internetGateways ?? []) if (g.attachedVpcId) setFirst(this.igwByVpc, g.attachedVpcId, g);
    for (const v of this.vpcs.values()) this.vpcCidrs.set(v.id, cidrs([...v.cidrBlocks, ...(v.ipv6CidrBlocks ?? [])]));

    // Instances: the interface with device index 0, else the first attached.
    const firstAttached = new Map<string, NetworkInterface>();
    for (const e of n.networkInterfaces) {
      const iid = e.attachment?.instanceId;
      if (!iid) continue;
      setFirst(firstAttached, iid, e);
      if ((e.attachment?.deviceIndex ?? 0) === 0) setFirst(this.primaryEni, iid, e);
    }
    for (const [iid, e] of firstAttached) setFirst(this.primaryEni, iid, e);

    // Subnet -> route table and ACL.
    const mainRtb = new Map<string, RouteTable>();
    for (const t of n.routeTables) if (t.main === true) setFirst(mainRtb, t.vpcId, t);
    const rtbs = byId(n.routeTables);
    const defaultAcl = new Map<string, NetworkAcl>();
    for (const a of n.networkAcls) if (a.isDefault === true) setFirst(defaultAcl, a.vpcId, a);
    const aclById = byId(n.networkAcls);
    for (const s of this.subnets.values()) {
      this.subnetRtb.set(s.id, s.routeTableId ? rtbs.get(s.routeTableId) : mainRtb.get(s.vpcId));
      this.subnetAcl.set(s.id, s.networkAclId ? aclById.get(s.networkAclId) : defaultAcl.get(s.vpcId));
    }

    for (const e of n.networkInterfaces) {
      if (this.eniAddrs.has(e.id)) continue;
      const parsed = (list: readonly string[], family: 4 | 6) =>
        list.map((a) => parseIp(a)).filter((ip): ip is Ip => ip?.family === family);
      this.eniAddrs.set(e.id, { 4: parsed(e.privateIpAddresses, 4), 6: parsed(e.ipv6Addresses ?? [], 6) });
    }

    // Address holders: interfaces first, then NAT gateways (model order), first one wins. A NAT
    // gateway's own interface (interfaceType "nat_gateway") is represented by the NatGateway.
    const holders = n.networkInterfaces.filter((e) => e.interfaceType !== "nat_gateway");
    for (const e of n.networkInterfaces) {
      const sub = this.subnets.get(e.subnetId);
      setFirst(this.eniRegion, e.id, e.region ?? sub?.region ?? (sub ? this.vpcs.get(sub.vpcId)?.region : undefined));
    }
    for (const e of holders) {
      const vpcId = this.subnets.get(e.subnetId)?.vpcId;
      const region = this.eniRegion.get(e.id);
      const addrs = [...e.privateIpAddresses, ...(e.ipv6Addresses ?? [])];
      const holder: Holder = { kind: "eni", eni: e };
      for (const a of addrs) {
        const ip = parseIp(a);
        if (!ip) continue;
        if (vpcId) setFirst(this.holderByVpcIp, `${vpcId} ${ip.text}`, holder);
        setFirst(this.holderByIp, ip.text, holder);
        if (ip.family === 6) setFirst(this.publicByIp, ip.text, { holder, privateIp: ip });
        for (const gid of e.securityGroupIds) {
          let m = this.sgMembers.get(gid);
          if (!m) this.sgMembers.set(gid, (m = new Map()));
          const regions = m.get(ip.text);
          if (regions) regions.push(region);
          else m.set(ip.text, [region]);
        }
      }
    }
    for (const e of holders) {
      const pub = e.publicIp ? parseIp(e.publicIp) : undefined;
      const priv = e.privateIpAddresses[0] ? parseIp(e.privateIpAddresses[0]) : undefined;
      if (pub && priv) {
        setFirst(this.publicByIp, pub.text, { holder: { kind: "eni", eni: e }, privateIp: priv });
        this.publicOf.set(e.id, { priv: priv.text, pub });
      }
    }
    for (const g of n.natGateways ?? []) {
      const ip = parseIp(g.privateIp);
      if (!ip || ip.family !== 4) continue;
      const holder: Holder = { kind: "nat", nat: g };
      const vpcId = this.subnets.get(g.subnetId)?.vpcId;
      if (vpcId) setFirst(this.holderByVpcIp, `${vpcId} ${ip.text}`, holder);
      setFirst(this.holderByIp, ip.text, holder);
    }
    for (const g of n.natGateways ?? []) {
      const priv = parseIp(g.privateIp);
      const pub = g.connectivityType === "public" && g.publicIp ? parseIp(g.publicIp) : undefined;
      if (pub && priv) {
        setFirst(this.publicByIp, pub.text, { holder: { kind: "nat", nat: g }, privateIp: priv });
        this.publicOf.set(g.id, { priv: priv.text, pub });
      }
    }

    // Route tables: prefixes sorted longest first; implicit local routes appended.
    for (const t of n.routeTables) this.routes.set(t.id, this.compileRoutes(t));

    // Transit gateways.
    for (const t of n.transitGatewayRouteTables ?? []) {
      for (const a of t.associations) setFirst(this.tgwRtbByAssoc, `${t.transitGatewayId} ${a}`, t);
      const list: (CTgwRoute & { rank: number })[] = [];
      for (const route of t.routes) {
        const c = parseCidr(route.destinationCidrBlock);
        if (c) list.push({ cidr: c, rank: 0, match: { route, origin: "static", matchedCidr: c.text } });
      }
      for (const attId of t.propagations) {
        const att = this.tgwAtts.get(attId);
        if (!att || att.type !== "vpc" || !att.vpcId) continue;
        for (const c of this.vpcCidrs.get(att.vpcId) ?? [])
          list.push({
            cidr: c,
            rank: 1,
            match: { route: { destinationCidrBlock: c.text, transitGatewayAttachmentId: att.id, state: "active" }, origin: "propagated", matchedCidr: c.text },
          });
      }
      this.tgwRoutes.set(t.id, sortPrefixes(list, (x) => x.rank));
    }
    for (const a of n.transitGatewayAttachments ?? [])
      if (a.type === "vpc" && a.vpcId && (a.state ?? "available") === "available") setFirst(this.tgwVpcAtt, `${a.transitGatewayId} ${a.vpcId}`, a);

    // Security groups and ACLs.
    for (const g of n.securityGroups) {
      if (this.sgRules.has(g.id)) continue;
      const compile = (rules: readonly SecurityGroupRule[]): CRule[] =>
        rules.map((rule, index) => {
          const r: { -readonly [K in keyof CRule]: CRule[K] } = { rule, index, proto: protocolNumber(rule.ipProtocol) };
          const v4 = rule.cidrIpv4 ? parseCidr(rule.cidrIpv4) : undefined;
          const v6 = rule.cidrIpv6 ? parseCidr(rule.cidrIpv6) : undefined;
          if (v4) r.v4 = v4;
          if (v6) r.v6 = v6;
          if (rule.prefixListId) r.pl = this.plCidrs.get(rule.prefixListId) ?? [];
          if (rule.referencedGroup) r.ref = rule.referencedGroup.groupId;
          return r;
        });
      this.sgRules.set(g.id, { ingress: compile(g.ingress), egress: compile(g.egress) });
    }
    for (const a of n.networkAcls) {
      if (this.acls.has(a.id)) continue;
      const compile = (egress: boolean): CEntry[] =>
        a.entries
          .filter((e) => e.egress === egress)
          .map((entry, i) => ({ entry, i }))
          .sort((x, y) => x.entry.ruleNumber - y.entry.ruleNumber || x.i - y.i)
          .map(({ entry }) => {
            const e: { -readonly [K in keyof CEntry]: CEntry[K] } = { entry, proto: protocolNumber(entry.protocol) };
            const v4 = entry.cidrBlock ? parseCidr(entry.cidrBlock) : undefined;
            const v6 = entry.ipv6CidrBlock ? parseCidr(entry.ipv6CidrBlock) : undefined;
            if (v4) e.v4 = v4;
            if (v6) e.v6 = v6;
            return e;
          });
      this.acls.set(a.id, { ingress: compile(false), egress: compile(true) });
    }
  }

  private compileRoutes(t: RouteTable): { 4: CRoute[]; 6: CRoute[] } {
    const out: { 4: CRoute[]; 6: CRoute[] } = { 4: [], 6: [] };
    const add = (route: Route, c: Cidr, pl: boolean, implicit: boolean): void => {
      const match: RouteMatch = implicit ? { route, matchedCidr: c.text, implicitLocal: true } : { route, matchedCidr: c.text };
      out[c.family].push({ cidr: c, pl, match });
    };
    const listed = new Set<string>();
    for (const route of t.routes) {
      if (route.destinationPrefixListId) {
        for (const c of this.plCidrs.get(route.destinationPrefixListId) ?? []) add(route, c, true, false);
        continue;
      }
      // As in AWS's Route shape: an IPv4 route has destinationCidrBlock, an IPv6 one destinationIpv6CidrBlock.
      const c4 = route.destinationCidrBlock ? this.parseCidr(route.destinationCidrBlock) : undefined;
      const c6 = route.destinationIpv6CidrBlock ? this.parseCidr(route.destinationIpv6CidrBlock) : undefined;
      const d = route.destinationCidrBlock ?? route.destinationIpv6CidrBlock;
      const dc = d ? this.parseCidr(d) : undefined;
      if (dc) listed.add(dc.text);
      if (c4 && c4.family === 4) add(route, c4, false, false);
      if (c6 && c6.family === 6) add(route, c6, false, false);
    }
    for (const c of this.vpcCidrs.get(t.vpcId) ?? []) {
      if (listed.has(c.text)) continue;
      add(c.family === 4 ? { destinationCidrBlock: c.text, gatewayId: "local" } : { destinationIpv6CidrBlock: c.text, gatewayId: "local" }, c, false, true);
    }
    out[4] = sortPrefixes(out[4], (x) => (x.pl ? 1 : 0));
    out[6] = sortPrefixes(out[6], (x) => (x.pl ? 1 : 0));
    return out;
  }

  vpc(id: string) {
    return this.vpcs.get(id);
  }
  subnet(id: string) {
    return this.subnets.get(id);
  }
  eni(id: string) {
    return this.enis.get(id);
  }
  natGateway(id: string) {
    return this.nats.get(id);
  }
  internetGateway(id: string) {
    return this.igws.get(id);
  }
  egressOnlyInternetGateway(id: string) {
    return this.eigws.get(id);
  }
  internetGatewayOfVpc(vpcId: string) {
    return this.igwByVpc.get(vpcId);
  }
  peering(id: string) {
    return this.pcxs.get(id);
  }
  transitGateway(id: string) {
    return this.tgws.get(id);
  }
  transitGatewayAttachment(id: string) {
    return this.tgwAtts.get(id);
  }
  vpcEndpoint(id: string) {
    return this.endpoints.get(id);
  }
  prefixList(id: string) {
    return this.prefixLists.get(id);
  }
  prefixListOfService(serviceName: string) {
    return this.plByService.get(serviceName);
  }
  primaryEniOfInstance(instanceId: string) {
    return this.primaryEni.get(instanceId);
  }
  routeTableOfSubnet(subnet: Subnet) {
    return this.subnetRtb.get(subnet.id);
  }
  networkAclOfSubnet(subnet: Subnet) {
    return this.subnetAcl.get(subnet.id);
  }
  addresses(eni: NetworkInterface, family: 4 | 6): readonly Ip[] {
    const a = this.eniAddrs.get(eni.id);
    // An interface object that is not the model's own (same id, other content) is parsed afresh.
    if (a && this.enis.get(eni.id) === eni) return a[family];
    const list = family === 4 ? eni.privateIpAddresses : (eni.ipv6Addresses ?? []);
    return list.map((x) => parseIp(x)).filter((ip): ip is Ip => ip?.family === family);
  }
  holderInVpc(vpcId: string, ip: Ip) {
    return this.holderByVpcIp.get(`${vpcId} ${ip.text}`);
  }
  holderAnywhere(ip: Ip) {
    return this.holderByIp.get(ip.text);
  }
  publicHolder(ip: Ip) {
    return this.publicByIp.get(ip.text);
  }
  publicIpFor(holder: Holder, privateIp: Ip) {
    const p = this.publicOf.get(holder.kind === "eni" ? holder.eni.id : holder.nat.id);
    return p && p.priv === privateIp.text ? p.pub : undefined;
  }
  vpcContains(vpc: Vpc, ip: Ip) {
    for (const c of this.vpcCidrs.get(vpc.id) ?? []) if (cidrContains(c, ip)) return true;
    return false;
  }
  route(table: RouteTable, ip: Ip): RouteMatch | undefined {
    const list = this.routes.get(table.id)?.[ip.family];
    if (!list) return undefined;
    for (const r of list) if ((ip.value & r.cidr.mask) === r.cidr.base) return r.match;
    return undefined;
  }
  tgwRouteTableFor(transitGatewayId: string, attachmentId: string) {
    return this.tgwRtbByAssoc.get(`${transitGatewayId} ${attachmentId}`);
  }
  tgwRoute(table: TransitGatewayRouteTable, ip: Ip): TgwRouteMatch | undefined {
    for (const r of this.tgwRoutes.get(table.id) ?? []) if (cidrContains(r.cidr, ip)) return r.match;
    return undefined;
  }
  tgwVpcAttachment(transitGatewayId: string, vpcId: string) {
    return this.tgwVpcAtt.get(`${transitGatewayId} ${vpcId}`);
  }
  /** A member of the group holds the address, in the same Region when both Regions are known. */
  private isMember(groupId: string, ip: Ip, region: string | undefined): boolean {
    const regions = this.sgMembers.get(groupId)?.get(ip.text);
    if (!regions) return false;
    return region === undefined || regions.some((r) => r === undefined || r === region);
  }
  securityGroupMatch(eni: NetworkInterface, direction: "ingress" | "egress", pkt: Packet, peer: Ip): SgMatch | undefined {
    const sub = this.enis.get(eni.id) === eni ? undefined : this.subnets.get(eni.subnetId);
    const region = sub ? (eni.region ?? sub.region ?? this.vpcs.get(sub.vpcId)?.region) : this.eniRegion.get(eni.id);
    for (const gid of eni.securityGroupIds) {
      const g = this.sgRules.get(gid);
      if (!g) continue;
      for (const r of g[direction]) {
        if (!sgRuleMatchesTraffic(r.rule, r.proto, pkt)) continue;
        const ok =
          (r.v4 !== undefined && cidrContains(r.v4, peer)) ||
          (r.v6 !== undefined && cidrContains(r.v6, peer)) ||
          (r.pl !== undefined && r.pl.some((c) => cidrContains(c, peer))) ||
          (r.ref !== undefined && this.isMember(r.ref, peer, region));
        if (ok) return { groupId: gid, index: r.index, rule: r.rule };
      }
    }
    return undefined;
  }
  aclDecision(acl: NetworkAcl, egress: boolean, pkt: Packet): AclDecision {
    const addr = egress ? pkt.dst : pkt.src;
    const list = this.acls.get(acl.id)?.[egress ? "egress" : "ingress"] ?? [];
    for (const e of list) {
      const c = addr.family === 4 ? e.v4 : e.v6;
      if (!c || !cidrContains(c, addr)) continue;
      if (!aclEntryMatchesTraffic(e.entry, e.proto, pkt)) continue;
      return { ruleNumber: e.entry.ruleNumber, ruleAction: e.entry.ruleAction, entry: e.entry };
    }
    return { ruleNumber: addr.family === 4 ? STAR_RULE_IPV4 : STAR_RULE_IPV6, ruleAction: "deny" };
  }
}

export interface CompiledNetwork {
  readonly version: string | number | undefined;
  evaluate(flow: Flow): FlowResult;
}

/** Builds the indexes once; evaluate() then answers each flow from them. */
export function compileNetwork(network: Network): CompiledNetwork {
  const lookup = new CompiledLookup(network);
  return { version: network.version, evaluate: (flow) => evaluateWith(lookup, flow) };
}
