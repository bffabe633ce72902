/**
 * Subnets end to end with the real SDK v3 EC2Client: CreateSubnet (AZ by name or ID through the
 * caller's AZ map, CIDR rules, IPv6 /64), DescribeSubnets (filters, paging, shared subnets seen
 * with the participant's AZ names), ModifySubnetAttribute, DeleteSubnet (DependencyViolation),
 * errors with their HTTP status, DryRun, and isolation between accounts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AllocateAddressCommand,
  AssociateSubnetCidrBlockCommand,
  CreateDefaultSubnetCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNatGatewayCommand,
  DeleteSubnetCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNetworkAclsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DisassociateSubnetCidrBlockCommand,
  EC2Client,
  EC2ServiceException,
  ModifySubnetAttributeCommand,
} from "@aws-sdk/client-ec2";
import { AcceptResourceShareInvitationCommand, CreateResourceShareCommand, GetResourceShareInvitationsCommand, RAMClient } from "@aws-sdk/client-ram";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { expectAwsError as expectError } from "../helpers/errors.js";

describe("vpc family: subnets", () => {
  let cb: Cloudbox;
  let ec2: (account?: string, region?: string) => EC2Client;
  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = "111111111111", region = "us-east-1") =>
      new EC2Client({ ...cb.clientConfig, region, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  });
  after(() => cb.stop());

  const zonesOf = async (account: string) =>
    (await ec2(account).send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!.map((z) => ({ name: z.ZoneName!, id: z.ZoneId! }));

  describe("CreateSubnet", () => {
    let vpcId: string;
    before(async () => {
      vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
    });

    it("by AvailabilityZone: canonical CIDR, AZ name and ID, 251 free addresses in a /24, tags, default NACL association", async () => {
      const zones = await zonesOf("111111111111");
      const { Subnet } = await ec2().send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: "10.0.1.77/24",
          AvailabilityZone: zones[1].name,
          TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "tier", Value: "web" }] }],
        }),
      );
      assert.match(Subnet!.SubnetId!, /^subnet-[0-9a-f]{17}$/);
      assert.equal(Subnet!.CidrBlock, "10.0.1.0/24");
      assert.equal(Subnet!.AvailabilityZone, zones[1].name);
      assert.equal(Subnet!.AvailabilityZoneId, zones[1].id);
      assert.equal(Subnet!.AvailableIpAddressCount, 251);
      assert.equal(Subnet!.State, "available");
      assert.equal(Subnet!.DefaultForAz, false);
      assert.equal(Subnet!.MapPublicIpOnLaunch, false);
      assert.equal(Subnet!.AssignIpv6AddressOnCreation, false);
      assert.equal(Subnet!.OwnerId, "111111111111");
      assert.equal(Subnet!.VpcId, vpcId);
      assert.equal(Subnet!.SubnetArn, `arn:aws:ec2:us-east-1:111111111111:subnet/${Subnet!.SubnetId}`);
      assert.deepEqual(Subnet!.Tags, [{ Key: "tier", Value: "web" }]);
      const acl = (await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [Subnet!.SubnetId!] }] }))).NetworkAcls!;
      assert.equal(acl.length, 1);
      assert.equal(acl[0].IsDefault, true);
    });

    it("by AvailabilityZoneId: each account gets its own name for the same ID", async () => {
      const zonesA = await zonesOf("111111111111");
      const zonesB = await zonesOf("222222222222");
      const vpcB = (await ec2("222222222222").send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
      for (const z of zonesA) {
        const b = zonesB.find((x) => x.id === z.id)!;
        const i = zonesA.indexOf(z);
        const sa = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${100 + i}.0/24`, AvailabilityZoneId: z.id }))).Subnet!;
        const sb = (await ec2("222222222222").send(new CreateSubnetCommand({ VpcId: vpcB, CidrBlock: `10.0.${100 + i}.0/24`, AvailabilityZoneId: z.id }))).Subnet!;
        assert.equal(sa.AvailabilityZone, z.name);
        assert.equal(sb.AvailabilityZone, b.name);
        assert.equal(sa.AvailabilityZoneId, sb.AvailabilityZoneId);
      }
    });

    it("without a zone, AWS picks one of the caller's zones", async () => {
      const zones = await zonesOf("111111111111");
      const s = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.2.0/28" }))).Subnet!;
      assert.ok(zones.some((z) => z.name === s.AvailabilityZone && z.id === s.AvailabilityZoneId));
      assert.equal(s.AvailableIpAddressCount, 11);
    });

    it("an unknown zone name or ID is InvalidParameterValue (400) naming the valid zones", async () => {
      await expectError(
        ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.3.0/24", AvailabilityZone: "us-east-1z" })),
        "InvalidParameterValue",
        400,
        /Value \(us-east-1z\) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-east-1a/,
      );
      await expectError(
        ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.3.0/24", AvailabilityZone: "eu-west-1a" })),
        "InvalidParameterValue",
        400,
      );
      await expectError(
        ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.3.0/24", AvailabilityZoneId: "use1-az99" })),
        "InvalidParameterValue",
        400,
        /availabilityZoneId/,
      );
    });

    it("a block outside the VPC or out of /16../28 is InvalidSubnet.Range (400)", async () => {
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.1.0.0/24" })), "InvalidSubnet.Range", 400, /The CIDR '10.1.0.0\/24' is invalid/);
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.0.0/29" })), "InvalidSubnet.Range", 400);
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.0.0/15" })), "InvalidSubnet.Range", 400);
    });

    it("a malformed block is InvalidParameterValue (400)", () =>
      expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.300.0/24" })), "InvalidParameterValue", 400, /not a valid CIDR block/));

    it("an overlapping block is InvalidSubnet.Conflict (400)", async () => {
      await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.8.0/22" }));
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.9.0/24" })), "InvalidSubnet.Conflict", 400, /The CIDR '10.0.9.0\/24' conflicts with another subnet/);
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.0.0/20" })), "InvalidSubnet.Conflict", 400);
    });

    it("an unknown or foreign VPC is InvalidVpcID.NotFound (400)", async () => {
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: "vpc-00000000000000001", CidrBlock: "10.0.0.0/24" })), "InvalidVpcID.NotFound", 400);
      await expectError(ec2("999999999999").send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.250.0/24" })), "InvalidVpcID.NotFound", 400);
    });

    it("DryRun is DryRunOperation (412) and creates nothing", async () => {
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.200.0/24", DryRun: true })), "DryRunOperation", 412);
      const left = (await ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: "cidr-block", Values: ["10.0.200.0/24"] }] }))).Subnets!;
      assert.equal(left.length, 0);
    });

    it("Ipv6CidrBlock: a /64 inside the VPC's /56; outside, another size or overlapping is refused", async () => {
      const vpc = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.5.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
      const v6 = vpc.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!; // e.g. 2600:1f10:0:100::/56
      const prefix = v6.replace(/::\/56$/, "");
      const s = (await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.5.1.0/24", Ipv6CidrBlock: `${prefix}::/64` }))).Subnet!;
      assert.equal(s.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock, `${prefix}::/64`);
      assert.equal(s.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlockState?.State, "associated");
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.5.2.0/24", Ipv6CidrBlock: `${prefix}::/64` })), "InvalidSubnet.Conflict", 400);
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.5.2.0/24", Ipv6CidrBlock: "2001:db8::/64" })), "InvalidSubnet.Range", 400);
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.5.2.0/24", Ipv6CidrBlock: `${prefix}::/60` })), "InvalidSubnet.Range", 400);
      await expectError(ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.5.2.0/24", Ipv6CidrBlock: "nope/64" })), "InvalidParameterValue", 400);
      const got = (await ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: "ipv6-cidr-block-association.ipv6-cidr-block", Values: [`${prefix}::/64`] }] }))).Subnets!;
      assert.deepEqual(got.map((x) => x.SubnetId), [s.SubnetId]);
      // AssignIpv6AddressOnCreation needs an IPv6 block
      await ec2().send(new ModifySubnetAttributeCommand({ SubnetId: s.SubnetId, AssignIpv6AddressOnCreation: { Value: true } }));
      assert.equal((await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s.SubnetId!] }))).Subnets![0].AssignIpv6AddressOnCreation, true);
      const v4only = (await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.5.3.0/24" }))).Subnet!;
      await expectError(ec2().send(new ModifySubnetAttributeCommand({ SubnetId: v4only.SubnetId, AssignIpv6AddressOnCreation: { Value: true } })), "InvalidParameterValue", 400);
    });
  });

  describe("DescribeSubnets filters and paging", () => {
    let vpcId: string;
    let a: string;
    let b: string;
    let zones: Array<{ name: string; id: string }>;
    const acct = "333333333333";
    before(async () => {
      zones = await zonesOf(acct);
      vpcId = (await ec2(acct).send(new CreateVpcCommand({ CidrBlock: "10.7.0.0/16" }))).Vpc!.VpcId!;
      a = (await ec2(acct).send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.7.1.0/24", AvailabilityZone: zones[0].name, TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "tier", Value: "public" }] }] }))).Subnet!.SubnetId!;
      b = (await ec2(acct).send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.7.2.0/26", AvailabilityZone: zones[1].name, TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "tier", Value: "private" }] }] }))).Subnet!.SubnetId!;
      await ec2(acct).send(new ModifySubnetAttributeCommand({ SubnetId: a, MapPublicIpOnLaunch: { Value: true } }));
    });
    const ids = async (filters: Array<{ Name: string; Values: string[] }>) =>
      ((await ec2(acct).send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, ...filters] }))).Subnets ?? []).map((s) => s.SubnetId).sort();

    it("availability-zone, availability-zone-id", async () => {
      assert.deepEqual(await ids([{ Name: "availability-zone", Values: [zones[0].name] }]), [a]);
      assert.deepEqual(await ids([{ Name: "availability-zone-id", Values: [zones[1].id] }]), [b]);
    });
    it("available-ip-address-count, cidr-block (and its aliases cidr, cidrBlock)", async () => {
      assert.deepEqual(await ids([{ Name: "available-ip-address-count", Values: ["59"] }]), [b]);
      assert.deepEqual(await ids([{ Name: "cidr-block", Values: ["10.7.1.0/24"] }]), [a]);
      assert.deepEqual(await ids([{ Name: "cidr", Values: ["10.7.2.0/26"] }]), [b]);
      assert.deepEqual(await ids([{ Name: "cidrBlock", Values: ["10.7.*"] }]), [a, b].sort());
    });
    it("default-for-az, map-public-ip-on-launch, owner-id, state, subnet-id", async () => {
      assert.deepEqual(await ids([{ Name: "default-for-az", Values: ["false"] }]), [a, b].sort());
      assert.deepEqual(await ids([{ Name: "default-for-az", Values: ["true"] }]), []);
      assert.deepEqual(await ids([{ Name: "map-public-ip-on-launch", Values: ["true"] }]), [a]);
      assert.deepEqual(await ids([{ Name: "owner-id", Values: [acct] }]), [a, b].sort());
      assert.deepEqual(await ids([{ Name: "state", Values: ["available"] }]), [a, b].sort());
      assert.deepEqual(await ids([{ Name: "subnet-id", Values: [b] }]), [b]);
    });
    it("tag:Key, tag-key, tag-value", async () => {
      assert.deepEqual(await ids([{ Name: "tag:tier", Values: ["public"] }]), [a]);
      assert.deepEqual(await ids([{ Name: "tag-key", Values: ["tier"] }]), [a, b].sort());
      assert.deepEqual(await ids([{ Name: "tag-value", Values: ["priv*"] }]), [b]);
    });
    it("default subnets of the default VPC: default-for-az true", async () => {
      const all = (await ec2(acct).send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }))).Subnets!;
      assert.equal(all.length, zones.length);
    });
    it("paginates", async () => {
      const p1 = await ec2(acct).send(new DescribeSubnetsCommand({ MaxResults: 5 }));
      assert.equal(p1.Subnets!.length, 5);
      const p2 = await ec2(acct).send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: p1.NextToken }));
      assert.equal(p1.Subnets!.length + p2.Subnets!.length, zones.length + 2);
      assert.equal(p2.NextToken, undefined);
    });
    it("unknown id is InvalidSubnetID.NotFound (400); unknown filter InvalidParameterValue (400); DryRun 412", async () => {
      await expectError(ec2(acct).send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-00000000000000000"] })), "InvalidSubnetID.NotFound", 400, /subnet-00000000000000000/);
      await expectError(ec2(acct).send(new DescribeSubnetsCommand({ Filters: [{ Name: "nope", Values: ["x"] }] })), "InvalidParameterValue", 400);
      await expectError(ec2(acct).send(new DescribeSubnetsCommand({ DryRun: true })), "DryRunOperation", 412);
    });
    it("other accounts see none of them and cannot change them", async () => {
      const other = ec2("444444444444");
      const seen = (await other.send(new DescribeSubnetsCommand({}))).Subnets!.map((s) => s.SubnetId);
      assert.ok(!seen.includes(a) && !seen.includes(b));
      await expectError(other.send(new DescribeSubnetsCommand({ SubnetIds: [a] })), "InvalidSubnetID.NotFound", 400);
      await expectError(other.send(new DeleteSubnetCommand({ SubnetId: a })), "InvalidSubnetID.NotFound", 400);
      await expectError(other.send(new ModifySubnetAttributeCommand({ SubnetId: a, MapPublicIpOnLaunch: { Value: false } })), "InvalidSubnetID.NotFound", 400);
    });
  });

  describe("CreateDefaultSubnet", () => {
    it("recreates a deleted default subnet in its zone with the first free /20; refuses a second one", async () => {
      const acct = ec2("666666666666");
      const zones = await zonesOf("666666666666");
      const subnets = (await acct.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }))).Subnets!;
      const first = subnets.find((s) => s.AvailabilityZone === zones[0].name)!;
      assert.equal(first.CidrBlock, "172.31.0.0/20");
      await expectError(acct.send(new CreateDefaultSubnetCommand({ AvailabilityZone: zones[0].name })), "DefaultSubnetAlreadyExistsInAvailabilityZone", 400);
      await acct.send(new DeleteSubnetCommand({ SubnetId: first.SubnetId }));
      await expectError(acct.send(new CreateDefaultSubnetCommand({ AvailabilityZoneId: zones[0].id, DryRun: true })), "DryRunOperation", 412);
      const again = (await acct.send(new CreateDefaultSubnetCommand({ AvailabilityZoneId: zones[0].id }))).Subnet!;
      assert.deepEqual([again.CidrBlock, again.AvailabilityZone, again.DefaultForAz, again.MapPublicIpOnLaunch, again.VpcId], ["172.31.0.0/20", zones[0].name, true, true, first.VpcId]);
      await expectError(acct.send(new CreateDefaultSubnetCommand({ AvailabilityZone: "us-east-1z" })), "InvalidParameterValue", 400);
    });
  });

  describe("AssociateSubnetCidrBlock / DisassociateSubnetCidrBlock", () => {
    it("adds one IPv6 /64 of the VPC's /56 to a subnet and removes it", async () => {
      const vpc = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.6.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
      const prefix = vpc.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!.replace(/::\/56$/, "");
      const s = (await ec2().send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.6.1.0/24" }))).Subnet!.SubnetId!;
      const out = await ec2().send(new AssociateSubnetCidrBlockCommand({ SubnetId: s, Ipv6CidrBlock: `${prefix}::/64` }));
      assert.equal(out.SubnetId, s);
      assert.equal(out.Ipv6CidrBlockAssociation?.Ipv6CidrBlock, `${prefix}::/64`);
      const got = (await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s] }))).Subnets![0];
      assert.equal(got.Ipv6CidrBlockAssociationSet![0].AssociationId, out.Ipv6CidrBlockAssociation?.AssociationId);
      await expectError(ec2().send(new AssociateSubnetCidrBlockCommand({ SubnetId: s, Ipv6CidrBlock: `${prefix}::/64` })), "InvalidParameterValue", 400);
      await expectError(ec2().send(new AssociateSubnetCidrBlockCommand({ SubnetId: s, Ipv6CidrBlock: "2001:db8::/64" })), "InvalidSubnet.Range", 400);
      const dis = await ec2().send(new DisassociateSubnetCidrBlockCommand({ AssociationId: out.Ipv6CidrBlockAssociation!.AssociationId }));
      assert.equal(dis.Ipv6CidrBlockAssociation?.Ipv6CidrBlockState?.State, "disassociating");
      assert.deepEqual((await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s] }))).Subnets![0].Ipv6CidrBlockAssociationSet, []);
      await expectError(ec2().send(new DisassociateSubnetCidrBlockCommand({ AssociationId: out.Ipv6CidrBlockAssociation!.AssociationId })), "InvalidSubnetCidrBlockAssociationID.NotFound", 400);
      await expectError(ec2("222222222222").send(new AssociateSubnetCidrBlockCommand({ SubnetId: s, Ipv6CidrBlock: `${prefix}::/64` })), "InvalidSubnetID.NotFound", 400);
    });
  });

  describe("shared subnets (AWS RAM)", () => {
    it("the participant sees the subnet with its own AZ name for the same AZ ID and the owner's OwnerId; only the owner changes it", async () => {
      const owner = "777777777777";
      const participant = "888888888888";
      const zonesO = await zonesOf(owner);
      const zonesP = await zonesOf(participant);
      const vpcId = (await ec2(owner).send(new CreateVpcCommand({ CidrBlock: "10.77.0.0/16" }))).Vpc!.VpcId!;
      // pick a zone whose name differs between the two accounts, if the AZ map gives one
      const zone = zonesO.find((z) => zonesP.find((p) => p.id === z.id)!.name !== z.name) ?? zonesO[0];
      const subnet = (await ec2(owner).send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.77.1.0/24", AvailabilityZoneId: zone.id }))).Subnet!;
      const ram = (account: string) => new RAMClient({ ...cb.clientConfig, region: "us-east-1", credentials: { accessKeyId: account, secretAccessKey: "x" } });
      await ram(owner).send(new CreateResourceShareCommand({ name: "shared-subnet", resourceArns: [subnet.SubnetArn!], principals: [participant] }));
      const inv = (await ram(participant).send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations!;
      // before acceptance: nothing visible
      await expectError(ec2(participant).send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] })), "InvalidSubnetID.NotFound", 400);
      await ram(participant).send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv[0].resourceShareInvitationArn }));

      const seen = (await ec2(participant).send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] }))).Subnets![0];
      const pName = zonesP.find((p) => p.id === zone.id)!.name;
      assert.equal(seen.AvailabilityZoneId, zone.id);
      assert.equal(seen.AvailabilityZone, pName);
      assert.equal(subnet.AvailabilityZone, zone.name);
      assert.equal(seen.OwnerId, owner);
      assert.equal(seen.VpcId, vpcId);
      assert.equal(seen.AvailableIpAddressCount, 251);
      const listed = (await ec2(participant).send(new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: [pName] }, { Name: "owner-id", Values: [owner] }] }))).Subnets!;
      assert.deepEqual(listed.map((x) => x.SubnetId), [subnet.SubnetId]);
      // the participant sees the VPC of the shared subnet, owned by the owner
      const vpcs = (await ec2(participant).send(new DescribeVpcsCommand({ Filters: [{ Name: "owner-id", Values: [owner] }] }))).Vpcs!;
      assert.deepEqual(vpcs.map((v) => v.VpcId), [vpcId]);
      // but cannot change the subnet or the VPC, nor create subnets in it
      await expectError(ec2(participant).send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId })), "InvalidSubnetID.NotFound", 400);
      await expectError(ec2(participant).send(new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId, MapPublicIpOnLaunch: { Value: true } })), "InvalidSubnetID.NotFound", 400);
      await expectError(ec2(participant).send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.77.2.0/24" })), "InvalidVpcID.NotFound", 400);
      // a third account still sees nothing
      await expectError(ec2("999999999999").send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] })), "InvalidSubnetID.NotFound", 400);
    });
  });

  describe("ModifySubnetAttribute", () => {
    it("one attribute at a time; private DNS name options", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.8.0.0/16" }))).Vpc!.VpcId!;
      const s = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.8.0.0/24" }))).Subnet!.SubnetId!;
      await ec2().send(new ModifySubnetAttributeCommand({ SubnetId: s, PrivateDnsHostnameTypeOnLaunch: "resource-name" }));
      await ec2().send(new ModifySubnetAttributeCommand({ SubnetId: s, EnableResourceNameDnsARecordOnLaunch: { Value: true } }));
      const got = (await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s] }))).Subnets![0];
      assert.deepEqual(got.PrivateDnsNameOptionsOnLaunch, { HostnameType: "resource-name", EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: false });
      await expectError(
        ec2().send(new ModifySubnetAttributeCommand({ SubnetId: s, MapPublicIpOnLaunch: { Value: true }, EnableDns64: { Value: true } })),
        "InvalidParameterCombination",
        400,
      );
    });
  });

  describe("DeleteSubnet", () => {
    it("refuses with DependencyViolation (400) while a NAT gateway holds an address, then deletes; free count follows allocations", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }))).Vpc!.VpcId!;
      const s = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.9.0.0/24" }))).Subnet!.SubnetId!;
      const nat = (await ec2().send(new CreateNatGatewayCommand({ SubnetId: s, ConnectivityType: "private" }))).NatGateway!;
      assert.equal(nat.NatGatewayAddresses![0].PrivateIp, "10.9.0.4");
      assert.equal((await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s] }))).Subnets![0].AvailableIpAddressCount, 250);
      await expectError(ec2().send(new DeleteSubnetCommand({ SubnetId: s })), "DependencyViolation", 400, new RegExp(`The subnet '${s}' has dependencies and cannot be deleted`));
      await ec2().send(new DeleteNatGatewayCommand({ NatGatewayId: nat.NatGatewayId }));
      assert.equal((await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s] }))).Subnets![0].AvailableIpAddressCount, 251);
      await expectError(ec2().send(new DeleteSubnetCommand({ SubnetId: s, DryRun: true })), "DryRunOperation", 412);
      await ec2().send(new DeleteSubnetCommand({ SubnetId: s }));
      await expectError(ec2().send(new DescribeSubnetsCommand({ SubnetIds: [s] })), "InvalidSubnetID.NotFound", 400);
      const acl = (await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [s] }] }))).NetworkAcls!;
      assert.equal(acl.length, 0);
      await expectError(ec2().send(new DeleteSubnetCommand({ SubnetId: s })), "InvalidSubnetID.NotFound", 400);
      void AllocateAddressCommand;
    });
  });
});
