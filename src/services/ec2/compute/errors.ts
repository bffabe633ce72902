/**
 * The compute family's EC2 error codes, one factory each. Codes and HTTP 400 status from the EC2
 * API error list (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
 * messages as AWS answers them where a real answer was found (cited per factory), otherwise
 * worded after the errors-overview description. NotFound codes live in
 * ../foundation/resource-types.ts; InvalidParameterValue / MissingParameter come from core.
 */
import { AwsError, commonErrors } from "../../../core/index.js";
import { ec2Codes } from "../errors.js";

const e = (code: string, message: string) => new AwsError(code, message, { status: 400 });

export const computeErrors = {
  /** DescribeInstanceTypes with unknown names (message as in getmoto/moto's tests of real AWS answers). */
  invalidInstanceType: (types: readonly string[]) => e("InvalidInstanceType", `The following supplied instance types do not exist: [${types.join(", ")}]`),

  /**
   * RunInstances with an unknown InstanceType: real answer "InvalidParameterValue: Invalid value
   * 'e' for InstanceType." (ansible/workshops#2000, CloudSlang/cs-actions#308).
   */
  invalidInstanceTypeValue: (type: string) => commonErrors.invalidParameterValue(`Invalid value '${type}' for InstanceType.`),

  /**
   * ModifyInstanceAttribute with an unknown type: real answer "InvalidParameterValue: The following
   * supplied instance types do not exist: [not-a-real-type]" (terraform-provider-aws output).
   */
  unknownInstanceTypeValue: (type: string) => commonErrors.invalidParameterValue(`The following supplied instance types do not exist: [${type}]`),

  /** RunInstances ImageId that is not an ami- id. */
  invalidAmiIdMalformed: (id: string) => e("InvalidAMIID.Malformed", `Invalid id: "${id}" (expecting "ami-...")`),

  invalidParameterCombination: (message: string) => ec2Codes.invalidParameterCombination(message),

  /** errors-overview: "you can't specify a security group and subnet that are in different VPCs". */
  invalidParameter: (message: string) => ec2Codes.invalidParameter(message),

  /** A private address already taken in the subnet (errors-overview: InvalidIPAddress.InUse). */
  ipAddressInUse: (address: string) => ec2Codes.invalidIpAddressInUse(`Address ${address} is in use.`),

  /** errors-overview: InsufficientFreeAddressesInSubnet. */
  insufficientFreeAddresses: (subnetId: string) =>
    e("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of addresses.`),

  /** errors-overview: InvalidNetworkInterface.InUse ("currently in use and cannot be deleted or attached"). */
  networkInterfaceInUse: (eniId: string, instanceId?: string) =>
    e(
      "InvalidNetworkInterface.InUse",
      instanceId ? `Interface: [${eniId}] in use.` : `The network interface '${eniId}' is currently in use.`,
    ),

  /**
   * DeleteNetworkInterface on a requester-managed interface whose resource still exists (NAT
   * gateway, interface endpoint...): "You can't detach a requester-managed network interface"
   * and "When you delete the resource associated with a requester-managed network interface, the
   * AWS service detaches the network interface and deletes it"
   * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html). The real
   * answer, quoted in gruntwork-io/cloud-nuke#431 (a VPC endpoint's interface) and #1132 ("NAT
   * gateway, Lambda, VPC endpoint"): "InvalidParameterValue: Network interface 'eni-…' is
   * currently in use."
   */
  requesterManagedInUse: (eniId: string) => commonErrors.invalidParameterValue(`Network interface '${eniId}' is currently in use.`),

  /**
   * DetachNetworkInterface of a service's own attachment (ela-attach-…): "You can't detach a
   * requester-managed network interface" (requester-managed-eni.html). Real answer (boto/boto3#2219,
   * aws-samples/aws-modern-application-workshop#56): "OperationNotPermitted: You are not allowed
   * to manage 'ela-attach' attachments."
   */
  notAllowedToManageAttachment: (prefix: string) => ec2Codes.operationNotPermitted(`You are not allowed to manage '${prefix}' attachments.`),

  /**
   * Too many ENIs on an instance (errors-overview: AttachmentLimitExceeded; AWS answers
   * "Interface count N exceeds the limit for <type>").
   */
  interfaceLimitExceeded: (count: number, type: string) => e("AttachmentLimitExceeded", `Interface count ${count} exceeds the limit for ${type}`),

  /** Real answer: "eni-5af8fa3d: Number of private addresses will exceed limit." (blog post quoting EC2). */
  privateIpLimitExceeded: (eniId: string) => e("PrivateIpAddressLimitExceeded", `${eniId}: Number of private addresses will exceed limit.`),

  /** errors-overview: SecurityGroupsPerInterfaceLimitExceeded (5 groups per ENI by default, vpc-facts). */
  securityGroupsPerInterfaceLimitExceeded: () =>
    e("SecurityGroupsPerInterfaceLimitExceeded", "The maximum number of security groups per interface has been reached."),

  /** errors-overview: IncorrectInstanceState, e.g. "The instance 'i-1' is not in the 'stopped' state." */
  incorrectInstanceState: (instanceId: string, state: string, wanted?: string) =>
    e(
      "IncorrectInstanceState",
      wanted ? `The instance '${instanceId}' is not in the '${wanted}' state.` : `The instance '${instanceId}' is not in a state from which it can be ${state}.`,
    ),

  /** errors-overview: IncorrectState (a volume or snapshot in the wrong state). */
  incorrectState: (message: string) => ec2Codes.incorrectState(message),

  /**
   * AttachVolume across AZs. Real answer (kubernetes-sigs/aws-ebs-csi-driver logs):
   * "The volume 'vol-x' is not in the same availability zone as instance 'i-x'".
   */
  volumeZoneMismatch: (volumeId: string, instanceId: string) =>
    e("InvalidVolume.ZoneMismatch", `The volume '${volumeId}' is not in the same availability zone as instance '${instanceId}'`),

  /** errors-overview: VolumeInUse ("The specified volume is already attached to an instance"). */
  volumeInUse: (volumeId: string, instanceId?: string) =>
    e("VolumeInUse", instanceId ? `Volume ${volumeId} is currently attached to ${instanceId}` : `${volumeId} is already attached to an instance`),

  /** errors-overview: InvalidBlockDeviceMapping. */
  invalidBlockDeviceMapping: (message: string) => e("InvalidBlockDeviceMapping", message),

  /** errors-overview: InvalidInstanceAttributeValue. */
  invalidInstanceAttributeValue: (message: string) => e("InvalidInstanceAttributeValue", message),

  /** errors-overview: UnsupportedOperation. */
  unsupportedOperation: (message: string) => e("UnsupportedOperation", message),

  /** Too many IPv6 addresses for the instance type's per-interface figure. */
  ipv6LimitExceeded: (eniId: string) => commonErrors.invalidParameterValue(`${eniId}: Number of IPv6 addresses will exceed limit.`),

  /**
   * errors-overview: InsufficientCidrBlocks ("The specified subnet does not have enough
   * contiguous IPv4 address blocks" for prefix delegation).
   */
  insufficientCidrBlocks: (subnetId: string) =>
    e("InsufficientCidrBlocks", `There are not enough free cidr blocks in the specified subnet ${subnetId} to satisfy the request.`),

  /** errors-overview: OperationNotPermitted. */
  operationNotPermitted: (message: string) => ec2Codes.operationNotPermitted(message),
  /**
   * errors-overview: VPCIdNotSpecified ("You have no default VPC in which to carry out the
   * request"); RunInstances without a subnet in an account whose default VPC was deleted.
   */
  vpcIdNotSpecified: () => ec2Codes.vpcIdNotSpecified("No default VPC for this user"),
} as const;
