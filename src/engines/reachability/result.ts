/**
 * What an evaluation returns: the verdict, the components crossed on the way there and back
 * (each with the rule or route that let the packet through, and the packet header at that
 * point), where it stopped and why, with Reachability Analyzer's explanation codes.
 *
 * Explanation codes are AWS's, from "Reachability Analyzer explanation codes"
 * (https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html). The messages are
 * ours. Note that codes sometimes quoted for Reachability Analyzer, such as IGW_NOT_ATTACHED or
 * BLACKHOLE_ROUTE, are not on that page: a blackhole route is BAD_STATE_ROUTE (TGW:
 * TGW_RTB_BAD_STATE_ROUTE) and a gateway that is not attached is BAD_STATE_ATTACHMENT.
 */
import type { IcmpTypeCode, NetworkAclEntry, Route, SecurityGroupRule, TransitGatewayRoute } from "./model.js";

export const EXPLANATION_CODES = [
  "BAD_STATE",
  "BAD_STATE_ATTACHMENT",
  "BAD_STATE_ROUTE",
  "ENI_SG_RULES_MISMATCH",
  "ENI_SOURCE_DEST_CHECK_RESTRICTION",
  "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
  "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS",
  "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
  "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
  "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS",
  "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS",
  "NGW_REQUIRES_SOURCE_IN_VPC",
  "NGW_SOURCE_ADDRESS_REASSIGN",
  "NO_PATH",
  "NO_POSSIBLE_DESTINATION",
  "NO_ROUTE_TO_DESTINATION",
  "NO_SOURCE_OR_DESTINATION",
  "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
  "PROTOCOL_RESTRICTION",
  "SUBNET_ACL_RESTRICTION",
  "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
  "TGW_ROUTE_AZ_RESTRICTION",
  "TGW_RTB_BAD_STATE_ROUTE",
  "UNKNOWN_RESOURCE",
  "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
] as const;

export type ExplanationCode = (typeof EXPLANATION_CODES)[number];

export type ComponentType =
  | "network-interface"
  | "security-group"
  | "network-acl"
  | "route-table"
  | "internet-gateway"
  | "egress-only-internet-gateway"
  | "nat-gateway"
  | "vpc-peering-connection"
  | "transit-gateway"
  | "transit-gateway-attachment"
  | "transit-gateway-route-table"
  | "vpc-endpoint"
  | "vpc"
  | "subnet"
  | "internet"
  | "service";

/** The packet as it crosses a component (addresses change at NAT and internet gateways). */
export interface PacketHeader {
  readonly protocol: number;
  readonly sourceAddress: string;
  readonly destinationAddress: string;
  readonly sourcePort?: number;
  readonly destinationPort?: number;
  readonly icmp?: IcmpTypeCode;
}

export interface PathComponent {
  readonly sequenceNumber: number;
  readonly componentId: string;
  readonly componentType: ComponentType;
  /** For security groups and network ACLs: which rule list was applied. */
  readonly direction?: "ingress" | "egress";
  readonly packet: PacketHeader;
  /** The security group rule that allowed the packet (first match, groups in interface order). */
  readonly securityGroupRule?: { readonly groupId: string; readonly index: number; readonly rule: SecurityGroupRule };
  /** The network ACL entry that decided (ruleNumber 32767/32768 = the `*` rule). */
  readonly aclRule?: {
    readonly ruleNumber: number;
    readonly ruleAction: "allow" | "deny";
    readonly entry?: NetworkAclEntry;
  };
  /** The route chosen by longest prefix match. */
  readonly routeTableRoute?: { readonly route: Route; readonly matchedCidr: string; readonly implicitLocal?: boolean };
  readonly transitGatewayRoute?: {
    readonly route: TransitGatewayRoute;
    readonly origin: "static" | "propagated";
    readonly matchedCidr: string;
  };
  /** A human sentence when the component transformed the packet or did something notable. */
  readonly note?: string;
  /**
   * The requester-managed network interface the packet crosses here, when the model names it: a
   * NAT gateway's interface (on nat-gateway hops), a transit gateway attachment's interface in the
   * subnet used (on transit-gateway-attachment hops), and, on network-acl hops, the one of those
   * interfaces whose subnet ACL this is. VPC flow logs record traffic on these interfaces too.
   */
  readonly interfaceId?: string;
}

export interface Explanation {
  readonly explanationCode: ExplanationCode;
  readonly componentId: string;
  readonly componentType: ComponentType;
  readonly direction?: "ingress" | "egress";
  readonly path: "forward" | "return";
  readonly message: string;
  readonly packet?: PacketHeader;
  readonly aclRule?: PathComponent["aclRule"];
  readonly securityGroupIds?: readonly string[];
  readonly routeTableId?: string;
  /** A network-acl block on behalf of a NAT gateway or transit gateway interface (as PathComponent.interfaceId). */
  readonly interfaceId?: string;
}

export interface FlowResult {
  readonly verdict: "ACCEPT" | "REJECT";
  /** The request as first sent, addresses resolved. */
  readonly packet?: PacketHeader;
  readonly forwardPath: readonly PathComponent[];
  readonly returnPath: readonly PathComponent[];
  /** Where the request or the reply stopped (REJECT only). */
  readonly blockedAt?: {
    readonly path: "forward" | "return";
    readonly componentId: string;
    readonly componentType: ComponentType;
    readonly direction?: "ingress" | "egress";
    readonly explanationCode: ExplanationCode;
    readonly reason: string;
  };
  /** Empty on ACCEPT (the paths are the explanation); the blocking reasons on REJECT. */
  readonly explanations: readonly Explanation[];
}
