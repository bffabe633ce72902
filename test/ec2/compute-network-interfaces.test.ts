/**
 * Network interfaces end to end (SDK v3 and AWS CLI v2): addresses from the subnet (reserved,
 * chosen, automatic, collisions, counts), prefixes, IPv6, groups, attach/detach limits, filters,
 * attributes, DryRun, paging, wrong-account access.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AssignIpv6AddressesCommand,
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSubnetCommand,
  DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  UnassignIpv6AddressesCommand,
  UnassignPrivateIpAddressesCommand,
} from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";
import { expectError } from "./compute-helpers.js";

describe("compute: network interfaces", () => {
  let cb: Cloudbox;
  let ec2: (account?: string) => EC2Client;
  let vpcId: string;
  let subnetId: string; // 10.20.1.0/24 in us-east-1a
  let subnetB: string; // 10.20.2.0/24 in us-east-1b
  let v6Subnet: string; // 10.20.3.0/24 + IPv6 /64
  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = "111111111111") => new EC2Client({ ...cb.clientConfig, credentials: { accessKeyId: account, secretAccessKey: "x" } });
    const vpc = await ec2().send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", AmazonProvidedIpv6CidrBlock: true }));
    vpcId = vpc.Vpc!.VpcId!;
    subnetId = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.1.0/24", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    subnetB = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.2.0/24", AvailabilityZone: "us-east-1b" }))).Subnet!.SubnetId!;
    let v6Block = vpc.Vpc!.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
    for (let i = 0; !v6Block && i < 20; i++) {
      const { DescribeVpcsCommand } = await import("@aws-sdk/client-ec2");
      v6Block = (await ec2().send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0].Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
    }
    const v6Subnet64 = v6Block!.replace(/::\/56$/, "::/64");
    v6Subnet = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.3.0/24", Ipv6CidrBlock: v6Subnet64, AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
  });
  after(() => cb.stop());

  const freeCount = async (id: string) => (await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets![0].AvailableIpAddressCount!;

  it("automatic addresses skip the four reserved ones, never collide, and count against the subnet", async () => {
    const before = await freeCount(subnetId);
    assert.equal(before, 251);
    const a = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Description: "a" }))).NetworkInterface!;
    assert.equal(a.PrivateIpAddress, "10.20.1.4");
    assert.equal(a.Status, "available");
    assert.equal(a.InterfaceType, "interface");
    assert.equal(a.SourceDestCheck, true);
    assert.equal(a.OwnerId, "111111111111");
    assert.equal(a.AvailabilityZone, "us-east-1a");
    assert.equal(a.PrivateDnsName, "ip-10-20-1-4.ec2.internal");
    assert.deepEqual(a.Groups!.map((g) => g.GroupName), ["default"]);
    assert.deepEqual(a.TagSet, []);
    const b = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, SecondaryPrivateIpAddressCount: 2 }))).NetworkInterface!;
    assert.deepEqual(b.PrivateIpAddresses!.map((p) => [p.PrivateIpAddress, p.Primary]), [["10.20.1.5", true], ["10.20.1.6", false], ["10.20.1.7", false]]);
    assert.equal(await freeCount(subnetId), before - 4);
    await ec2().send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: b.NetworkInterfaceId }));
    assert.equal(await freeCount(subnetId), before - 1);
    await ec2().send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: a.NetworkInterfaceId }));
    assert.equal(await freeCount(subnetId), before);
  });

  it("chosen addresses: inside the subnet, not reserved, not in use (InvalidIPAddress.InUse)", async () => {
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: "10.20.1.100" }))).NetworkInterface!;
    assert.equal(e.PrivateIpAddress, "10.20.1.100");
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: "10.20.1.100" })), "InvalidIPAddress.InUse", 400, /10.20.1.100 is in use/);
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: "10.20.9.1" })), "InvalidParameterValue", 400, /does not fall within/);
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: "10.20.1.2" })), "InvalidParameterValue", 400, /reserved/);
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: "10.20.1.255" })), "InvalidParameterValue", 400, /reserved/);
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: "nope" })), "InvalidParameterValue", 400);
    const multi = (
      await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddresses: [{ PrivateIpAddress: "10.20.1.110", Primary: true }, { PrivateIpAddress: "10.20.1.111" }] }))
    ).NetworkInterface!;
    assert.equal(multi.PrivateIpAddress, "10.20.1.110");
    assert.equal(multi.PrivateIpAddresses!.length, 2);
    // A failed call leaves nothing behind: .112 is free again after a collision on .111.
    await expectError(
      ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddresses: [{ PrivateIpAddress: "10.20.1.112", Primary: true }, { PrivateIpAddress: "10.20.1.111" }] })),
      "InvalidIPAddress.InUse",
      400,
    );
    const again = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: "10.20.1.112" }))).NetworkInterface!;
    assert.equal(again.PrivateIpAddress, "10.20.1.112");
  });

  it("a full subnet answers InsufficientFreeAddressesInSubnet", async () => {
    const vpc = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/28" }))).Vpc!;
    const tiny = (await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.30.0.0/28", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    assert.equal(await freeCount(tiny), 11);
    await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: tiny, SecondaryPrivateIpAddressCount: 10 }));
    assert.equal(await freeCount(tiny), 0);
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: tiny })), "InsufficientFreeAddressesInSubnet", 400);
  });

  it("prefix delegation: aligned /28 prefixes, never overlapping addresses in use", async () => {
    const vpc = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/24" }))).Vpc!;
    const sn = (await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.40.0.0/26", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: sn, Ipv4PrefixCount: 1 }))).NetworkInterface!;
    // .0/28 holds the reserved .0-.3 and the ENI's own .4, so the first prefix is .16/28.
    assert.deepEqual(e.Ipv4Prefixes, [{ Ipv4Prefix: "10.40.0.16/28" }]);
    assert.equal(await freeCount(sn), 64 - 5 - 1 - 16);
    const more = await ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Ipv4PrefixCount: 1 }));
    assert.deepEqual(more.AssignedIpv4Prefixes, [{ Ipv4Prefix: "10.40.0.32/28" }]);
    // .48/28 holds the last (reserved) address: no prefix left.
    await expectError(ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Ipv4PrefixCount: 1 })), "InsufficientCidrBlocks", 400);
    await expectError(ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Ipv4Prefixes: ["10.40.0.20/28"] })), "InvalidParameterValue", 400);
    // An address inside a delegated prefix is taken.
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: sn, PrivateIpAddress: "10.40.0.17" })), "InvalidIPAddress.InUse", 400);
    await ec2().send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Ipv4Prefixes: ["10.40.0.32/28"] }));
    const d = (await ec2().send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [e.NetworkInterfaceId!] }))).NetworkInterfaces![0];
    assert.deepEqual(d.Ipv4Prefixes, [{ Ipv4Prefix: "10.40.0.16/28" }]);
  });

  it("secondary addresses: assign by count and explicitly, unassign; primary cannot be unassigned", async () => {
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetB }))).NetworkInterface!;
    const r = await ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 2 }));
    assert.equal(r.AssignedPrivateIpAddresses!.length, 2);
    await ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, PrivateIpAddresses: ["10.20.2.200"] }));
    await expectError(ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, PrivateIpAddresses: ["10.20.2.200", "10.20.2.201"], SecondaryPrivateIpAddressCount: 1 })), "InvalidParameterCombination", 400);
    await ec2().send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, PrivateIpAddresses: ["10.20.2.200"] }));
    await expectError(ec2().send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, PrivateIpAddresses: [e.PrivateIpAddress!] })), "InvalidParameterValue", 400, /primary/);
    await expectError(ec2().send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, PrivateIpAddresses: ["10.20.2.250"] })), "InvalidParameterValue", 400);
    const d = (await ec2().send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [e.NetworkInterfaceId!] }))).NetworkInterfaces![0];
    assert.equal(d.PrivateIpAddresses!.length, 3);
  });

  it("IPv6: from the subnet's /64; refused without an IPv6 block", async () => {
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: v6Subnet, Ipv6AddressCount: 2 }))).NetworkInterface!;
    assert.equal(e.Ipv6Addresses!.length, 2);
    const sub = (await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [v6Subnet] }))).Subnets![0];
    const prefix = sub.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!.replace(/::\/64$/, ":");
    for (const a of e.Ipv6Addresses!) assert.ok(a.Ipv6Address!.startsWith(prefix), `${a.Ipv6Address} in ${prefix}`);
    const more = await ec2().send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Ipv6AddressCount: 1 }));
    assert.equal(more.AssignedIpv6Addresses!.length, 1);
    await ec2().send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Ipv6Addresses: more.AssignedIpv6Addresses }));
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Ipv6AddressCount: 1 })), "InvalidParameterCombination", 400);
    const f = (await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "ipv6-addresses.ipv6-address", Values: [e.Ipv6Addresses![0].Ipv6Address!] }] }))).NetworkInterfaces!;
    assert.deepEqual(f.map((x) => x.NetworkInterfaceId), [e.NetworkInterfaceId]);
  });

  it("security groups: up to 5 of the subnet's VPC; other VPC, unknown and 6 groups refused", async () => {
    const groups: string[] = [];
    for (let i = 0; i < 6; i++) {
      groups.push((await ec2().send(new CreateSecurityGroupCommand({ GroupName: `eni-g${i}`, Description: "x", VpcId: vpcId }))).GroupId!);
    }
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: groups.slice(0, 5) }))).NetworkInterface!;
    assert.equal(e.Groups!.length, 5);
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: groups })), "SecurityGroupsPerInterfaceLimitExceeded", 400);
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: ["sg-0123456789abcdef0"] })), "InvalidGroup.NotFound", 400);
    const other = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16" }))).Vpc!.VpcId!;
    const foreign = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: "foreign", Description: "x", VpcId: other }))).GroupId!;
    await expectError(ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [foreign] })), "InvalidParameter", 400, /different networks/);
    await ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Groups: [groups[5]] }));
    const g = await ec2().send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Attribute: "groupSet" }));
    assert.deepEqual(g.Groups!.map((x) => x.GroupId), [groups[5]]);
    const byGroup = await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "group-id", Values: [groups[5]] }] }));
    assert.deepEqual(byGroup.NetworkInterfaces!.map((x) => x.NetworkInterfaceId), [e.NetworkInterfaceId]);
  });

  it("attributes: description, sourceDestCheck, attachment", async () => {
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!;
    await ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Description: { Value: "hello" } }));
    await ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, SourceDestCheck: { Value: false } }));
    const d = await ec2().send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Attribute: "description" }));
    assert.equal(d.Description!.Value, "hello");
    const s = await ec2().send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Attribute: "sourceDestCheck" }));
    assert.equal(s.SourceDestCheck!.Value, false);
    const f = await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "source-dest-check", Values: ["false"] }, { Name: "description", Values: ["hel*"] }] }));
    assert.deepEqual(f.NetworkInterfaces!.map((x) => x.NetworkInterfaceId), [e.NetworkInterfaceId]);
    await expectError(ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Description: { Value: "x" }, DryRun: true })), "DryRunOperation", 412);
  });

  it("attach and detach: device index unique, same AZ, ENI limit per type, in-use ENIs cannot be deleted", async () => {
    const run = await ec2().send(new RunInstancesCommand({ ImageId: "ami-0abcdef1234567890", MinCount: 1, MaxCount: 1, InstanceType: "t2.micro", SubnetId: subnetId }));
    const inst = run.Instances![0];
    // t2.micro: 2 ENIs.
    const e1 = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!;
    const e2 = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!;
    const eB = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetB }))).NetworkInterface!;
    await expectError(ec2().send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eB.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: 1 })), "InvalidParameterCombination", 400, /same availability zone/);
    await expectError(ec2().send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: e1.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: 0 })), "InvalidParameterValue", 400, /device index/);
    await expectError(ec2().send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: e1.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: 1, DryRun: true })), "DryRunOperation", 412);
    const a = await ec2().send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: e1.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: 1 }));
    assert.match(a.AttachmentId!, /^eni-attach-/);
    assert.equal(a.NetworkCardIndex, 0);
    await expectError(ec2().send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: e2.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: 2 })), "AttachmentLimitExceeded", 400, /Interface count 3 exceeds the limit for t2.micro/);
    await expectError(ec2().send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: e1.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: 3 })), "InvalidNetworkInterface.InUse", 400);
    await expectError(ec2().send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: e1.NetworkInterfaceId })), "InvalidNetworkInterface.InUse", 400);
    const attached = (await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [inst.InstanceId!] }] }))).NetworkInterfaces!;
    assert.equal(attached.length, 2);
    const at1 = (await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [inst.InstanceId!] }, { Name: "attachment.device-index", Values: ["1"] }, { Name: "attachment.status", Values: ["attached"] }, { Name: "status", Values: ["in-use"] }] }))).NetworkInterfaces!;
    assert.deepEqual(at1.map((x) => x.NetworkInterfaceId), [e1.NetworkInterfaceId]);
    // t2.micro: 2 IPv4 addresses per ENI; the attached ENI has 1.
    await expectError(ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e1.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 2 })), "PrivateIpAddressLimitExceeded", 400, /Number of private addresses will exceed limit/);
    await ec2().send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e1.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 }));
    // The primary ENI cannot be detached.
    const primary = attached.find((x) => x.Attachment!.DeviceIndex === 0)!;
    await expectError(ec2().send(new DetachNetworkInterfaceCommand({ AttachmentId: primary.Attachment!.AttachmentId })), "OperationNotPermitted", 400);
    await expectError(ec2().send(new DetachNetworkInterfaceCommand({ AttachmentId: "eni-attach-0123456789abcdef0" })), "InvalidAttachmentID.NotFound", 400);
    await ec2().send(new DetachNetworkInterfaceCommand({ AttachmentId: a.AttachmentId }));
    const after = (await ec2().send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [e1.NetworkInterfaceId!] }))).NetworkInterfaces![0];
    assert.equal(after.Status, "available");
    assert.equal(after.Attachment, undefined);
    await ec2().send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: e1.NetworkInterfaceId }));
  });

  it("DeleteSubnet is refused while an ENI lives in it", async () => {
    const sn = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.9.0/24", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: sn }))).NetworkInterface!;
    await expectError(ec2().send(new DeleteSubnetCommand({ SubnetId: sn })), "DependencyViolation", 400);
    await ec2().send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: e.NetworkInterfaceId }));
    await ec2().send(new DeleteSubnetCommand({ SubnetId: sn }));
  });

  it("filters: subnet-id, vpc-id, availability-zone, private-ip-address, addresses.private-ip-address, network-interface-id, owner-id, requester-managed, tag", async () => {
    const tag = `f-${Date.now()}`;
    const e = (
      await ec2().send(
        new CreateNetworkInterfaceCommand({ SubnetId: subnetB, PrivateIpAddress: "10.20.2.77", SecondaryPrivateIpAddressCount: 1, TagSpecifications: [{ ResourceType: "network-interface", Tags: [{ Key: "t", Value: tag }] }] }),
      )
    ).NetworkInterface!;
    assert.deepEqual(e.TagSet, [{ Key: "t", Value: tag }]);
    const ids = async (filters: Array<{ Name: string; Values: string[] }>) =>
      (await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: filters }))).NetworkInterfaces!.map((x) => x.NetworkInterfaceId);
    const id = e.NetworkInterfaceId;
    const secondary = e.PrivateIpAddresses!.find((p) => !p.Primary)!.PrivateIpAddress!;
    assert.deepEqual(await ids([{ Name: "tag:t", Values: [tag] }]), [id]);
    assert.deepEqual(await ids([{ Name: "tag:t", Values: [tag] }, { Name: "subnet-id", Values: [subnetB] }, { Name: "vpc-id", Values: [vpcId] }, { Name: "availability-zone", Values: ["us-east-1b"] }]), [id]);
    assert.deepEqual(await ids([{ Name: "private-ip-address", Values: ["10.20.2.77"] }]), [id]);
    assert.deepEqual(await ids([{ Name: "addresses.private-ip-address", Values: [secondary] }]), [id]);
    assert.deepEqual(await ids([{ Name: "network-interface-id", Values: [id!] }, { Name: "owner-id", Values: ["111111111111"] }, { Name: "requester-managed", Values: ["false"] }]), [id]);
    assert.deepEqual(await ids([{ Name: "tag:t", Values: [tag] }, { Name: "association.public-ip", Values: ["*"] }]), []);
    assert.deepEqual(await ids([{ Name: "tag:t", Values: [tag] }, { Name: "attachment.status", Values: ["attached"] }]), []);
    await expectError(ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "nope", Values: ["x"] }] })), "InvalidParameterValue", 400);
  });

  it("paging and DryRun; unknown ids are NotFound", async () => {
    const acct = "222222222222";
    const vpc = (await ec2(acct).send(new CreateVpcCommand({ CidrBlock: "10.60.0.0/16" }))).Vpc!;
    const sn = (await ec2(acct).send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.60.0.0/24", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
    await expectError(ec2(acct).send(new CreateNetworkInterfaceCommand({ SubnetId: sn, DryRun: true })), "DryRunOperation", 412);
    for (let i = 0; i < 6; i++) await ec2(acct).send(new CreateNetworkInterfaceCommand({ SubnetId: sn }));
    const p1 = await ec2(acct).send(new DescribeNetworkInterfacesCommand({ MaxResults: 5 }));
    assert.equal(p1.NetworkInterfaces!.length, 5);
    const p2 = await ec2(acct).send(new DescribeNetworkInterfacesCommand({ MaxResults: 5, NextToken: p1.NextToken }));
    assert.equal(p2.NetworkInterfaces!.length, 1);
    await expectError(ec2(acct).send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ["eni-0123456789abcdef0"] })), "InvalidNetworkInterfaceID.NotFound", 400);
    await expectError(ec2(acct).send(new CreateNetworkInterfaceCommand({ SubnetId: "subnet-0123456789abcdef0" })), "InvalidSubnetID.NotFound", 400);
  });

  it("wrong account: cannot see, change, delete or use another account's ENI or subnet", async () => {
    const e = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!;
    const other = ec2("333333333333");
    await expectError(other.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [e.NetworkInterfaceId!] })), "InvalidNetworkInterfaceID.NotFound", 400);
    assert.ok(!(await other.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces!.some((x) => x.NetworkInterfaceId === e.NetworkInterfaceId));
    await expectError(other.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: e.NetworkInterfaceId })), "InvalidNetworkInterfaceID.NotFound", 400);
    await expectError(other.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: e.NetworkInterfaceId, Description: { Value: "x" } })), "InvalidNetworkInterfaceID.NotFound", 400);
    await expectError(other.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: e.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 })), "InvalidNetworkInterfaceID.NotFound", 400);
    await expectError(other.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId })), "InvalidSubnetID.NotFound", 400);
  });

  it("AWS CLI: create-network-interface and describe-network-interfaces --filters", async () => {
    const env = { AWS_ACCESS_KEY_ID: "111111111111" };
    const c = await awsCli(cb.endpoint, ["ec2", "create-network-interface", "--subnet-id", subnetB, "--description", "cli-eni", "--private-ip-address", "10.20.2.150"], env);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.json.NetworkInterface.PrivateIpAddress, "10.20.2.150");
    const d = await awsCli(cb.endpoint, ["ec2", "describe-network-interfaces", "--filters", "Name=description,Values=cli-eni"], env);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(d.json.NetworkInterfaces.map((x: { NetworkInterfaceId: string }) => x.NetworkInterfaceId), [c.json.NetworkInterface.NetworkInterfaceId]);
    const dup = await awsCli(cb.endpoint, ["ec2", "create-network-interface", "--subnet-id", subnetB, "--private-ip-address", "10.20.2.150"], env);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /InvalidIPAddress\.InUse/);
  });

});
