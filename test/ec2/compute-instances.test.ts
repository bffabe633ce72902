/**
 * Instances end to end (SDK v3 and AWS CLI v2): RunInstances placement, addresses, limits,
 * block devices, user data, states, DescribeInstances filters and paging, attributes, status,
 * volumes attached to instances, wrong-account access.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachVolumeCommand,
  DisassociateAddressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DeleteVolumeCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifySubnetAttributeCommand,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { expectError } from "./compute-helpers.js";

const AMI = "ami-0123456789abcdef0";

describe("compute: instances", () => {
  let cb: Cloudbox;
  let ec2: (account?: string, region?: string) => EC2Client;
  let vpcId: string;
  let subnetA: string; // 10.70.1.0/24 us-east-1a
  let subnetB: string; // 10.70.2.0/24 us-east-1b
  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = "111111111111", region = "us-east-1") => new EC2Client({ ...cb.clientConfig, region, credentials: { accessKeyId: account, secretAccessKey: "x" } });
    vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.70.0.0/16" }))).Vpc!.VpcId!;
    subnetA = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.70.1.0/24", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    subnetB = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.70.2.0/24", AvailabilityZone: "us-east-1b" }))).Subnet!.SubnetId!;
  });
  after(() => cb.stop());

  const describeOne = async (id: string, client = ec2()): Promise<Instance> =>
    (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];

  it("default VPC: pending at launch, running on the next Describe, public address and DNS names, root volume", async () => {
    const r = await ec2().send(
      new RunInstancesCommand({
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: "t3.micro",
        TagSpecifications: [
          { ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] },
          { ResourceType: "volume", Tags: [{ Key: "v", Value: "root" }] },
          { ResourceType: "network-interface", Tags: [{ Key: "n", Value: "eth0" }] },
        ],
      }),
    );
    assert.match(r.ReservationId!, /^r-[0-9a-f]{17}$/);
    assert.equal(r.OwnerId, "111111111111");
    const i = r.Instances![0];
    assert.deepEqual(i.State, { Code: 0, Name: "pending" });
    assert.match(i.InstanceId!, /^i-[0-9a-f]{17}$/);
    assert.match(i.PrivateIpAddress!, /^172\.31\./);
    assert.equal(i.PrivateDnsName, `ip-${i.PrivateIpAddress!.replace(/\./g, "-")}.ec2.internal`);
    assert.ok(i.PublicIpAddress, "default subnets map public IPs on launch");
    assert.equal(i.PublicDnsName, `ec2-${i.PublicIpAddress!.replace(/\./g, "-")}.compute-1.amazonaws.com`);
    assert.equal(i.SecurityGroups![0].GroupName, "default");
    assert.deepEqual(i.Tags, [{ Key: "Name", Value: "web" }]);
    assert.equal(i.RootDeviceName, "/dev/xvda");
    assert.equal(i.BlockDeviceMappings![0].DeviceName, "/dev/xvda");
    const d = await describeOne(i.InstanceId!);
    assert.deepEqual(d.State, { Code: 16, Name: "running" });
    const vol = (await ec2().send(new DescribeVolumesCommand({ VolumeIds: [i.BlockDeviceMappings![0].Ebs!.VolumeId!] }))).Volumes![0];
    assert.equal(vol.AvailabilityZone, i.Placement!.AvailabilityZone);
    assert.equal(vol.State, "in-use");
    assert.equal(vol.Size, 8);
    assert.deepEqual(vol.Tags, [{ Key: "v", Value: "root" }]);
    assert.equal(vol.Attachments![0].InstanceId, i.InstanceId);
    const eni = (await ec2().send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [i.NetworkInterfaces![0].NetworkInterfaceId!] }))).NetworkInterfaces![0];
    assert.deepEqual(eni.TagSet, [{ Key: "n", Value: "eth0" }]);
    assert.equal(eni.Association!.PublicIp, i.PublicIpAddress);
    assert.equal(eni.Attachment!.InstanceId, i.InstanceId);
  });

  it("an Elastic IP associated with the instance replaces its public address while associated", async () => {
    const acct = "999999999999";
    const i = (await ec2(acct).send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1 }))).Instances![0];
    const auto = i.PublicIpAddress!;
    const eip = await ec2(acct).send(new AllocateAddressCommand({ Domain: "vpc" }));
    const assoc = await ec2(acct).send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: i.InstanceId }));
    const d = await describeOne(i.InstanceId!, ec2(acct));
    assert.equal(d.PublicIpAddress, eip.PublicIp);
    assert.equal(d.PublicDnsName, `ec2-${eip.PublicIp!.replace(/\./g, "-")}.compute-1.amazonaws.com`);
    const eni = (await ec2(acct).send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "association.public-ip", Values: [eip.PublicIp!] }] }))).NetworkInterfaces!;
    assert.deepEqual(eni.map((e) => e.Attachment?.InstanceId), [i.InstanceId]);
    assert.equal(eni[0].Association!.AllocationId, eip.AllocationId);
    assert.equal(eni[0].Association!.IpOwnerId, acct);
    const byIp = await ec2(acct).send(new DescribeInstancesCommand({ Filters: [{ Name: "ip-address", Values: [eip.PublicIp!] }] }));
    assert.equal(byIp.Reservations!.length, 1);
    await ec2(acct).send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
    assert.equal((await describeOne(i.InstanceId!, ec2(acct))).PublicIpAddress, auto);
  });

  it("outside us-east-1 the DNS names use the Region", async () => {
    const r = await ec2("111111111111", "eu-west-1").send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "t3.micro" }));
    const i = r.Instances![0];
    assert.equal(i.PrivateDnsName, `ip-${i.PrivateIpAddress!.replace(/\./g, "-")}.eu-west-1.compute.internal`);
    assert.equal(i.PublicDnsName, `ec2-${i.PublicIpAddress!.replace(/\./g, "-")}.eu-west-1.compute.amazonaws.com`);
    assert.match(i.Placement!.AvailabilityZone!, /^eu-west-1[a-z]$/);
  });

  it("MaxCount launches one reservation with distinct addresses and launch indexes; Placement picks the default subnet's AZ", async () => {
    const r = await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 2, MaxCount: 3, InstanceType: "t3.nano", SubnetId: subnetA }));
    assert.equal(r.Instances!.length, 3);
    assert.deepEqual(r.Instances!.map((x) => x.AmiLaunchIndex), [0, 1, 2]);
    assert.equal(new Set(r.Instances!.map((x) => x.PrivateIpAddress)).size, 3);
    assert.ok(r.Instances!.every((x) => x.SubnetId === subnetA && x.VpcId === vpcId && x.PublicIpAddress === undefined && x.PublicDnsName === ""));
    const d = await ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: "reservation-id", Values: [r.ReservationId!] }] }));
    assert.equal(d.Reservations!.length, 1);
    assert.equal(d.Reservations![0].ReservationId, r.ReservationId);
    assert.equal(d.Reservations![0].Instances!.length, 3);
    const inB = await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: "us-east-1b" } }));
    assert.equal(inB.Instances![0].Placement!.AvailabilityZone, "us-east-1b");
    assert.equal(inB.Instances![0].InstanceType, "m1.small");
  });

  it("RunInstances errors: AMI id, instance type, counts, subnet, groups, AZ, user data; DryRun creates nothing", async () => {
    const base = { ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnetA };
    await expectError(ec2().send(new RunInstancesCommand({ ...base, ImageId: "img-1" })), "InvalidAMIID.Malformed", 400);
    await expectError(ec2().send(new RunInstancesCommand({ ...base, InstanceType: "t9.huge" as _InstanceType })), "InvalidParameterValue", 400, /Invalid value 't9.huge' for InstanceType/);
    await expectError(ec2().send(new RunInstancesCommand({ ...base, MinCount: 3, MaxCount: 2 })), "InvalidParameterValue", 400);
    await expectError(ec2().send(new RunInstancesCommand({ ...base, SubnetId: "subnet-0123456789abcdef0" })), "InvalidSubnetID.NotFound", 400);
    await expectError(ec2().send(new RunInstancesCommand({ ...base, SecurityGroups: ["default"] })), "InvalidParameterCombination", 400, /groupName cannot be used with the parameter subnet/);
    await expectError(ec2().send(new RunInstancesCommand({ ...base, SecurityGroupIds: ["sg-0123456789abcdef0"] })), "InvalidGroup.NotFound", 400);
    await expectError(ec2().send(new RunInstancesCommand({ ...base, Placement: { AvailabilityZone: "us-east-1b" } })), "InvalidParameterValue", 400, /availability zone us-east-1a/);
    await expectError(ec2().send(new RunInstancesCommand({ ...base, UserData: "not base64!" })), "InvalidParameterValue", 400, /BASE64/);
    await expectError(
      ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnetA, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetA }] })),
      "InvalidParameterCombination",
      400,
      /instance-level subnet/,
    );
    await expectError(ec2().send(new RunInstancesCommand({ ...base, PrivateIpAddress: "10.70.1.50", MaxCount: 2 })), "InvalidParameterCombination", 400);
    const before = (await ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: "subnet-id", Values: [subnetA] }] }))).Reservations!.length;
    await expectError(ec2().send(new RunInstancesCommand({ ...base, DryRun: true })), "DryRunOperation", 412);
    assert.equal((await ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: "subnet-id", Values: [subnetA] }] }))).Reservations!.length, before);
  });

  it("the instance type's ENI and IPv4-per-ENI limits", async () => {
    // t2.micro: 2 ENIs, 2 IPv4 addresses per ENI.
    const nics = [0, 1, 2].map((i) => ({ DeviceIndex: i, SubnetId: subnetA }));
    await expectError(ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "t2.micro", NetworkInterfaces: nics })), "AttachmentLimitExceeded", 400, /t2.micro/);
    await expectError(
      ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "t2.micro", NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetA, SecondaryPrivateIpAddressCount: 2 }] })),
      "PrivateIpAddressLimitExceeded",
      400,
    );
    const ok = await ec2().send(
      new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "t2.micro", NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetA, SecondaryPrivateIpAddressCount: 1 }, { DeviceIndex: 1, SubnetId: subnetA }] }),
    );
    const i = ok.Instances![0];
    assert.equal(i.NetworkInterfaces!.length, 2);
    assert.equal(i.NetworkInterfaces![0].PrivateIpAddresses!.length, 2);
    assert.deepEqual(i.NetworkInterfaces!.map((n) => n.Attachment!.DeviceIndex), [0, 1]);
  });

  it("security group names in the default VPC; prefixes count against the IPv4-per-ENI limit", async () => {
    const acct = "777777777777";
    const r = await ec2(acct).send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SecurityGroups: ["default"] }));
    assert.equal(r.Instances![0].SecurityGroups![0].GroupName, "default");
    await expectError(ec2(acct).send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SecurityGroups: ["no-such-group"] })), "InvalidGroup.NotFound", 400);
    // m5.large: 10 IPv4 addresses per ENI; the primary address plus 9 /28 prefixes fit, 10 do not.
    const ok = await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "m5.large", NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetB, Ipv4PrefixCount: 9 }] }));
    assert.equal(ok.Instances![0].NetworkInterfaces![0].Ipv4Prefixes!.length, 9);
    await expectError(
      ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "m5.large", NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetB, Ipv4PrefixCount: 10 }] })),
      "PrivateIpAddressLimitExceeded",
      400,
    );
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [ok.Instances![0].InstanceId!] }));
  });

  it("NetworkInterfaces: an existing ENI, AssociatePublicIpAddress, groups; existing ENI kept at termination", async () => {
    const sg = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: "inst-web", Description: "web", VpcId: vpcId }))).GroupId!;
    const eni = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetA, Groups: [sg] }))).NetworkInterface!;
    const r = await ec2().send(
      new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "m5.large", NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: eni.NetworkInterfaceId }] }),
    );
    const i = r.Instances![0];
    assert.equal(i.PrivateIpAddress, eni.PrivateIpAddress);
    assert.deepEqual(i.SecurityGroups!.map((g) => g.GroupId), [sg]);
    const pub = await ec2().send(
      new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetB, AssociatePublicIpAddress: true, Groups: [sg] }] }),
    );
    assert.ok(pub.Instances![0].PublicIpAddress);
    assert.equal(pub.Instances![0].PublicDnsName, "", "no DNS hostnames in a new VPC");
    await expectError(
      ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: eni.NetworkInterfaceId }] })),
      "InvalidNetworkInterface.InUse",
      400,
    );
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    const left = (await ec2().send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] }))).NetworkInterfaces![0];
    assert.equal(left.Status, "available");
  });

  it("user data is kept and returned; attributes; instance type changes only while stopped", async () => {
    const userData = Buffer.from("#!/bin/sh\necho hello\n").toString("base64");
    const r = await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: "t3.micro", SubnetId: subnetA, UserData: userData }));
    const id = r.Instances![0].InstanceId!;
    const ud = await ec2().send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "userData" }));
    assert.equal(ud.UserData!.Value, userData);
    assert.equal((await ec2().send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "instanceType" }))).InstanceType!.Value, "t3.micro");
    await expectError(ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.large" } })), "IncorrectInstanceState", 400, /is not in the 'stopped' state/);
    await ec2().send(new StopInstancesCommand({ InstanceIds: [id] }));
    await expectError(ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.bogus" } })), "InvalidParameterValue", 400, /do not exist/);
    await ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.large" } }));
    const newData = Buffer.from("echo bye").toString("base64");
    await ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, UserData: { Value: Buffer.from("echo bye") } }));
    assert.equal((await ec2().send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "userData" }))).UserData!.Value, newData);
    assert.equal((await describeOne(id)).InstanceType, "t3.large");
    await ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, SourceDestCheck: { Value: false } }));
    assert.equal((await ec2().send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "sourceDestCheck" }))).SourceDestCheck!.Value, false);
    assert.equal((await describeOne(id)).SourceDestCheck, false);
    const sg = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: "inst-attr", Description: "x", VpcId: vpcId }))).GroupId!;
    await ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, Groups: [sg] }));
    assert.deepEqual((await ec2().send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "groupSet" }))).Groups!.map((g) => g.GroupId), [sg]);
    await ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: true } }));
    await expectError(ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] })), "OperationNotPermitted", 400, /disableApiTermination/);
    await ec2().send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: false } }));
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it("stop, start, reboot, terminate: answered states, public address cycling, cleanup of ENIs, volumes and addresses", async () => {
    await ec2().send(new ModifySubnetAttributeCommand({ SubnetId: subnetB, MapPublicIpOnLaunch: { Value: true } }));
    const free0 = (await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [subnetB] }))).Subnets![0].AvailableIpAddressCount!;
    const r = await ec2().send(
      new RunInstancesCommand({
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: "t3.micro",
        SubnetId: subnetB,
        BlockDeviceMappings: [
          { DeviceName: "/dev/sdf", Ebs: { VolumeSize: 20, VolumeType: "gp3", DeleteOnTermination: false } },
          { DeviceName: "/dev/sdg", Ebs: { VolumeSize: 5 } },
        ],
      }),
    );
    const i = r.Instances![0];
    const id = i.InstanceId!;
    assert.ok(i.PublicIpAddress);
    assert.equal(i.BlockDeviceMappings!.length, 3);
    const kept = i.BlockDeviceMappings!.find((b) => b.DeviceName === "/dev/sdf")!.Ebs!.VolumeId!;
    const gone = i.BlockDeviceMappings!.filter((b) => b.DeviceName !== "/dev/sdf").map((b) => b.Ebs!.VolumeId!);
    assert.equal((await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [subnetB] }))).Subnets![0].AvailableIpAddressCount, free0 - 1);
    const stop = await ec2().send(new StopInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(stop.StoppingInstances, [{ InstanceId: id, CurrentState: { Code: 64, Name: "stopping" }, PreviousState: { Code: 16, Name: "running" } }]);
    const stopped = await describeOne(id);
    assert.equal(stopped.State!.Name, "stopped");
    assert.equal(stopped.PublicIpAddress, undefined);
    assert.match(stopped.StateTransitionReason!, /^User initiated \(/);
    const start = await ec2().send(new StartInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(start.StartingInstances![0].CurrentState, { Code: 0, Name: "pending" });
    const started = await describeOne(id);
    assert.equal(started.State!.Name, "running");
    assert.ok(started.PublicIpAddress);
    await ec2().send(new RebootInstancesCommand({ InstanceIds: [id] }));
    await expectError(ec2().send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true })), "DryRunOperation", 412);
    const term = await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(term.TerminatingInstances![0].CurrentState, { Code: 32, Name: "shutting-down" });
    const t = await describeOne(id);
    assert.deepEqual(t.State, { Code: 48, Name: "terminated" });
    assert.deepEqual(t.NetworkInterfaces, []);
    assert.equal((await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [subnetB] }))).Subnets![0].AvailableIpAddressCount, free0);
    assert.equal((await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [id] }] }))).NetworkInterfaces!.length, 0);
    const keptVol = (await ec2().send(new DescribeVolumesCommand({ VolumeIds: [kept] }))).Volumes![0];
    assert.equal(keptVol.State, "available");
    assert.equal(keptVol.VolumeType, "gp3");
    for (const v of gone) await expectError(ec2().send(new DescribeVolumesCommand({ VolumeIds: [v] })), "InvalidVolume.NotFound", 400);
    await expectError(ec2().send(new StartInstancesCommand({ InstanceIds: [id] })), "IncorrectInstanceState", 400);
    await expectError(ec2().send(new StopInstancesCommand({ InstanceIds: [id] })), "IncorrectInstanceState", 400);
    const again = await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(again.TerminatingInstances![0].CurrentState, { Code: 48, Name: "terminated" });
  });

  it("terminated instances stay visible for about an hour of the clock, then are NotFound", async () => {
    const acct = "888888888888";
    const r = await ec2(acct).send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1 }));
    const id = r.Instances![0].InstanceId!;
    await ec2(acct).send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    cb.clock.advance(30 * 60 * 1000);
    assert.equal((await describeOne(id, ec2(acct))).State!.Name, "terminated");
    cb.clock.advance(31 * 60 * 1000);
    await expectError(ec2(acct).send(new DescribeInstancesCommand({ InstanceIds: [id] })), "InvalidInstanceID.NotFound", 400);
    assert.equal((await ec2(acct).send(new DescribeInstancesCommand({}))).Reservations!.length, 0);
  });

  it("DescribeInstances filters", async () => {
    const tag = `flt-${Date.now()}`;
    const sg = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: "inst-filter", Description: "x", VpcId: vpcId }))).GroupId!;
    const a = (
      await ec2().send(
        new RunInstancesCommand({ ImageId: "ami-0aaaaaaaaaaaaaaaa", MinCount: 1, MaxCount: 1, InstanceType: "t3.small", SubnetId: subnetA, KeyName: "k1", SecurityGroupIds: [sg], TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "f", Value: tag }, { Key: "role", Value: "a" }] }] }),
      )
    ).Instances![0];
    const b = (
      await ec2().send(
        new RunInstancesCommand({ ImageId: "ami-0bbbbbbbbbbbbbbbb", MinCount: 1, MaxCount: 1, InstanceType: "t3.medium", SubnetId: subnetB, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "f", Value: tag }, { Key: "role", Value: "b" }] }] }),
      )
    ).Instances![0];
    await ec2().send(new StopInstancesCommand({ InstanceIds: [b.InstanceId!] }));
    const ids = async (filters: Array<{ Name: string; Values: string[] }>) =>
      (await ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:f", Values: [tag] }, ...filters] }))).Reservations!.flatMap((r) => r.Instances!.map((x) => x.InstanceId)).sort();
    const A = [a.InstanceId];
    const B = [b.InstanceId];
    assert.deepEqual(await ids([]), [a.InstanceId, b.InstanceId].sort());
    assert.deepEqual(await ids([{ Name: "availability-zone", Values: ["us-east-1a"] }]), A);
    assert.deepEqual(await ids([{ Name: "instance-id", Values: [b.InstanceId!] }]), B);
    assert.deepEqual(await ids([{ Name: "instance-state-name", Values: ["stopped"] }]), B);
    assert.deepEqual(await ids([{ Name: "instance-state-code", Values: ["16"] }]), A);
    assert.deepEqual(await ids([{ Name: "instance-type", Values: ["t3.small"] }]), A);
    assert.deepEqual(await ids([{ Name: "private-ip-address", Values: [b.PrivateIpAddress!] }]), B);
    assert.deepEqual(await ids([{ Name: "network-interface.network-interface-id", Values: [a.NetworkInterfaces![0].NetworkInterfaceId!] }]), A);
    assert.deepEqual(await ids([{ Name: "subnet-id", Values: [subnetB] }]), B);
    assert.deepEqual(await ids([{ Name: "vpc-id", Values: [vpcId] }]), [a.InstanceId, b.InstanceId].sort());
    assert.deepEqual(await ids([{ Name: "image-id", Values: ["ami-0aaaaaaaaaaaaaaaa"] }]), A);
    assert.deepEqual(await ids([{ Name: "key-name", Values: ["k1"] }]), A);
    assert.deepEqual(await ids([{ Name: "instance.group-id", Values: [sg] }]), A);
    assert.deepEqual(await ids([{ Name: "tag:role", Values: ["b"] }]), B);
    assert.deepEqual(await ids([{ Name: "tag-key", Values: ["role"] }, { Name: "tag-value", Values: ["a"] }]), A);
    assert.deepEqual(await ids([{ Name: "tag:role", Values: ["?"] }, { Name: "instance-type", Values: ["t3.*"] }]), [a.InstanceId, b.InstanceId].sort());
    assert.deepEqual(await ids([{ Name: "owner-id", Values: ["111111111111"] }]), [a.InstanceId, b.InstanceId].sort());
    assert.deepEqual(await ids([{ Name: "owner-id", Values: ["999999999999"] }]), []);
    // ip-address: the public address of a running instance.
    const pub = (await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetA, AssociatePublicIpAddress: true }], TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "f", Value: tag }] }] }))).Instances![0];
    assert.deepEqual(await ids([{ Name: "ip-address", Values: [pub.PublicIpAddress!] }]), [pub.InstanceId]);
    await expectError(ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: "bogus", Values: ["x"] }] })), "InvalidParameterValue", 400);
  });

  it("paging: MaxResults 5..1000, NextToken, ids with MaxResults refused; NotFound ids", async () => {
    const acct = "222222222222";
    await ec2(acct).send(new RunInstancesCommand({ ImageId: AMI, MinCount: 7, MaxCount: 7, InstanceType: "t3.nano" }));
    const p1 = await ec2(acct).send(new DescribeInstancesCommand({ MaxResults: 5 }));
    assert.equal(p1.Reservations!.flatMap((r) => r.Instances!).length, 5);
    const p2 = await ec2(acct).send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: p1.NextToken }));
    assert.equal(p2.Reservations!.flatMap((r) => r.Instances!).length, 2);
    assert.equal(p2.NextToken, undefined);
    await expectError(ec2(acct).send(new DescribeInstancesCommand({ MaxResults: 4 })), "InvalidParameterValue", 400);
    await expectError(ec2(acct).send(new DescribeInstancesCommand({ MaxResults: 1001 })), "InvalidParameterValue", 400);
    const one = p1.Reservations![0].Instances![0].InstanceId!;
    await expectError(ec2(acct).send(new DescribeInstancesCommand({ InstanceIds: [one], MaxResults: 5 })), "InvalidParameterValue", 400);
    await expectError(ec2(acct).send(new DescribeInstancesCommand({ InstanceIds: [one, "i-0123456789abcdef0"] })), "InvalidInstanceID.NotFound", 400, /i-0123456789abcdef0/);
  });

  it("DescribeInstanceStatus: running by default, all with IncludeAllInstances", async () => {
    const acct = "444444444444";
    const r = await ec2(acct).send(new RunInstancesCommand({ ImageId: AMI, MinCount: 2, MaxCount: 2 }));
    const [x, y] = r.Instances!.map((i) => i.InstanceId!);
    await ec2(acct).send(new StopInstancesCommand({ InstanceIds: [y] }));
    const s = await ec2(acct).send(new DescribeInstanceStatusCommand({}));
    assert.deepEqual(s.InstanceStatuses!.map((i) => i.InstanceId), [x]);
    assert.equal(s.InstanceStatuses![0].InstanceStatus!.Status, "ok");
    assert.equal(s.InstanceStatuses![0].SystemStatus!.Details![0].Status, "passed");
    const all = await ec2(acct).send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true, Filters: [{ Name: "instance-state-name", Values: ["stopped"] }] }));
    assert.deepEqual(all.InstanceStatuses!.map((i) => [i.InstanceId, i.InstanceStatus!.Status]), [[y, "not-applicable"]]);
  });

  it("volumes and instances: same AZ only, in use, device names, detach", async () => {
    const i = (await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnetA }))).Instances![0];
    const volA = (await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1a", Size: 10 }))).VolumeId!;
    const volB = (await ec2().send(new CreateVolumeCommand({ AvailabilityZone: "us-east-1b", Size: 10 }))).VolumeId!;
    await expectError(ec2().send(new AttachVolumeCommand({ VolumeId: volB, InstanceId: i.InstanceId, Device: "/dev/sdf" })), "InvalidVolume.ZoneMismatch", 400, /not in the same availability zone/);
    await expectError(ec2().send(new AttachVolumeCommand({ VolumeId: volA, InstanceId: i.InstanceId, Device: "/dev/xvda" })), "InvalidParameterValue", 400, /already in use/);
    await expectError(ec2().send(new AttachVolumeCommand({ VolumeId: volA, InstanceId: i.InstanceId, Device: "/dev/sdf", DryRun: true })), "DryRunOperation", 412);
    const a = await ec2().send(new AttachVolumeCommand({ VolumeId: volA, InstanceId: i.InstanceId, Device: "/dev/sdf" }));
    assert.equal(a.State, "attaching");
    const v = (await ec2().send(new DescribeVolumesCommand({ VolumeIds: [volA] }))).Volumes![0];
    assert.equal(v.State, "in-use");
    assert.equal(v.Attachments![0].State, "attached");
    const byAttachment = await ec2().send(new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [i.InstanceId!] }, { Name: "attachment.status", Values: ["attached"] }] }));
    assert.equal(byAttachment.Volumes!.length, 2);
    assert.ok((await describeOne(i.InstanceId!)).BlockDeviceMappings!.some((b) => b.DeviceName === "/dev/sdf" && b.Ebs!.VolumeId === volA));
    await expectError(ec2().send(new AttachVolumeCommand({ VolumeId: volA, InstanceId: i.InstanceId, Device: "/dev/sdg" })), "VolumeInUse", 400);
    await expectError(ec2().send(new DeleteVolumeCommand({ VolumeId: volA })), "VolumeInUse", 400);
    const d = await ec2().send(new DetachVolumeCommand({ VolumeId: volA }));
    assert.equal(d.State, "detaching");
    assert.equal((await ec2().send(new DescribeVolumesCommand({ VolumeIds: [volA] }))).Volumes![0].State, "available");
    await expectError(ec2().send(new DetachVolumeCommand({ VolumeId: volA })), "IncorrectState", 400);
    await ec2().send(new DeleteVolumeCommand({ VolumeId: volA }));
  });

  it("wrong account: another account's instances are NotFound for every operation", async () => {
    const i = (await ec2().send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnetA }))).Instances![0];
    const other = ec2("555555555555");
    const ids = { InstanceIds: [i.InstanceId!] };
    await expectError(other.send(new DescribeInstancesCommand(ids)), "InvalidInstanceID.NotFound", 400);
    await expectError(other.send(new StopInstancesCommand(ids)), "InvalidInstanceID.NotFound", 400);
    await expectError(other.send(new TerminateInstancesCommand(ids)), "InvalidInstanceID.NotFound", 400);
    await expectError(other.send(new DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId, Attribute: "userData" })), "InvalidInstanceID.NotFound", 400);
    await expectError(other.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId, SourceDestCheck: { Value: false } })), "InvalidInstanceID.NotFound", 400);
    await expectError(other.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnetA })), "InvalidSubnetID.NotFound", 400);
    const theirs = (await other.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
    assert.ok(!theirs.some((x) => x.InstanceId === i.InstanceId));
    assert.equal((await describeOne(i.InstanceId!)).State!.Name, "running");
  });

  it("AWS CLI: run-instances, describe-instances --filters, terminate-instances", async () => {
    const env = { AWS_ACCESS_KEY_ID: "666666666666" };
    // The CLI base64-encodes --user-data of run-instances itself (a CLI customization).
    const script = "#!/bin/sh\necho cli\n";
    const ud = Buffer.from(script).toString("base64");
    const run = await awsCli(cb.endpoint, ["ec2", "run-instances", "--image-id", AMI, "--count", "2", "--instance-type", "t3.micro", "--user-data", script, "--tag-specifications", "ResourceType=instance,Tags=[{Key=app,Value=cli}]"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json.Instances.length, 2);
    const d = await awsCli(cb.endpoint, ["ec2", "describe-instances", "--filters", "Name=tag:app,Values=cli", "Name=instance-state-name,Values=running"], env);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.json.Reservations[0].Instances.length, 2);
    const attr = await awsCli(cb.endpoint, ["ec2", "describe-instance-attribute", "--instance-id", run.json.Instances[0].InstanceId, "--attribute", "userData"], env);
    assert.equal(attr.code, 0, attr.stderr);
    assert.equal(attr.json.UserData.Value, ud);
    const t = await awsCli(cb.endpoint, ["ec2", "terminate-instances", "--instance-ids", run.json.Instances[0].InstanceId], env);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.json.TerminatingInstances[0].CurrentState.Name, "shutting-down");
  });
});
