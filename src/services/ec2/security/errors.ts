/**
 * The security family's EC2 error codes, one factory each (list of codes:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). NotFound codes of
 * ids live in foundation/resource-types.ts; InvalidParameterValue / MissingParameter come from
 * core's commonErrors. Messages follow real EC2 answers where one was found (cited per factory);
 * otherwise they follow the errors-overview description.
 */
import { AwsError, commonErrors } from "../../../core/index.js";
import { ec2Codes } from "../errors.js";

const e = (code: string, message: string) => new AwsError(code, message, { status: 400 });

export const securityErrors = {
  // ---- security groups -------------------------------------------------------------------

  /** errors-overview: "You've specified a security group name that's already in use" (per VPC). */
  groupDuplicate: (name: string, vpcId: string) => e("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpcId}'`),

  /** errors-overview: InvalidGroup.Reserved — "The name 'default' is reserved, and cannot be used to create a new security group." */
  groupReserved: () => e("InvalidGroup.Reserved", "The security group 'default' is reserved"),

  /** errors-overview: InvalidGroupId.Malformed — "The specified security group ID is not valid." */
  groupIdMalformed: (id: string) => e("InvalidGroupId.Malformed", `Invalid id: "${id}" (expecting "sg-...")`),

  /** errors-overview: VPCIdNotSpecified — "You have no default VPC in which to carry out the request. Specify a VPC ID or import a VPC." */
  vpcIdNotSpecified: () => ec2Codes.vpcIdNotSpecified("No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC."),

  /**
   * errors-overview: CannotDelete — "You cannot delete the 'default' security group in your VPC".
   * The VPC User Guide (default-security-group.html) names it Client.CannotDelete; the SDK sees
   * the code "CannotDelete".
   */
  cannotDeleteDefaultGroup: (id: string) => e("CannotDelete", `the specified group: "${id}" name: "default" cannot be deleted by a user`),

  /** errors-overview: DependencyViolation — the resource has a dependent object. */
  dependencyViolation: (id: string) => ec2Codes.dependencyViolation(`resource ${id} has a dependent object`),

  /**
   * Real message seen in galaxyproject/cloudlaunch#56:
   * the specified rule "peer: sg-8b3b99f3, TCP, from port: 0, to port: 65535, ALLOW" already exists
   */
  permissionDuplicate: (rule: string) => e("InvalidPermission.Duplicate", `the specified rule "${rule}" already exists`),

  /** errors-overview: InvalidPermission.Malformed — "The specified security group rule is malformed." */
  permissionMalformed: (detail: string) => e("InvalidPermission.Malformed", detail),

  /** errors-overview: InvalidPermission.NotFound — "The specified rule does not exist in this security group." */
  permissionNotFound: () =>
    e("InvalidPermission.NotFound", "The specified rule does not exist in this security group."),

  /**
   * Real message (aws-samples/aws-cloudfront-samples#53, dan-v/awslambdaproxy#25):
   * "The maximum number of rules per security group has been reached."
   */
  rulesPerGroupLimit: () => e("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached."),

  /** Real message (hashicorp/terraform-provider-aws#1793): "Invalid value 'all' for IP protocol. Unknown protocol." */
  unknownProtocol: (value: string) => commonErrors.invalidParameterValue(`Invalid value '${value}' for IP protocol. Unknown protocol.`),

  /** Real message (chef-provisioning-aws#183): "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange." */
  portsRequired: () => commonErrors.invalidParameterValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange."),

  // ---- network ACLs ------------------------------------------------------------------------

  /** errors-overview: NetworkAclEntryAlreadyExists — "The specified rule number already exists in this network ACL." */
  naclEntryExists: (ruleNumber: number) => e("NetworkAclEntryAlreadyExists", `The network acl entry identified by ${ruleNumber} already exists.`),

  /** errors-overview: NetworkAclEntryLimitExceeded — "You've reached the limit on the number of rules that you can add to the network ACL." */
  naclEntryLimit: () => e("NetworkAclEntryLimitExceeded", "You've reached the limit on the number of rules that you can add to the network ACL."),

  /** errors-overview: InvalidNetworkAclEntry.NotFound — "The specified network ACL entry does not exist." */
  naclEntryNotFound: (aclId: string, ruleNumber: number, egress: boolean) =>
    e("InvalidNetworkAclEntry.NotFound", `The specified network ACL entry (rule ${ruleNumber}, ${egress ? "egress" : "ingress"}) does not exist in ${aclId}.`),

  /** errors-overview: InvalidAssociationID.NotFound — "The specified association ID does not exist." */
  associationNotFound: (id: string) => ec2Codes.invalidAssociationIdNotFound(`The association ID '${id}' does not exist`),

  // ---- managed prefix lists ----------------------------------------------------------------

  /** errors-overview: PrefixListMaxEntriesExceeded — "You've exceeded the maximum number of entries for the managed prefix list." */
  prefixListMaxEntries: () => e("PrefixListMaxEntriesExceeded", "You've exceeded the maximum number of entries for the managed prefix list."),

  /**
   * errors-overview: PrefixListVersionMismatch — "The prefix list version that you specified
   * does not match the current version of the prefix list."
   */
  prefixListVersionMismatch: (given: number, current: number) =>
    e("PrefixListVersionMismatch", `The prefix list version ${given} does not match the current version ${current}.`),

  /**
   * errors-overview: InvalidPrefixListModification — "The request to modify the prefix list is
   * not valid"; also used by EC2 for modifying or deleting an AWS-managed list.
   */
  invalidPrefixListModification: (detail: string) => e("InvalidPrefixListModification", detail),
} as const;
