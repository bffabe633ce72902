/**
 * The seed's multi-account scenario end to end: 111111111111 shares a subnet with 222222222222
 * through AWS RAM; 222222222222 accepts, sees the subnet under its own AZ name for the same AZ
 * ID, launches an instance into it (its instance, its ENI, the owner's subnet and VPC). Once with
 * the SDK v3, once by running examples/multi-account-sharing/share-subnet.sh with the AWS CLI v2.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { AcceptResourceShareInvitationCommand, CreateResourceShareCommand, GetResourceShareInvitationsCommand, RAMClient } from "@aws-sdk/client-ram";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { findAwsCliV2 } from "../helpers/aws-cli.js";

const OWNER = "111111111111";
const PARTICIPANT = "222222222222";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("ram: the multi-account subnet-sharing scenario", () => {
  let cb: Cloudbox;
  const ec2 = (account: string) => new EC2Client({ ...cb.clientConfig, region: "us-east-1", credentials: { accessKeyId: account, secretAccessKey: "x" } });
  const ram = (account: string) => new RAMClient({ ...cb.clientConfig, region: "us-east-1", credentials: { accessKeyId: account, secretAccessKey: "x" } });
  before(async () => {
    cb = await startCloudbox();
  });
  after(() => cb.stop());

  it("SDK v3: share, accept, see with the participant's AZ name, launch into the shared subnet", async () => {
    const owner = ec2(OWNER);
    const participant = ec2(PARTICIPANT);
    const zoneName = async (client: EC2Client, zoneId: string) =>
      (await client.send(new DescribeAvailabilityZonesCommand({ ZoneIds: [zoneId] }))).AvailabilityZones![0].ZoneName!;

    const vpcId = (await owner.send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16" }))).Vpc!.VpcId!;
    const subnetId = (await owner.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.50.1.0/24", AvailabilityZoneId: "use1-az1" }))).Subnet!.SubnetId!;
    const other = (await owner.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.50.2.0/24", AvailabilityZoneId: "use1-az2" }))).Subnet!.SubnetId!;

    // Before sharing, the participant sees nothing.
    assert.equal(
      ((await participant.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Subnets ?? []).length,
      0,
    );

    const share = await ram(OWNER).send(
      new CreateResourceShareCommand({
        name: "shared-subnet",
        resourceArns: [`arn:aws:ec2:us-east-1:${OWNER}:subnet/${subnetId}`],
        principals: [PARTICIPANT],
      }),
    );
    const shareArn = share.resourceShare!.resourceShareArn!;
    // Still invisible until the invitation is accepted.
    assert.equal(((await participant.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Subnets ?? []).length, 0);
    const invitation = (await ram(PARTICIPANT).send(new GetResourceShareInvitationsCommand({ resourceShareArns: [shareArn] }))).resourceShareInvitations![0];
    assert.equal(invitation.status, "PENDING");
    assert.equal(invitation.senderAccountId, OWNER);
    await ram(PARTICIPANT).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: invitation.resourceShareInvitationArn }));

    // The shared subnet (and only it) appears, with the participant's AZ name for use1-az1.
    const seen = (await participant.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Subnets!;
    assert.deepEqual(seen.map((s) => s.SubnetId), [subnetId]);
    assert.ok(!seen.some((s) => s.SubnetId === other));
    assert.equal(seen[0].OwnerId, OWNER);
    assert.equal(seen[0].AvailabilityZoneId, "use1-az1");
    assert.equal(seen[0].AvailabilityZone, await zoneName(participant, "use1-az1"));
    const ownerView = (await owner.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0];
    assert.equal(ownerView.AvailabilityZone, await zoneName(owner, "use1-az1"));
    assert.equal(ownerView.AvailabilityZoneId, seen[0].AvailabilityZoneId);

    // The participant launches an instance: its instance and ENI in the owner's subnet.
    const sg = (await participant.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: "app", Description: "app" }))).GroupId!;
    const run = await participant.send(
      new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [sg] }),
    );
    const instanceId = run.Instances![0].InstanceId!;
    const reservation = (await participant.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0];
    assert.equal(reservation.OwnerId, PARTICIPANT);
    assert.equal(reservation.Instances![0].SubnetId, subnetId);
    assert.equal(reservation.Instances![0].VpcId, vpcId);
    assert.equal(reservation.Instances![0].Placement!.AvailabilityZone, await zoneName(participant, "use1-az1"));
    const eni = (await participant.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [instanceId] }] }))).NetworkInterfaces![0];
    assert.equal(eni.OwnerId, PARTICIPANT);
    assert.equal(eni.SubnetId, subnetId);
    assert.ok(eni.PrivateIpAddress!.startsWith("10.50.1."));

    // The owner keeps the VPC; the owner does not see the participant's instance.
    assert.equal((await owner.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0].OwnerId, OWNER);
    await assert.rejects(owner.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })), (e: Error) => e.name === "InvalidInstanceID.NotFound");
  });

  it("AWS CLI v2: examples/multi-account-sharing/share-subnet.sh runs against Cloudbox", async () => {
    const cli = findAwsCliV2();
    assert.ok(cli, "AWS CLI v2 not found");
    const script = join(root, "examples", "multi-account-sharing", "share-subnet.sh");
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile(
        "bash",
        [script],
        {
          env: {
            PATH: `${dirname(cli!)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
            HOME: process.env.HOME ?? "/tmp",
            CLOUDBOX_ENDPOINT: cb.endpoint,
            AWS_CONFIG_FILE: "/nonexistent/cloudbox-test/aws-config",
            AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/cloudbox-test/aws-credentials",
            AWS_EC2_METADATA_DISABLED: "true",
            CIDR_PREFIX: "10.60",
          },
          timeout: 180_000,
        },
        (error, out, err) => resolve({ stdout: out, stderr: err, code: error ? Number((error as { code?: number }).code ?? 1) : 0 }),
      );
    });
    assert.equal(code, 0, stderr);
    const v = Object.fromEntries(stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    assert.equal(v.INVITATION_STATUS, "ACCEPTED");
    assert.equal(v.SEEN_AZ_ID, "use1-az1");
    assert.equal(v.SEEN_AZ_NAME, v.PARTICIPANT_AZ_NAME);
    assert.equal(v.SUBNET_OWNER, OWNER);
    assert.equal(v.INSTANCE_OWNER, PARTICIPANT);
    assert.equal(v.INSTANCE_SUBNET, v.SUBNET_ID);
    assert.equal(v.INSTANCE_AZ, v.PARTICIPANT_AZ_NAME);
    assert.equal(v.ENI_OWNER, PARTICIPANT);
    assert.equal(v.ENI_SUBNET, v.SUBNET_ID);
    assert.equal(v.VPC_OWNER, OWNER);
  });
});
