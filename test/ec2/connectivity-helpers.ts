/** Shared helpers of the connectivity tests (not a test file itself). */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../helpers/cloudbox.js";

export const A = "111111111111";
export const B = "222222222222";

/** An EC2 client acting as `account` in `region`. */
export const ec2For = (cb: Cloudbox, account: string, region = "us-east-1"): EC2Client =>
  new EC2Client({ ...cb.clientConfig, region, credentials: { accessKeyId: account, secretAccessKey: "x" } });

/** Asserts an AWS error by code and HTTP status (and optionally message). */
export { expectAwsError as expectError } from "../helpers/errors.js";

export const newVpc = async (ec2: EC2Client, cidr: string): Promise<string> =>
  (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;

export const newSubnet = async (ec2: EC2Client, vpcId: string, cidr: string, az: string): Promise<string> =>
  (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
