/**
 * EC2's error codes, one factory each (EC2 error codes:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). Codes shared by
 * every service (InvalidParameterValue, MissingParameter) come from core's commonErrors; the
 * EC2-specific messages are built here.
 */
import { AwsError, commonErrors } from "../../core/index.js";

export const ec2Errors = {
  /** DryRun=true on a request that would have succeeded: HTTP 412 (errors-overview: DryRunOperation). */
  dryRunOperation: () => new AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", { status: 412 }),

  /** Unknown filter name, as EC2 answers it: "The filter 'x' is invalid". */
  invalidFilter: (name: string) => commonErrors.invalidParameterValue(`The filter '${name}' is invalid`),

  /**
   * DescribeRegions with an unknown RegionNames value. Real answer seen in the wild
   * (awslabs/amazon-s3-tar-tool#7): "api error InvalidParameterValue: Invalid region: [us--east-1]".
   */
  invalidRegion: (name: string) => commonErrors.invalidParameterValue(`Invalid region: [${name}]`),

  /**
   * DescribeAvailabilityZones with an unknown ZoneNames value. Real answer quoted in
   * cloudfoundry/bosh issues and mirrored by fog's mock: "Invalid availability zone: [us-east-1b]".
   */
  invalidAvailabilityZone: (name: string) => commonErrors.invalidParameterValue(`Invalid availability zone: [${name}]`),

  /**
   * DescribeAvailabilityZones with an unknown ZoneIds value; the same code with "zone-id" (as in
   * aws-load-balancer-controller's test fixtures: "Invalid availability zone-id: wrong-az-id").
   */
  invalidAvailabilityZoneId: (id: string) => commonErrors.invalidParameterValue(`Invalid availability zone-id: [${id}]`),

  /**
   * A request signed for a Region that does not exist. AWS would not even resolve the host name
   * ec2.<region>.amazonaws.com; a request that reaches an AWS endpoint with a foreign credential
   * scope is refused like this (seen from SQS and STS: "Credential should be scoped to a valid
   * region, not 'wrong-region'.", 403 SignatureDoesNotMatch).
   */
  invalidSigningRegion: (region: string) =>
    new AwsError("SignatureDoesNotMatch", `Credential should be scoped to a valid region, not '${region}'. `, { status: 403 }),
} as const;

/** Builds a 400 error of one code; the message comes from the family that answers with it. */
const withCode = (code: string) => (message: string) => new AwsError(code, message, { status: 400 });

/**
 * Codes that several EC2 resource families answer with (errors-overview). Each code appears
 * here once; the families' errors.ts build the message and call these.
 */
export const ec2Codes = {
  dependencyViolation: withCode("DependencyViolation"),
  operationNotPermitted: withCode("OperationNotPermitted"),
  incorrectState: withCode("IncorrectState"),
  invalidParameter: withCode("InvalidParameter"),
  invalidParameterCombination: withCode("InvalidParameterCombination"),
  routeAlreadyExists: withCode("RouteAlreadyExists"),
  invalidRouteNotFound: withCode("InvalidRoute.NotFound"),
  invalidAssociationIdNotFound: withCode("InvalidAssociationID.NotFound"),
  invalidIpAddressInUse: withCode("InvalidIPAddress.InUse"),
  vpcIdNotSpecified: withCode("VPCIdNotSpecified"),
  resourceAlreadyAssociated: withCode("Resource.AlreadyAssociated"),
} as const;
