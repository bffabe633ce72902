/**
 * Random networks and flows for tests and measurements. Pure: the randomness is a function
 * passed in (`mulberry32(seed)` gives a reproducible one), so a seed names a network.
 *
 * A generated network has, per VPC: three subnets (public, private via NAT, isolated), route
 * tables with internet gateway / NAT / peering / transit gateway / gateway endpoint / blackhole
 * routes, a default NACL plus custom ones with random entries, security groups with random
 * rules (CIDRs, IPv6, prefix lists, references to groups of the VPC and of peers), interfaces
 * with and without public and IPv6 addresses. Between VPCs: peering connections (some pending,
 * some without a route back) and one transit gateway per Region, peered with the others, with a
 * few blackhole routes and unassociated attachments.
 */
import type {
  Flow,
  ManagedPrefixList,
  Network,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  Vpc,
  VpcEndpoint,
  VpcPeeringConnection,
} from "./model.js";

/** Returns a number in [0, 1). */
export type Rng = () => number;

/** A small, well-known 32-bit PRNG (public domain): reproducible from a seed. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  readonly vpcs: number;
  readonly securityGroupsPerVpc: number;
  readonly rulesPerSecurityGroup: number;
  /** Custom NACLs per VPC on top of the default one (fractional: some VPCs get one more). */
  readonly customNaclsPerVpc: number;
  readonly interfacesPerSubnet: number;
  readonly regions?: readonly string[];
  readonly accounts?: readonly string[];
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;
const PORTS = [22, 53, 80, 443, 3306, 5432, 8080] as const;

