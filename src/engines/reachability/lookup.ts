/**
 * The questions the path walk asks about a network. Two implementations answer them:
 * `BruteForceLookup` (scans the model's arrays and re-parses every address on every question:
 * obviously right, slow) and `CompiledLookup` (indexes built once per network version: maps by
 * id and address, pre-parsed CIDRs, sorted ACL entries and routes). The walk (walk.ts) is the
 * same for both; a test asserts that both give identical results on every case and on random
 * flows over random networks.
 */
import type { Ip } from "./ip.js";
import type {
  EgressOnlyInternetGateway,
  InternetGateway,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Route,
  RouteTable,
  SecurityGroupRule,
  Subnet,
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  Vpc,
  VpcEndpoint,
  VpcPeeringConnection,
} from "./model.js";
import type { Packet } from "./semantics.js";

/** Who holds an address inside a VPC: an interface, or a NAT gateway (which has no SGs). */
export type Holder =
  | { readonly kind: "eni"; readonly eni: NetworkInterface }
  | { readonly kind: "nat"; readonly nat: NatGateway };

export interface RouteMatch {
  readonly route: Route;
  /** The CIDR that matched (the prefix list entry for a prefix-list route). */
  readonly matchedCidr: string;
  /** The local route was synthesized from the VPC's CIDRs (absent from the table). */
  readonly implicitLocal?: boolean;
}

export interface TgwRouteMatch {
  readonly route: TransitGatewayRoute;
  readonly origin: "static" | "propagated";
  readonly matchedCidr: string;
}

export interface SgMatch {
  readonly groupId: string;
  readonly index: number;
  readonly rule: SecurityGroupRule;
}

export interface AclDecision {
  readonly ruleNumber: number;
  readonly ruleAction: "allow" | "deny";
  /** Absent for the implicit `*` rule. */
  readonly entry?: NetworkAclEntry;
}

export interface Lookup {
  vpc(id: string): Vpc | undefined;
  subnet(id: string): Subnet | undefined;
  eni(id: string): NetworkInterface | undefined;
  natGateway(id: string): NatGateway | undefined;
  internetGateway(id: string): InternetGateway | undefined;
  egressOnlyInternetGateway(id: string): EgressOnlyInternetGateway | undefined;
  /** The internet gateway attached to a VPC, if any. */
  internetGatewayOfVpc(vpcId: string): InternetGateway | undefined;
  peering(id: string): VpcPeeringConnection | undefined;
  transitGateway(id: string): TransitGateway | undefined;
  transitGatewayAttachment(id: string): TransitGatewayAttachment | undefined;
  vpcEndpoint(id: string): VpcEndpoint | undefined;
  prefixList(id: string): ManagedPrefixList | undefined;
  /** The prefix list of a service ("com.amazonaws.us-east-1.s3"). */
  prefixListOfService(serviceName: string): ManagedPrefixList | undefined;
  /** The interface with device index 0 of an instance. */
  primaryEniOfInstance(instanceId: string): NetworkInterface | undefined;

  routeTableOfSubnet(subnet: Subnet): RouteTable | undefined;
  networkAclOfSubnet(subnet: Subnet): NetworkAcl | undefined;

  /** An interface's private IPv4 (primary first) or IPv6 addresses, parsed. */
  addresses(eni: NetworkInterface, family: 4 | 6): readonly Ip[];
  /** Holder of a private IPv4 or an IPv6 address in one VPC. */
  holderInVpc(vpcId: string, ip: Ip): Holder | undefined;
  /** Holder of a private IPv4 or an IPv6 address anywhere (first in model order). */
  holderAnywhere(ip: Ip): Holder | undefined;
  /** Holder reached from the internet at this address: a public IPv4 (ENI or NAT EIP) or an IPv6. */
  publicHolder(ip: Ip): { readonly holder: Holder; readonly privateIp: Ip } | undefined;
  /** The public IPv4 that an interface or NAT gateway uses for this private source address. */
  publicIpFor(holder: Holder, privateIp: Ip): Ip | undefined;
  vpcContains(vpc: Vpc, ip: Ip): boolean;

  /** Longest prefix match; a CIDR route beats a prefix-list route of the same length. */
  route(table: RouteTable, ip: Ip): RouteMatch | undefined;
  /** The route table of `transitGatewayId` that `attachmentId` is associated with. */
  tgwRouteTableFor(transitGatewayId: string, attachmentId: string): TransitGatewayRouteTable | undefined;
  /** Longest prefix match; static beats propagated at the same length. */
  tgwRoute(table: TransitGatewayRouteTable, ip: Ip): TgwRouteMatch | undefined;
  tgwVpcAttachment(transitGatewayId: string, vpcId: string): TransitGatewayAttachment | undefined;

  /** First rule (groups in interface order, rules in order) allowing the packet; `peer` is the other end. */
  securityGroupMatch(eni: NetworkInterface, direction: "ingress" | "egress", pkt: Packet, peer: Ip): SgMatch | undefined;
  /** Entries by ascending rule number, first match wins, then `*`. */
  aclDecision(acl: NetworkAcl, egress: boolean, pkt: Packet): AclDecision;
}
