/**
 * The network model the path engine evaluates: plain data, no storage, no behaviour. The EC2
 * service fills it from its tables (one snapshot per network version); tests write it as JSON.
 * Field names follow the EC2 API shapes (camelCase) so the mapping from Describe* output is
 * mechanical. Every resource may belong to any account and Region: one model can hold several
 * accounts and Regions, which is how peering, shared subnets and Transit Gateway peering work.
 *
 * Conventions the engine relies on (what the EC2 service guarantees in AWS):
 * - a subnet without `routeTableId` uses its VPC's main route table (`main: true`);
 * - a subnet without `networkAclId` uses its VPC's default network ACL (`isDefault: true`);
 * - every VPC CIDR has a local route; when a route table omits it the engine adds it
 *   (the local route cannot be deleted in AWS);
 * - security groups and ACL entries are in the order the API returns them; ACL entries are
 *   evaluated by ascending rule number whatever their order here.
 */

export interface Owned {
  readonly accountId?: string;
  readonly region?: string;
}

export interface Vpc extends Owned {
  readonly id: string;
  /** Primary and secondary IPv4 CIDR blocks. */
  readonly cidrBlocks: readonly string[];
  readonly ipv6CidrBlocks?: readonly string[];
}

export interface Subnet extends Owned {
  readonly id: string;
  readonly vpcId: string;
  readonly availabilityZoneId?: string;
  readonly cidrBlock?: string;
  readonly ipv6CidrBlocks?: readonly string[];
  /** Explicitly associated route table; absent = the VPC's main route table. */
  readonly routeTableId?: string;
  /** Associated network ACL; absent = the VPC's default network ACL. */
  readonly networkAclId?: string;
}

/** One route, shaped like EC2's `Route`: one destination, one target. */
export interface Route {
  readonly destinationCidrBlock?: string;
  readonly destinationIpv6CidrBlock?: string;
  readonly destinationPrefixListId?: string;
  /** "local", an igw- id or a vpce- (gateway endpoint) id. */
  readonly gatewayId?: string;
  readonly egressOnlyInternetGatewayId?: string;
  readonly natGatewayId?: string;
  readonly instanceId?: string;
  readonly networkInterfaceId?: string;
  readonly vpcPeeringConnectionId?: string;
  readonly transitGatewayId?: string;
  /** Default "active". AWS shows "blackhole" when the target is gone. */
  readonly state?: "active" | "blackhole";
}

export interface RouteTable extends Owned {
  readonly id: string;
  readonly vpcId: string;
  readonly main?: boolean;
  readonly routes: readonly Route[];
}

export interface InternetGateway extends Owned {
  readonly id: string;
  readonly attachedVpcId?: string;
}

export interface EgressOnlyInternetGateway extends Owned {
  readonly id: string;
  readonly attachedVpcId?: string;
}

export interface NatGateway extends Owned {
  readonly id: string;
  readonly subnetId: string;
  readonly connectivityType: "public" | "private";
  readonly privateIp: string;
  /** The Elastic IP of a public NAT gateway. */
  readonly publicIp?: string;
  /** Default "available". */
  readonly state?: string;
  /**
   * The gateway's own (requester-managed) network interface. The engine does not route by it; it
   * names it on the path (PathComponent.interfaceId) so that flow logs can record there.
   */
  readonly networkInterfaceId?: string;
}

export interface NetworkInterface extends Owned {
  readonly id: string;
  readonly subnetId: string;
  /** Primary first. */
  readonly privateIpAddresses: readonly string[];
  readonly ipv6Addresses?: readonly string[];
  /** Public IPv4 (auto-assigned or Elastic IP) associated with the primary private address. */
  readonly publicIp?: string;
  readonly securityGroupIds: readonly string[];
  readonly attachment?: { readonly instanceId?: string; readonly deviceIndex?: number; readonly status?: string };
  /**
   * "interface" (default), "vpc_endpoint", "nat_gateway", "transit_gateway", "lambda", ...
   * A "nat_gateway" interface may be listed (DescribeNetworkInterfaces shows it) but the engine
   * ignores it: the `NatGateway` entry stands for it.
   */
  readonly interfaceType?: string;
  /** Default true: the interface drops traffic that is not addressed to/from it. */
  readonly sourceDestCheck?: boolean;
}

export interface IcmpTypeCode {
  /** -1 = every type. */
  readonly type: number;
  /** -1 = every code. */
  readonly code: number;
}

/** One security group rule, shaped like EC2's `SecurityGroupRule`. */
export interface SecurityGroupRule {
  readonly ruleId?: string;
  /** "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a protocol number ("6", "50"...). */
  readonly ipProtocol: string;
  /** Port range for tcp/udp; ICMP type (fromPort) and code (toPort) for icmp/icmpv6; -1 = all. */
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  /** A group of this or another account (userId), same VPC, a peered VPC or a shared VPC. */
  readonly referencedGroup?: { readonly groupId: string; readonly userId?: string };
  readonly description?: string;
}

export interface SecurityGroup extends Owned {
  readonly id: string;
  readonly vpcId: string;
  readonly groupName?: string;
  readonly ingress: readonly SecurityGroupRule[];
  readonly egress: readonly SecurityGroupRule[];
}

