/**
 * EC2 resource types: the id prefix, the TagSpecifications ResourceType name, and the
 * NotFound error EC2 answers for an unknown id of that type (EC2 API error codes:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). One table, so
 * every family and CreateTags agree; each NotFound code appears here only.
 */
import { AwsError } from "../../../core/index.js";

export interface ResourceTypeInfo {
  /** The ResourceType value of TagSpecifications and DescribeTags. */
  readonly type: string;
  readonly prefix: string;
  readonly notFoundCode: string;
  /** How the message names it: "The vpc ID 'vpc-1' does not exist". */
  readonly noun: string;
}

const t = (type: string, prefix: string, notFoundCode: string, noun: string): ResourceTypeInfo => ({ type, prefix, notFoundCode, noun });

export const RESOURCE_TYPES: readonly ResourceTypeInfo[] = [
  t("vpc", "vpc", "InvalidVpcID.NotFound", "vpc ID"),
  t("subnet", "subnet", "InvalidSubnetID.NotFound", "subnet ID"),
  t("internet-gateway", "igw", "InvalidInternetGatewayID.NotFound", "internetGateway ID"),
  t("egress-only-internet-gateway", "eigw", "InvalidGatewayID.NotFound", "egress-only internet gateway ID"),
  t("natgateway", "nat", "NatGatewayNotFound", "Nat Gateway"),
  t("elastic-ip", "eipalloc", "InvalidAllocationID.NotFound", "allocation ID"),
  t("route-table", "rtb", "InvalidRouteTableID.NotFound", "routeTable ID"),
  t("security-group", "sg", "InvalidGroup.NotFound", "security group"),
  t("security-group-rule", "sgr", "InvalidSecurityGroupRuleId.NotFound", "security group rule ID"),
  t("network-acl", "acl", "InvalidNetworkAclID.NotFound", "networkAcl ID"),
  t("prefix-list", "pl", "InvalidPrefixListID.NotFound", "prefix list ID"),
  t("network-interface", "eni", "InvalidNetworkInterfaceID.NotFound", "networkInterface ID"),
  // Not taggable: ENI attachment ids (eni-attach-…) only need their NotFound (DetachNetworkInterface).
  t("network-interface-attachment", "eni-attach", "InvalidAttachmentID.NotFound", "attachment ID"),
  t("instance", "i", "InvalidInstanceID.NotFound", "instance ID"),
  t("volume", "vol", "InvalidVolume.NotFound", "volume"),
  t("snapshot", "snap", "InvalidSnapshot.NotFound", "snapshot"),
  t("vpc-peering-connection", "pcx", "InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection ID"),
  t("transit-gateway", "tgw", "InvalidTransitGatewayID.NotFound", "Transit Gateway"),
  t("transit-gateway-attachment", "tgw-attach", "InvalidTransitGatewayAttachmentID.NotFound", "Transit Gateway Attachment"),
  t("transit-gateway-route-table", "tgw-rtb", "InvalidRouteTableID.NotFound", "Transit Gateway Route Table"),
  t("vpc-endpoint", "vpce", "InvalidVpcEndpointId.NotFound", "VPC endpoint"),
  t("vpc-flow-log", "fl", "InvalidFlowLogId.NotFound", "flow log ID"),
  t("network-insights-path", "nip", "InvalidNetworkInsightsPathId.NotFound", "network insights path"),
  t("network-insights-analysis", "nia", "InvalidNetworkInsightsAnalysisId.NotFound", "network insights analysis"),
  t("dhcp-options", "dopt", "InvalidDhcpOptionID.NotFound", "dhcpOption ID"),
];

const byType = new Map(RESOURCE_TYPES.map((r) => [r.type, r] as const));
// Longest prefix first so that "tgw-attach-…" is not taken for "tgw-…".
const byPrefix = [...RESOURCE_TYPES].sort((a, b) => b.prefix.length - a.prefix.length);

export const resourceType = (type: string): ResourceTypeInfo => {
  const info = byType.get(type);
  if (!info) throw new Error(`unknown EC2 resource type ${type}`);
  return info;
};

/** The resource type an id belongs to, judged by its prefix (e.g. "sg-0ab…" → security-group). */
export const typeOfId = (id: string): ResourceTypeInfo | undefined => byPrefix.find((r) => id.startsWith(`${r.prefix}-`));

/** The NotFound error for an id of a type, with EC2's message form. */
export const notFound = (type: string, id: string): AwsError => {
  const info = resourceType(type);
  return new AwsError(info.notFoundCode, `The ${info.noun} '${id}' does not exist`, { status: 400 });
};

/** A malformed id of any type (e.g. CreateTags on "foo"): InvalidID. */
export const invalidId = (id: string): AwsError => new AwsError("InvalidID", `The ID '${id}' is not valid`, { status: 400 });
