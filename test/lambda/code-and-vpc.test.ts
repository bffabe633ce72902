/**
 * Function code from S3 and VpcConfig against EC2, with the real SDK v3 clients of Lambda, S3,
 * EC2 and RAM: CreateFunction and UpdateFunctionCode read Code.S3Bucket/S3Key from Cloudbox's S3
 * and answer S3's error inside Lambda's InvalidParameterValueException; VpcConfig subnets and
 * security groups must exist in EC2 as the function's account sees them (a subnet shared through
 * RAM counts), in one VPC, and come back with VpcId; bad input leaves no function behind.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AcceptResourceShareInvitationCommand, CreateResourceShareCommand, GetResourceShareInvitationsCommand, RAMClient } from "@aws-sdk/client-ram";
import { expectAwsError } from "../helpers/errors.js";
import { ACCOUNT, ROLE, createNode, decode, lambdaClient, lambdaSuite, unique } from "./helpers.js";
import { makeZip } from "./zip.js";

let s3: S3Client;

const suite = lambdaSuite({
  setup: () => {
    s3 = as(S3Client, ACCOUNT, { forcePathStyle: true });
  },
  teardown: () => s3.destroy(),
});

const as = <T>(Client: new (c: object) => T, account = ACCOUNT, extra: object = {}) =>
  new Client({ ...suite.cb.clientConfig, credentials: { accessKeyId: account, secretAccessKey: "x" }, ...extra });

const sha = (b: Buffer) => createHash("sha256").update(b).digest("base64");

describe("code from S3", () => {
  test("CreateFunction and UpdateFunctionCode with S3Bucket/S3Key", async () => {
    const bucket = unique("code").toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const v1 = makeZip({ "index.js": "exports.handler = async () => 'v1 from s3';" });
    const v2 = makeZip({ "index.js": "exports.handler = async () => 'v2 from s3';" });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "fn/v1.zip", Body: v1 }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "fn/v2.zip", Body: v2 }));
    const name = unique("s3code");
    const created = await suite.lambda.send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE, Code: { S3Bucket: bucket, S3Key: "fn/v1.zip" } }),
    );
    assert.equal(created.CodeSha256, sha(v1));
    assert.equal(created.CodeSize, v1.length);
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "v1 from s3");
    const updated = await suite.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, S3Bucket: bucket, S3Key: "fn/v2.zip" }));
    assert.equal(updated.CodeSha256, sha(v2));
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "v2 from s3");
    // GetFunction's Code.Location serves the code as stored.
    const got = await suite.lambda.send(new GetFunctionCommand({ FunctionName: name }));
    assert.deepEqual(Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer()), v2);
  });

  test("a missing key or bucket, or both sources at once: Lambda's error, and no function", async () => {
    const bucket = unique("code-missing").toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "not-a-zip", Body: "hello" }));
    const name = unique("s3bad");
    const create = (Code: object) =>
      suite.lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE, Code }));
    await expectAwsError(
      create({ S3Bucket: bucket, S3Key: "nope.zip" }),
      "InvalidParameterValueException",
      400,
      /^Error occurred while GetObject\. S3 Error Code: NoSuchKey\. S3 Error Message: The specified key does not exist\.$/,
    );
    await expectAwsError(
      create({ S3Bucket: unique("no-such-bucket").toLowerCase(), S3Key: "x.zip" }),
      "InvalidParameterValueException",
      400,
      /^Error occurred while GetObject\. S3 Error Code: NoSuchBucket\. S3 Error Message: The specified bucket does not exist$/,
    );
    await expectAwsError(create({ S3Bucket: bucket, S3Key: "not-a-zip" }), "InvalidParameterValueException", 400, /Could not unzip uploaded file/);
    await expectAwsError(
      create({ ZipFile: makeZip({ "index.js": "" }), S3Bucket: bucket, S3Key: "x" }),
      "InvalidParameterValueException",
      400,
      /^Please do not provide other FunctionCode parameters when providing a ZipFile\.$/,
    );
    await expectAwsError(create({ S3Bucket: bucket }), "InvalidParameterValueException", 400, /^Please provide a source for function code\.$/);
    await expectAwsError(suite.lambda.send(new GetFunctionCommand({ FunctionName: name })), "ResourceNotFoundException", 404);
    // UpdateFunctionCode leaves the code as it was.
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => 'kept';" });
    await expectAwsError(suite.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, S3Bucket: bucket, S3Key: "nope.zip" })), "InvalidParameterValueException", 400, /NoSuchKey/);
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "kept");
  });
});

describe("VpcConfig", () => {
  let ec2: EC2Client;
  let vpc: string;
  let subnets: string[];
  let sg: string;
  let otherVpc: string;
  let otherSubnet: string;
  let otherSg: string;

  before(async () => {
    ec2 = as(EC2Client);
    vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.70.0.0/16" }))).Vpc!.VpcId!;
    subnets = [
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.70.1.0/24", AvailabilityZoneId: "use1-az1" }))).Subnet!.SubnetId!,
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.70.2.0/24", AvailabilityZoneId: "use1-az2" }))).Subnet!.SubnetId!,
    ];
    sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: unique("fn"), Description: "fn" }))).GroupId!;
    otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.71.0.0/16" }))).Vpc!.VpcId!;
    otherSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: "10.71.1.0/24", AvailabilityZoneId: "use1-az1" }))).Subnet!.SubnetId!;
    otherSg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: otherVpc, GroupName: unique("other"), Description: "other" }))).GroupId!;
  });
  after(() => ec2.destroy());

  const code = { "index.js": "exports.handler = async () => 'in a vpc';" };

  test("subnets and security groups of one VPC: VpcId in the configuration; empty lists detach", async () => {
    const name = unique("vpc-fn");
    const created = await createNode(suite.lambda, name, code, { VpcConfig: { SubnetIds: subnets, SecurityGroupIds: [sg] } });
    assert.deepEqual(created.VpcConfig, { SubnetIds: subnets, SecurityGroupIds: [sg], VpcId: vpc, Ipv6AllowedForDualStack: false });
    const cfg = await suite.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(cfg.VpcConfig?.VpcId, vpc);
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "in a vpc");
    const detached = await suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } }));
    assert.deepEqual(detached.VpcConfig, { SubnetIds: [], SecurityGroupIds: [], VpcId: "", Ipv6AllowedForDualStack: false });
    // A function created without VpcConfig has none.
    const plain = unique("no-vpc");
    assert.equal((await createNode(suite.lambda, plain, code)).VpcConfig, undefined);
  });

  test("missing subnets or groups, several VPCs, lists without their pair: Lambda's errors, no function", async () => {
    const name = unique("vpc-bad");
    const create = (VpcConfig: { SubnetIds?: string[]; SecurityGroupIds?: string[] }) => createNode(suite.lambda, name, code, { VpcConfig });
    await expectAwsError(
      create({ SubnetIds: ["subnet-0123456789abcdef0"], SecurityGroupIds: [sg] }),
      "InvalidParameterValueException",
      400,
      /^Error occurred while DescribeSubnets\. EC2 Error Code: InvalidSubnetID\.NotFound\. EC2 Error Message: The subnet ID 'subnet-0123456789abcdef0' does not exist/,
    );
    await expectAwsError(
      create({ SubnetIds: subnets, SecurityGroupIds: ["sg-0123456789abcdef0"] }),
      "InvalidParameterValueException",
      400,
      /^Error occurred while DescribeSecurityGroups\. EC2 Error Code: InvalidGroup\.NotFound\. EC2 Error Message: .*sg-0123456789abcdef0/,
    );
    await expectAwsError(create({ SubnetIds: [subnets[0], otherSubnet], SecurityGroupIds: [sg] }), "InvalidParameterValueException", 400, /same VPC/);
    await expectAwsError(create({ SubnetIds: subnets, SecurityGroupIds: [sg, otherSg] }), "InvalidParameterValueException", 400, new RegExp(`${otherSg} is in ${otherVpc}`));
    await expectAwsError(create({ SubnetIds: subnets }), "InvalidParameterValueException", 400, /^SubnetIds and SecurityIds must coexist or be both empty list\.$/);
    await expectAwsError(create({ SubnetIds: Array.from({ length: 17 }, () => subnets[0]), SecurityGroupIds: [sg] }), "ValidationException", 400, /vpcConfig\.subnetIds/);
    // Another account does not see these subnets.
    const stranger = lambdaClient(suite.cb, { credentials: { accessKeyId: "567890123456", secretAccessKey: "x" } });
    await expectAwsError(
      createNode(stranger, name, code, { Role: "arn:aws:iam::567890123456:role/r", VpcConfig: { SubnetIds: subnets, SecurityGroupIds: [sg] } }),
      "InvalidParameterValueException",
      400,
      /InvalidSubnetID\.NotFound/,
    );
    stranger.destroy();
    await expectAwsError(suite.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })), "ResourceNotFoundException", 404);
    // UpdateFunctionConfiguration checks too, and keeps the old VpcConfig on failure.
    await createNode(suite.lambda, name, code, { VpcConfig: { SubnetIds: [subnets[0]], SecurityGroupIds: [sg] } });
    await expectAwsError(
      suite.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, VpcConfig: { SubnetIds: [otherSubnet], SecurityGroupIds: [sg] } })),
      "InvalidParameterValueException",
      400,
    );
    assert.deepEqual((await suite.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).VpcConfig?.SubnetIds, [subnets[0]]);
  });

  test("a subnet shared through RAM counts for the participant's functions", async () => {
    const owner = as(EC2Client, "678901234567");
    const participantAccount = "789012345678";
    const participant = as(EC2Client, participantAccount);
    const sharedVpc = (await owner.send(new CreateVpcCommand({ CidrBlock: "10.72.0.0/16" }))).Vpc!.VpcId!;
    const shared = (await owner.send(new CreateSubnetCommand({ VpcId: sharedVpc, CidrBlock: "10.72.1.0/24", AvailabilityZoneId: "use1-az1" }))).Subnet!.SubnetId!;
    const ramOwner = as(RAMClient, "678901234567");
    const ramParticipant = as(RAMClient, participantAccount);
    const share = await ramOwner.send(
      new CreateResourceShareCommand({ name: "lambda-subnet", resourceArns: [`arn:aws:ec2:us-east-1:678901234567:subnet/${shared}`], principals: [participantAccount] }),
    );
    const fnClient = lambdaClient(suite.cb, { credentials: { accessKeyId: participantAccount, secretAccessKey: "x" } });
    const role = `arn:aws:iam::${participantAccount}:role/r`;
    const groupOf = async () => (await participant.send(new CreateSecurityGroupCommand({ VpcId: sharedVpc, GroupName: unique("p"), Description: "p" }))).GroupId!;
    // Not yet accepted: the participant does not see the subnet (nor can it make a group in the VPC).
    await expectAwsError(
      createNode(fnClient, unique("early"), code, { Role: role, VpcConfig: { SubnetIds: [shared], SecurityGroupIds: [sg] } }),
      "InvalidParameterValueException",
      400,
      /DescribeSubnets.*InvalidSubnetID\.NotFound/,
    );
    const invitation = (await ramParticipant.send(new GetResourceShareInvitationsCommand({ resourceShareArns: [share.resourceShare!.resourceShareArn!] }))).resourceShareInvitations![0];
    await ramParticipant.send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: invitation.resourceShareInvitationArn }));
    const group = await groupOf();
    const created = await createNode(fnClient, unique("shared-vpc"), code, { Role: role, VpcConfig: { SubnetIds: [shared], SecurityGroupIds: [group] } });
    assert.equal(created.VpcConfig?.VpcId, sharedVpc);
    for (const c of [owner, participant, ramOwner, ramParticipant, fnClient]) c.destroy();
  });
});
