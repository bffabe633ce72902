/**
 * VpcConfig checks for CreateFunction and UpdateFunctionConfiguration: the subnets and security
 * groups must exist in EC2 as the function's account sees them in its Region (a subnet shared
 * with the account through AWS RAM counts: EC2 describes it to the participant), all subnets in
 * one VPC and the security groups in that VPC. Lambda asks EC2 itself (DescribeSubnets,
 * DescribeSecurityGroups: the permissions its "Configuring VPC access" page lists,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html) and wraps EC2's answer in
 * an InvalidParameterValueException: "Error occurred while DescribeSubnets. EC2 Error Code:
 * InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID 'subnet-…' does not exist" (the
 * text real Lambda answers; likewise "Error occurred while DescribeSecurityGroups. EC2 Error
 * Code: InvalidGroup.NotFound ..."). Cloudbox asks its own EC2 through the API, as the function's
 * account (architecture rule 3), so EC2's codes and messages pass through unchanged.
 * The answer, VpcConfig with VpcId, is what GetFunctionConfiguration shows.
 * Not done: Lambda's Hyperplane ENIs (no network interfaces are created in the subnets).
 */
import type { VpcConfigResponse } from "@aws-sdk/client-lambda";
import { commonErrors, type ServiceRuntime } from "../../core/index.js";
import { sdk, sdkError } from "./clients.js";
import { lambdaErrors } from "./errors.js";
import type { Scope } from "./store.js";

/** Model limits of VpcConfig (SubnetIds: 16, SecurityGroupIds: 5). */
const MAX_SUBNETS = 16;
const MAX_GROUPS = 5;

const ec2Failure = (operation: string, e: unknown) => {
  const err = sdkError(e);
  if (!err.service) return e;
  return lambdaErrors.invalidParameterValue(`Error occurred while ${operation}. EC2 Error Code: ${err.code}. EC2 Error Message: ${err.message}`);
};

/** The two EC2 calls: their request's list of ids, their answer's list and each item's id. */
const DESCRIBE = {
  DescribeSubnets: { ids: "SubnetIds", items: "Subnets", id: "SubnetId" },
  DescribeSecurityGroups: { ids: "GroupIds", items: "SecurityGroups", id: "GroupId" },
} as const;

/** Each resource's VpcId by its id, as EC2 describes them to the function's account; EC2's error as Lambda's. */
const vpcIdsOf = async (ec2: Awaited<ReturnType<typeof sdk>>, operation: keyof typeof DESCRIBE, ids: string[]): Promise<Map<string, string>> => {
  const d = DESCRIBE[operation];
  try {
    const out = await ec2.client.send(new ec2.mod[`${operation}Command`]({ [d.ids]: ids }));
    return new Map((out[d.items] ?? []).map((r: Record<string, string>) => [r[d.id], r.VpcId]));
  } catch (e) {
    throw ec2Failure(operation, e);
  }
};

/**
 * Checks a VpcConfig and answers it as Lambda shows it. Empty lists detach the function from its
 * VPC (VpcId ""); `undefined` means no VpcConfig at all.
 */
export const resolveVpcConfig = async (
  runtime: ServiceRuntime,
  scope: Scope,
  vpc: { SubnetIds?: string[]; SecurityGroupIds?: string[]; Ipv6AllowedForDualStack?: boolean } | undefined,
): Promise<VpcConfigResponse | undefined> => {
  if (!vpc) return undefined;
  const subnets = [...new Set(vpc.SubnetIds ?? [])];
  const groups = [...new Set(vpc.SecurityGroupIds ?? [])];
  const v: string[] = [];
  if ((vpc.SubnetIds ?? []).length > MAX_SUBNETS) v.push(`Value '[${vpc.SubnetIds!.join(", ")}]' at 'vpcConfig.subnetIds' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SUBNETS}`);
  if ((vpc.SecurityGroupIds ?? []).length > MAX_GROUPS) v.push(`Value '[${vpc.SecurityGroupIds!.join(", ")}]' at 'vpcConfig.securityGroupIds' failed to satisfy constraint: Member must have length less than or equal to ${MAX_GROUPS}`);
  if (v.length) throw commonErrors.validation(`${v.length} validation error${v.length > 1 ? "s" : ""} detected: ${v.join("; ")}`);
  const ipv6 = vpc.Ipv6AllowedForDualStack ?? false;
  if (subnets.length === 0 && groups.length === 0) return { SubnetIds: [], SecurityGroupIds: [], VpcId: "", Ipv6AllowedForDualStack: ipv6 };
  if (subnets.length === 0 || groups.length === 0) {
    // The text real Lambda answers (aws/aws-sdk-js#1293 quotes the response body).
    throw lambdaErrors.invalidParameterValue("SubnetIds and SecurityIds must coexist or be both empty list.");
  }
  const ec2 = await sdk(runtime, "ec2", scope);
  const subnetVpcs = await vpcIdsOf(ec2, "DescribeSubnets", subnets);
  const groupVpcs = await vpcIdsOf(ec2, "DescribeSecurityGroups", groups);
  const vpcIds = new Set(subnets.map((s) => subnetVpcs.get(s)));
  const vpcId = subnetVpcs.get(subnets[0]);
  if (vpcIds.size > 1 || !vpcId) {
    // DEVIATION (wording): AWS's exact text for subnets of several VPCs is not documented; this is Cloudbox's.
    throw lambdaErrors.invalidParameterValue(`Subnets must all belong to the same VPC: ${subnets.map((s) => `${s} (${subnetVpcs.get(s) ?? "?"})`).join(", ")}.`);
  }
  const strays = groups.filter((g) => groupVpcs.get(g) !== vpcId);
  if (strays.length) {
    // DEVIATION (wording): as above, Cloudbox's text.
    throw lambdaErrors.invalidParameterValue(`Security groups must belong to the VPC of the subnets (${vpcId}): ${strays.map((g) => `${g} is in ${groupVpcs.get(g) ?? "?"}`).join(", ")}.`);
  }
  return { SubnetIds: subnets, SecurityGroupIds: groups, VpcId: vpcId, Ipv6AllowedForDualStack: ipv6 };
};