/** One network ACL entry, shaped like EC2's `NetworkAclEntry`. */
export interface NetworkAclEntry {
  /** 1..32766; the `*` rules (32767 IPv4, 32768 IPv6) are implicit and may be omitted. */
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly ruleAction: "allow" | "deny";
  /** "-1" or a protocol number; names (tcp, udp, icmp, icmpv6) are accepted too. */
  readonly protocol: string;
  readonly portRange?: { readonly from: number; readonly to: number };
  readonly icmpTypeCode?: IcmpTypeCode;
  readonly cidrBlock?: string;
  readonly ipv6CidrBlock?: string;
}

export interface NetworkAcl extends Owned {
  readonly id: string;
  readonly vpcId: string;
  readonly isDefault?: boolean;
  readonly entries: readonly NetworkAclEntry[];
}

export interface ManagedPrefixList extends Owned {
  readonly id: string;
  readonly name?: string;
  readonly addressFamily?: "IPv4" | "IPv6";
  readonly entries: readonly { readonly cidr: string; readonly description?: string }[];
  /** For AWS-managed lists of a service: "com.amazonaws.us-east-1.s3". */
  readonly serviceName?: string;
}

export interface VpcPeeringConnection {
  readonly id: string;
  /** Only "active" carries traffic. */
  readonly status: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
}

export interface TransitGateway extends Owned {
  readonly id: string;
  readonly state?: string;
}

export interface TransitGatewayAttachment extends Owned {
  readonly id: string;
  readonly transitGatewayId: string;
  readonly type: "vpc" | "peering";
  /** type "vpc". */
  readonly vpcId?: string;
  readonly subnetIds?: readonly string[];
  /**
   * type "vpc": the attachment's network interface in each subnet, in `subnetIds` order. Optional;
   * named on the path (PathComponent.interfaceId) for flow logs, never used to route.
   */
  readonly networkInterfaceIds?: readonly string[];
  /** type "peering": the other transit gateway (another Region or account). */
  readonly peerTransitGatewayId?: string;
  /** Only "available" carries traffic. Default "available". */
  readonly state?: string;
}

export interface TransitGatewayRoute {
  readonly destinationCidrBlock: string;
  /** Absent for a blackhole route. */
  readonly transitGatewayAttachmentId?: string;
  /** Default "active". */
  readonly state?: "active" | "blackhole";
}

export interface TransitGatewayRouteTable extends Owned {
  readonly id: string;
  readonly transitGatewayId: string;
  /** Attachments associated with this table (an attachment has at most one association per TGW). */
  readonly associations: readonly string[];
  /** Attachments whose VPC CIDRs propagate into this table. */
  readonly propagations: readonly string[];
  /** Static and blackhole routes. */
  readonly routes: readonly TransitGatewayRoute[];
}

export interface VpcEndpoint extends Owned {
  readonly id: string;
  readonly vpcId: string;
  readonly vpcEndpointType: "Gateway" | "Interface";
  readonly serviceName: string;
  /** Gateway: the service's prefix list and the route tables that got a route to it. */
  readonly prefixListId?: string;
  readonly routeTableIds?: readonly string[];
  /** Interface: one ENI per chosen subnet. */
  readonly networkInterfaceIds?: readonly string[];
  readonly state?: string;
}

export interface Network {
  /** Opaque: changes whenever anything below changes (the compiled form is per version). */
  readonly version?: string | number;
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
  readonly networkInterfaces: readonly NetworkInterface[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly internetGateways?: readonly InternetGateway[];
  readonly egressOnlyInternetGateways?: readonly EgressOnlyInternetGateway[];
  readonly natGateways?: readonly NatGateway[];
  readonly prefixLists?: readonly ManagedPrefixList[];
  readonly vpcPeeringConnections?: readonly VpcPeeringConnection[];
  readonly transitGateways?: readonly TransitGateway[];
  readonly transitGatewayAttachments?: readonly TransitGatewayAttachment[];
  readonly transitGatewayRouteTables?: readonly TransitGatewayRouteTable[];
  readonly vpcEndpoints?: readonly VpcEndpoint[];
}

/** A flow to evaluate: one connection, its request and its reply. */
export interface Flow {
  /** "tcp", "udp", "icmp", "icmpv6" or a protocol number. */
  readonly protocol: string | number;
  /**
   * An ENI id (eni-), an instance id (i-, its primary interface), an IP address, or "internet".
   * An IP owned by an interface in the model is that interface; any other IP is on the internet.
   */
  readonly source: string;
  /**
   * An ENI id, an instance id, an IP address, "internet", an interface endpoint id (vpce-, its
   * interface), a prefix list id (pl-) or a service name ("com.amazonaws.us-east-1.s3", or "s3"
   * for the source's Region): the first address of the service's prefix list.
   */
  readonly destination: string;
  /** IPv4 (default) or IPv6 when the endpoints are ids; ignored when an address is given. */
  readonly ipVersion?: 4 | 6;
  /** Client port; default 49152 (ephemeral for Linux, Windows 2008+, NAT gateways; see walk.ts). */
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** Address the internet end uses when `source`/`destination` is "internet". */
  readonly internetAddress?: string;
}
