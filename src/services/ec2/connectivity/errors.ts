/**
 * The connectivity family's EC2 error codes (peering, transit gateways, endpoints, flow logs),
 * one factory per code; each code appears once in the EC2 service. Codes: "Error codes for the
 * Amazon EC2 API", https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * (client errors are HTTP 400). Message wording: real AWS answers quoted in public bug reports,
 * cited on each factory. NotFound codes live in foundation/resource-types.ts.
 */
import { AwsError, commonErrors } from "../../../core/index.js";
import { ec2Codes } from "../errors.js";

const e = (code: string, message: string): AwsError => new AwsError(code, message, { status: 400 });

export const connectivityErrors = {
  /** MissingParameter via core (a required member absent). */
  missing: (name: string) => commonErrors.missingParameter(name),
  invalidValue: (message: string) => commonErrors.invalidParameterValue(message),

  /**
   * errors-overview: "InvalidStateTransition — The VPC peering connection is not in the correct
   * state for the request." Wording as AWS answers it (ekristen/aws-nuke#723): "Invalid state
   * transition for pcx-…, attempted to transition from rejected to deleting".
   */
  invalidStateTransition: (id: string, from: string, to: string) =>
    e("InvalidStateTransition", `Invalid state transition for ${id}, attempted to transition from ${from} to ${to}`),

  /**
   * errors-overview: "OperationNotPermitted — The specified operation is not allowed." Used for
   * peering calls by the wrong side and for options on a peering that is not active
   * ("Peering pcx-12345 is not active. Peering options can be added only to active peerings.",
   * grem11n/terraform-aws-vpc-peering#21).
   */
  operationNotPermitted: (message: string) => ec2Codes.operationNotPermitted(message),

  /**
   * errors-overview: "IncorrectState — The resource is in an incorrect state for the request."
   * DeleteTransitGateway with attachments: "tgw-… has non-deleted Transit Gateway Attachments:
   * tgw-attach-…." (hashicorp/terraform-provider-aws#7196, gruntwork-io/cloud-nuke#744).
   */
  incorrectState: (message: string) => ec2Codes.incorrectState(message),

  /**
   * A second attachment of the same VPC to the same transit gateway (terraform-provider-aws#10852:
   * "DuplicateTransitGatewayAttachment: tgw-… has non-deleted Transit Gateway Attachments with
   * same VPC ID.").
   */
  duplicateTransitGatewayAttachment: (tgwId: string) =>
    e("DuplicateTransitGatewayAttachment", `${tgwId} has non-deleted Transit Gateway Attachments with same VPC ID.`),

  /**
   * Two subnets of one Availability Zone for a transit gateway VPC attachment or an interface
   * endpoint: "You can specify only one subnet per Availability Zone"
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayVpcAttachment.html).
   * The code is DuplicateSubnetsInSameZone (aws-solutions/network-orchestration-for-aws-transit-gateway
   * handles it by name); the endpoint wording "Found another VPC endpoint subnet in the availability
   * zone of subnet-…" is quoted in openshift/hypershift's endpoint controller.
   */
  duplicateSubnetsInSameZone: (message: string) => e("DuplicateSubnetsInSameZone", message),

  /** errors-overview: "DependencyViolation — The specified object has dependent resources." */
  dependencyViolation: (message: string) => ec2Codes.dependencyViolation(message),

  /**
   * errors-overview: "RouteAlreadyExists — A route for the specified CIDR block already exists in
   * this route table." (also for transit gateway route tables).
   */
  routeAlreadyExists: (message: string) => ec2Codes.routeAlreadyExists(message),

  /** errors-overview: "InvalidRoute.NotFound — The specified route does not exist in the specified route table." */
  routeNotFound: (cidr: string, rtbId: string) =>
    ec2Codes.invalidRouteNotFound(`No route with destination-cidr-block ${cidr} in Transit Gateway Route Table ${rtbId}`),

  /**
   * errors-overview: "Resource.AlreadyAssociated — The specified resource is already in use."
   * AssociateTransitGatewayRouteTable on an attachment that already has an association
   * ("one association per attachment",
   * https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html).
   */
  resourceAlreadyAssociated: (message: string) => ec2Codes.resourceAlreadyAssociated(message),

  /**
   * errors-overview: "InvalidServiceName — The name of the AWS service is not valid." (CreateVpcEndpoint
   * with a service the Region does not offer).
   */
  invalidServiceName: (name: string) => e("InvalidServiceName", `The Vpc Endpoint Service '${name}' does not exist`),

  /** errors-overview: "InvalidParameter — A parameter specified in a request is not valid, is unsupported, or cannot be used." */
  invalidParameter: (message: string) => ec2Codes.invalidParameter(message),

  /** errors-overview: "InvalidParameterCombination — Indicates an incorrect combination of parameters, or a missing parameter." */
  invalidParameterCombination: (message: string) => ec2Codes.invalidParameterCombination(message),

  /**
   * errors-overview: "FlowLogAlreadyExists — A flow log with the specified configuration already
   * exists." Wording as in https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UnsuccessfulItemError.html
   * items ("FlowLogAlreadyExists").
   */
  flowLogAlreadyExists: () => e("FlowLogAlreadyExists", "Error. There is an existing Flow Log with the same configuration and log destination."),
} as const;
