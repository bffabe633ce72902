/**
 * The vpc family's EC2 error codes, one factory per code (each code appears once in the service).
 * Codes: "Error codes for the Amazon EC2 API",
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (client errors are
 * HTTP 400). Message wording: the AWS answers quoted in public bug reports and reproduced by
 * getmoto/moto (moto/ec2/exceptions.py), e.g. "The CIDR '10.0.2.0/24' conflicts with another
 * subnet" (terraform logs quoting InvalidSubnet.Conflict). NotFound codes live in
 * foundation/resource-types.ts; InvalidParameterValue / MissingParameter messages are built here
 * on core's commonErrors so that the code itself stays in core.
 */
import { AwsError, commonErrors } from "../../../core/index.js";
import { ec2Codes } from "../errors.js";

const e = (code: string, message: string): AwsError => new AwsError(code, message, { status: 400 });

export const vpcErrors = {
  // -- CIDRs -----------------------------------------------------------------------------------
  /** A CIDR that does not parse (errors-overview: InvalidParameterValue). */
  invalidCidrParameter: (parameter: string, cidr: string) =>
    commonErrors.invalidParameterValue(`Value (${cidr}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`),
  /** errors-overview: "InvalidVpc.Range — The specified CIDR block range is not valid. The block range must be between a /28 netmask and /16 netmask." */
  invalidVpcRange: (cidr: string, why?: string) => e("InvalidVpc.Range", why ? `The CIDR '${cidr}' ${why}` : `The CIDR '${cidr}' is invalid.`),
  /** errors-overview: "CidrLimitExceeded — You've reached the limit on the number of CIDR blocks you can associate with your VPC." */
  cidrLimitExceeded: (vpcId: string, max: number) => e("CidrLimitExceeded", `This network '${vpcId}' has met its maximum number of allowed CIDRs: ${max}`),
  /** errors-overview: "InvalidSubnet.Range — The CIDR block you've specified for the subnet is not valid." */
  invalidSubnetRange: (cidr: string) => e("InvalidSubnet.Range", `The CIDR '${cidr}' is invalid.`),
  /** errors-overview: "InvalidSubnet.Conflict — The specified CIDR block conflicts with that of another subnet in your VPC." */
  invalidSubnetConflict: (cidr: string) => e("InvalidSubnet.Conflict", `The CIDR '${cidr}' conflicts with another subnet`),
  /** errors-overview: "InvalidVpcCidrBlockAssociationID.NotFound"-style lookup of a CIDR association id. */
  invalidVpcCidrAssociation: (id: string) =>
    e("InvalidVpcCidrBlockAssociationID.NotFound", `The vpc CIDR block association ID '${id}' does not exist`),
  /** errors-overview: "OperationNotPermitted — The specified operation is not allowed." */
  operationNotPermitted: (message: string) => ec2Codes.operationNotPermitted(message),

  // -- lifecycle ---------------------------------------------------------------------------------
  /** errors-overview: "DependencyViolation — The specified object has dependent resources." */
  dependencyViolation: (noun: string, id: string) => ec2Codes.dependencyViolation(`The ${noun} '${id}' has dependencies and cannot be deleted.`),
  /** errors-overview: "DefaultVpcAlreadyExists — A default VPC already exists in the AWS Region." */
  defaultVpcAlreadyExists: () => e("DefaultVpcAlreadyExists", "A Default VPC already exists for this account in this region."),
  /** errors-overview: "DefaultSubnetAlreadyExistsInAvailabilityZone — A default subnet already exists in the specified Availability Zone. You can have only one default subnet per Availability Zone." */
  defaultSubnetAlreadyExists: (zone: string) =>
    e("DefaultSubnetAlreadyExistsInAvailabilityZone", `A default subnet already exists in the specified Availability Zone (${zone}). You can have only one default subnet per Availability Zone.`),
  /** errors-overview: "DefaultVpcDoesNotExist — The default VPC no longer exists in the AWS Region." */
  defaultVpcDoesNotExist: () => e("DefaultVpcDoesNotExist", "The default VPC no longer exists in the AWS Region."),
  /** A subnet IPv6 CIDR association id that does not exist. */
  invalidSubnetCidrAssociation: (id: string) =>
    e("InvalidSubnetCidrBlockAssociationID.NotFound", `The subnet CIDR block with association ID '${id}' does not exist`),
  /** errors-overview: "Resource.AlreadyAssociated — The specified resource is already in use." */
  resourceAlreadyAssociated: (message: string) => ec2Codes.resourceAlreadyAssociated(message),
  /** errors-overview: "Gateway.NotAttached — An internet gateway is not attached to a VPC." */
  gatewayNotAttached: (message: string) => e("Gateway.NotAttached", message),
  /** errors-overview: "InvalidIPAddress.InUse — The specified IP address is already in use." */
  ipAddressInUse: (address: string) => ec2Codes.invalidIpAddressInUse(`Address ${address} is in use.`),
  /**
   * AssociateAddress naming a requester-managed interface (a NAT gateway's): AWS manages that
   * association ("You can't ... associate or disassociate Elastic IP addresses",
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html). Real answer
   * (hashicorp/terraform-provider-aws#3572, hashicorp/terraform#14698): "AuthFailure: You do not
   * have permission to access the specified resource.", status code 400.
   */
  authFailure: () => e("AuthFailure", "You do not have permission to access the specified resource."),
  /** errors-overview: "InvalidAddress.NotFound — The specified Elastic IP address that you are describing cannot be found." */
  addressNotFound: (ip: string) => e("InvalidAddress.NotFound", `Address '${ip}' not found.`),
  /** errors-overview: "InvalidAssociationID.NotFound — The specified association ID does not exist." */
  associationNotFound: (id: string) => ec2Codes.invalidAssociationIdNotFound(`The association ID '${id}' does not exist`),
  /** errors-overview: "InvalidParameterCombination — Indicates an incorrect combination of parameters, or a missing parameter." */
  invalidParameterCombination: (message: string) => ec2Codes.invalidParameterCombination(message),
  /** errors-overview: "InvalidParameter — A parameter specified in a request is not valid, is unsupported, or cannot be used." */
  invalidParameter: (message: string) => ec2Codes.invalidParameter(message),
  /** errors-overview: "IncorrectState — The resource is in an incorrect state for the request." */
  incorrectState: (message: string) => ec2Codes.incorrectState(message),
  /** errors-overview: "UnsupportedTenancy"-family: a tenancy value the VPC does not support. */
  invalidTenancy: (value: string) => commonErrors.invalidParameterValue(`Value (${value}) for parameter instanceTenancy is invalid.`),

  // -- routes --------------------------------------------------------------------------------------
  /** errors-overview: "RouteAlreadyExists — A route for the specified CIDR block already exists in this route table." */
  routeAlreadyExists: (destination: string) => ec2Codes.routeAlreadyExists(`The route identified by ${destination} already exists.`),
  /** errors-overview: "InvalidRoute.NotFound — The specified route does not exist in the specified route table." */
  routeNotFound: (kind: string, destination: string, routeTableId: string) =>
    ec2Codes.invalidRouteNotFound(`no route with ${kind} ${destination} in route table ${routeTableId}`),

  // -- InvalidParameterValue messages ----------------------------------------------------------------
  invalidAvailabilityZone: (zone: string, valid: readonly string[]) =>
    commonErrors.invalidParameterValue(
      `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${valid.join(", ")}.`,
    ),
  invalidAvailabilityZoneId: (zoneId: string, valid: readonly string[]) =>
    commonErrors.invalidParameterValue(
      `Value (${zoneId}) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zones: ${valid.join(", ")}.`,
    ),
  invalidValue: (message: string) => commonErrors.invalidParameterValue(message),
  missing: (parameter: string) => commonErrors.missingParameter(parameter),
} as const;