export function generateNetwork(rng: Rng, o: GenerateOptions): Network {
  const regions = o.regions ?? ["us-east-1", "eu-west-1"];
  const accounts = o.accounts ?? ["111111111111", "222222222222"];
  if (o.vpcs > 250) throw new RangeError("at most 250 VPCs (10.<i>.0.0/16)");
  const vpcs: Vpc[] = [];
  const subnets: Subnet[] = [];
  const routeTables: RouteTable[] = [];
  const enis: NetworkInterface[] = [];
  const sgs: SecurityGroup[] = [];
  const acls: NetworkAcl[] = [];
  const igws: { id: string; attachedVpcId?: string }[] = [];
  const eigws: { id: string; attachedVpcId?: string }[] = [];
  const nats: NonNullable<Network["natGateways"]>[number][] = [];
  const pcxs: VpcPeeringConnection[] = [];
  const endpoints: VpcEndpoint[] = [];
  const prefixLists: ManagedPrefixList[] = [
    { id: "pl-corp", entries: [{ cidr: "10.0.0.0/12" }, { cidr: "192.168.0.0/16" }] },
    ...regions.map((r, i) => ({
      id: `pl-s3-${i}`,
      serviceName: `com.amazonaws.${r}.s3`,
      entries: [{ cidr: `52.${216 + 2 * i}.0.0/15` }, { cidr: `16.${15 + i}.176.0/20` }],
    })),
  ];
  const cidrOf = (i: number) => `10.${i}.0.0/16`;
  const v6Of = (i: number) => `2600:1f18:${i.toString(16)}::/56`;
  const regionOf = (i: number) => regions[i % regions.length]!;
  const sgIdsOf = (i: number) => Array.from({ length: o.securityGroupsPerVpc }, (_, g) => `sg-${i}-${g}`);

  // Peering pairs first: rules may reference a peer's groups.
  const peersOf = new Map<number, { pcx: string; other: number; routeBack: boolean }[]>();
  for (let p = 0; p < Math.floor(o.vpcs / 2); p++) {
    const a = Math.floor(rng() * o.vpcs);
    const b = Math.floor(rng() * o.vpcs);
    if (a === b) continue;
    const id = `pcx-${p}`;
    pcxs.push({ id, status: chance(rng, 0.9) ? "active" : "pending-acceptance", requesterVpcId: `vpc-${a}`, accepterVpcId: `vpc-${b}` });
    peersOf.set(a, [...(peersOf.get(a) ?? []), { pcx: id, other: b, routeBack: true }]);
    peersOf.set(b, [...(peersOf.get(b) ?? []), { pcx: id, other: a, routeBack: chance(rng, 0.85) }]);
  }

  // Transit gateways: one per Region; some VPCs attached.
  const attached = new Map<number, string>();
  for (let i = 0; i < o.vpcs; i++) if (chance(rng, 0.8)) attached.set(i, `tgw-${regions.indexOf(regionOf(i))}`);

  for (let i = 0; i < o.vpcs; i++) {
    const vpcId = `vpc-${i}`;
    const region = regionOf(i);
    const accountId = accounts[i % accounts.length]!;
    const hasV6 = chance(rng, 0.5);
    vpcs.push({ id: vpcId, accountId, region, cidrBlocks: [cidrOf(i)], ...(hasV6 ? { ipv6CidrBlocks: [v6Of(i)] } : {}) });

    const hasIgw = chance(rng, 0.85);
    if (hasIgw) igws.push({ id: `igw-${i}`, attachedVpcId: vpcId });
    else if (chance(rng, 0.3)) igws.push({ id: `igw-${i}` });
    const igwRef = hasIgw || igws.some((g) => g.id === `igw-${i}`) ? `igw-${i}` : undefined;
    const hasEigw = hasV6 && chance(rng, 0.5);
    if (hasEigw) eigws.push({ id: `eigw-${i}`, attachedVpcId: vpcId });
    const hasNat = chance(rng, 0.7);
    if (hasNat)
      nats.push({ id: `nat-${i}`, subnetId: `subnet-${i}-0`, connectivityType: "public", privateIp: `10.${i}.0.200`, publicIp: `54.100.${i}.200` });
    const hasGwEndpoint = chance(rng, 0.5);
    const s3pl = `pl-s3-${regions.indexOf(region)}`;
    if (hasGwEndpoint)
      endpoints.push({ id: `vpce-gw-${i}`, vpcId, vpcEndpointType: "Gateway", serviceName: `com.amazonaws.${region}.s3`, prefixListId: s3pl, routeTableIds: [`rtb-${i}-pub`, `rtb-${i}-main`] });

    const shared: Route[] = [];
    for (const p of peersOf.get(i) ?? [])
      if (p.routeBack) shared.push({ destinationCidrBlock: cidrOf(p.other), vpcPeeringConnectionId: p.pcx });
    if (attached.has(i)) shared.push({ destinationCidrBlock: "10.0.0.0/8", transitGatewayId: attached.get(i)! });
    if (hasGwEndpoint) shared.push({ destinationPrefixListId: s3pl, gatewayId: `vpce-gw-${i}` });
    if (chance(rng, 0.2)) shared.push({ destinationCidrBlock: cidrOf(Math.floor(rng() * o.vpcs)), natGatewayId: `nat-gone-${i}`, state: "blackhole" });
    const pub: Route[] = [...shared];
    if (igwRef) pub.push({ destinationCidrBlock: "0.0.0.0/0", gatewayId: igwRef });
    if (hasV6 && igwRef) pub.push({ destinationIpv6CidrBlock: "::/0", gatewayId: igwRef });
    const priv: Route[] = [...shared];
    if (hasNat) priv.push({ destinationCidrBlock: "0.0.0.0/0", natGatewayId: `nat-${i}` });
    if (hasEigw) priv.push({ destinationIpv6CidrBlock: "::/0", egressOnlyInternetGatewayId: `eigw-${i}` });
    routeTables.push(
      { id: `rtb-${i}-pub`, vpcId, routes: pub },
      { id: `rtb-${i}-main`, vpcId, main: true, routes: priv },
      { id: `rtb-${i}-iso`, vpcId, routes: chance(rng, 0.5) ? [] : [{ destinationCidrBlock: cidrOf(i), gatewayId: "local" }] },
    );

    // NACLs: the default one, and custom ones with random entries.
    const all = (egress: boolean): NetworkAclEntry[] => [
      { ruleNumber: 100, egress, ruleAction: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0" },
      { ruleNumber: 101, egress, ruleAction: "allow", protocol: "-1", ipv6CidrBlock: "::/0" },
    ];
    acls.push({ id: `acl-${i}-default`, vpcId, isDefault: true, entries: [...all(false), ...all(true)] });
    const nCustom = Math.floor((i + 1) * o.customNaclsPerVpc) - Math.floor(i * o.customNaclsPerVpc);
    const customIds: string[] = [];
    for (let k = 0; k < nCustom; k++) {
      const entries: NetworkAclEntry[] = [];
      const used = new Set<string>();
      for (let e = 0; e < 4 + Math.floor(rng() * 6); e++) {
        const egress = chance(rng, 0.5);
        const ruleNumber = 10 * (1 + Math.floor(rng() * 30));
        if (used.has(`${egress} ${ruleNumber}`)) continue;
        used.add(`${egress} ${ruleNumber}`);
        const protocol = pick(rng, ["-1", "6", "6", "17", "1"]);
        const ports = pick(rng, [[80, 80], [443, 443], [22, 22], [1024, 65535], [32768, 61000], [0, 65535]]);
        const v6 = chance(rng, 0.15);
        const cidr = pick(rng, ["0.0.0.0/0", "10.0.0.0/8", cidrOf(i), cidrOf(Math.floor(rng() * o.vpcs)), `10.${i}.1.0/24`]);
        entries.push({
          ruleNumber,
          egress,
          ruleAction: chance(rng, 0.75) ? "allow" : "deny",
          protocol,
          ...(protocol === "6" || protocol === "17" ? { portRange: { from: ports[0]!, to: ports[1]! } } : {}),
          ...(protocol === "1" ? { icmpTypeCode: { type: pick(rng, [-1, 8, 0]), code: -1 } } : {}),
          ...(v6 ? { ipv6CidrBlock: "::/0" } : { cidrBlock: cidr }),
        });
      }
      // Most custom ACLs end with an allow-all, so their specific entries decide only some flows.
      if (chance(rng, 0.6)) entries.push(...all(false).map((e) => ({ ...e, ruleNumber: 500 + e.ruleNumber })), ...all(true).map((e) => ({ ...e, ruleNumber: 500 + e.ruleNumber })));
      acls.push({ id: `acl-${i}-${k}`, vpcId, entries });
      customIds.push(`acl-${i}-${k}`);
    }

    // Security groups.
    const mine = sgIdsOf(i);
    const refPool = [...mine, ...(peersOf.get(i) ?? []).flatMap((p) => sgIdsOf(p.other).slice(0, 2))];
    for (const id of mine) {
      const rule = (): SecurityGroupRule => {
        const ipProtocol = pick(rng, ["tcp", "tcp", "tcp", "udp", "icmp", "-1", "50"]);
        const port = pick(rng, PORTS);
        const range = chance(rng, 0.2) ? { fromPort: port, toPort: port + 100 } : { fromPort: port, toPort: port };
        const ports = ipProtocol === "tcp" || ipProtocol === "udp" ? range : ipProtocol === "icmp" ? { fromPort: pick(rng, [-1, 8]), toPort: -1 } : {};
        const peerKind = rng();
        const peer: Partial<SecurityGroupRule> =
          peerKind < 0.45
            ? { cidrIpv4: pick(rng, ["0.0.0.0/0", "10.0.0.0/8", cidrOf(i), cidrOf(Math.floor(rng() * o.vpcs)), `10.${i}.1.0/24`]) }
            : peerKind < 0.55
              ? { cidrIpv6: pick(rng, ["::/0", v6Of(i)]) }
              : peerKind < 0.65
                ? { prefixListId: "pl-corp" }
                : { referencedGroup: { groupId: pick(rng, refPool) } };
        return { ipProtocol, ...ports, ...peer };
      };
      const nEgress = Math.floor(o.rulesPerSecurityGroup * 0.3);
      const egress: SecurityGroupRule[] = chance(rng, 0.9) ? [{ ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }, { ipProtocol: "-1", cidrIpv6: "::/0" }] : [];
      while (egress.length < nEgress) egress.push(rule());
      const ingress: SecurityGroupRule[] = [];
      while (ingress.length + egress.length < o.rulesPerSecurityGroup) ingress.push(rule());
      sgs.push({ id, vpcId, accountId, region, ingress, egress });
    }

    // Subnets and interfaces.
    const kinds = ["pub", "main", "iso"] as const;
    for (let j = 0; j < 3; j++) {
      const subnetId = `subnet-${i}-${j}`;
      const aclChoice = chance(rng, 0.4) || customIds.length === 0 ? undefined : pick(rng, customIds);
      subnets.push({
        id: subnetId,
        vpcId,
        accountId,
        region,
        availabilityZoneId: `az${j}`,
        cidrBlock: `10.${i}.${j}.0/24`,
        ...(hasV6 ? { ipv6CidrBlocks: [`2600:1f18:${i.toString(16)}:${j}::/64`] } : {}),
        ...(kinds[j] === "main" ? {} : { routeTableId: `rtb-${i}-${kinds[j]}` }),
        ...(aclChoice ? { networkAclId: aclChoice } : {}),
      });
      for (let k = 0; k < o.interfacesPerSubnet; k++) {
        const groups = [pick(rng, mine)];
        if (chance(rng, 0.3)) groups.push(pick(rng, mine));
        const id = `eni-${i}-${j}-${k}`;
        enis.push({
          id,
          subnetId,
          privateIpAddresses: [`10.${i}.${j}.${10 + k}`],
          ...(hasV6 && chance(rng, 0.6) ? { ipv6Addresses: [`2600:1f18:${i.toString(16)}:${j}::${(10 + k).toString(16)}`] } : {}),
          ...(j === 0 && chance(rng, 0.7) ? { publicIp: `3.${i}.${j}.${10 + k}` } : {}),
          securityGroupIds: [...new Set(groups)],
          attachment: { instanceId: `i-${i}-${j}-${k}`, deviceIndex: 0 },
        });
      }
    }
    if (chance(rng, 0.2)) {
      enis.push({ id: `eni-vpce-${i}`, subnetId: `subnet-${i}-2`, privateIpAddresses: [`10.${i}.2.250`], securityGroupIds: [mine[0]!], interfaceType: "vpc_endpoint" });
      endpoints.push({ id: `vpce-if-${i}`, vpcId, vpcEndpointType: "Interface", serviceName: `com.amazonaws.${region}.sqs`, networkInterfaceIds: [`eni-vpce-${i}`] });
    }
  }

  // Transit gateways, their attachments, route tables, peering between Regions.
  const tgwCount = regions.length;
  const atts: TransitGatewayAttachment[] = [];
  const tables: TransitGatewayRouteTable[] = [];
  const assoc: string[][] = Array.from({ length: tgwCount }, () => []);
  const prop: string[][] = Array.from({ length: tgwCount }, () => []);
  const statics: TransitGatewayRoute[][] = Array.from({ length: tgwCount }, () => []);
  for (const [i, tgw] of attached) {
    const t = Number(tgw.slice(4));
    const id = `tgw-attach-${i}`;
    atts.push({ id, transitGatewayId: tgw, type: "vpc", vpcId: `vpc-${i}`, subnetIds: chance(rng, 0.9) ? [`subnet-${i}-0`, `subnet-${i}-1`, `subnet-${i}-2`] : [`subnet-${i}-2`] });
    if (!chance(rng, 0.05)) assoc[t]!.push(id);
    prop[t]!.push(id);
    if (chance(rng, 0.05)) statics[t]!.push({ destinationCidrBlock: cidrOf(i), state: "blackhole" });
  }
  for (let a = 0; a < tgwCount; a++)
    for (let b = a + 1; b < tgwCount; b++) {
      const id = `tgw-attach-peer-${a}-${b}`;
      atts.push({ id, transitGatewayId: `tgw-${a}`, type: "peering", peerTransitGatewayId: `tgw-${b}` });
      assoc[a]!.push(id);
      assoc[b]!.push(id);
      for (const [i, tgw] of attached) {
        if (tgw === `tgw-${b}`) statics[a]!.push({ destinationCidrBlock: cidrOf(i), transitGatewayAttachmentId: id });
        if (tgw === `tgw-${a}`) statics[b]!.push({ destinationCidrBlock: cidrOf(i), transitGatewayAttachmentId: id });
      }
    }
  for (let t = 0; t < tgwCount; t++)
    tables.push({ id: `tgw-rtb-${t}`, transitGatewayId: `tgw-${t}`, associations: assoc[t]!, propagations: prop[t]!, routes: statics[t]! });

  return {
    version: 1,
    vpcs,
    subnets,
    routeTables,
    networkInterfaces: enis,
    securityGroups: sgs,
    networkAcls: acls,
    internetGateways: igws,
    egressOnlyInternetGateways: eigws,
    natGateways: nats,
    prefixLists,
    vpcPeeringConnections: pcxs,
    transitGateways: regions.map((region, t) => ({ id: `tgw-${t}`, region, accountId: accounts[0]! })),
    transitGatewayAttachments: atts,
    transitGatewayRouteTables: tables,
    vpcEndpoints: endpoints,
  };
}

/** Random flows over a network: interfaces, the internet, addresses, services, public addresses. */
export function generateFlows(rng: Rng, n: Network, count: number): Flow[] {
  const enis = n.networkInterfaces;
  const publicIps = enis.flatMap((e) => (e.publicIp ? [e.publicIp] : []));
  const vpcOfSubnet = new Map(n.subnets.map((s) => [s.id, s.vpcId]));
  const vpcOfEni = new Map(enis.map((e) => [e.id, vpcOfSubnet.get(e.subnetId) ?? ""]));
  const byVpc = new Map<string, NetworkInterface[]>();
  for (const e of enis) byVpc.set(vpcOfEni.get(e.id)!, [...(byVpc.get(vpcOfEni.get(e.id)!) ?? []), e]);
  const flows: Flow[] = [];
  for (let f = 0; f < count; f++) {
    const fromInternet = chance(rng, 0.15);
    const source = fromInternet ? "internet" : pick(rng, enis).id;
    const r = rng();
    let destination: string;
    const neighbours = byVpc.get(vpcOfEni.get(source) ?? "") ?? [];
    if (r < 0.25 && neighbours.length) destination = pick(rng, neighbours).id;
    else if (r < 0.55) destination = pick(rng, enis).id;
    else if (r < 0.65 && !fromInternet) destination = "internet";
    else if (r < 0.75) destination = `10.${Math.floor(rng() * n.vpcs.length)}.${Math.floor(rng() * 3)}.${10 + Math.floor(rng() * 4)}`;
    else if (r < 0.85 && !fromInternet) destination = pick(rng, ["s3", "pl-corp", ...(n.vpcEndpoints ?? []).map((e) => e.id)]);
    else if (publicIps.length) destination = pick(rng, publicIps);
    else destination = pick(rng, enis).id;
    const protocol = pick(rng, ["tcp", "tcp", "tcp", "udp", "icmp", "50"]);
    flows.push({
      protocol,
      source,
      destination,
      dstPort: pick(rng, PORTS),
      srcPort: pick(rng, [49152, 1025, 33000, 60000]),
      ...(chance(rng, 0.1) ? { ipVersion: 6 as const } : {}),
      ...(protocol === "icmp" && chance(rng, 0.3) ? { icmpType: 13, icmpCode: 0 } : {}),
    });
  }
  return flows;
}
