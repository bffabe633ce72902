/**
 * VPCs and the default VPC end to end, with the real SDK v3 EC2Client and the AWS CLI v2:
 * CreateVpc / DescribeVpcs / DeleteVpc / Modify+DescribeVpcAttribute / Associate+Disassociate
 * VpcCidrBlock / CreateDefaultVpc, filters, errors with their HTTP status, DryRun, pagination,
 * and isolation between accounts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AssociateVpcCidrBlockCommand,
  CreateDefaultVpcCommand,
  CreateInternetGatewayCommand,
  AttachInternetGatewayCommand,
  DetachInternetGatewayCommand,
  DeleteInternetGatewayCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DisassociateVpcCidrBlockCommand,
  EC2Client,
  EC2ServiceException,
  ModifyVpcAttributeCommand,
} from "@aws-sdk/client-ec2";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli, findAwsCliV2 } from "../helpers/aws-cli.js";
import { expectAwsError as expectError } from "../helpers/errors.js";

describe("vpc family: VPCs", () => {
  let cb: Cloudbox;
  let ec2: (account?: string, region?: string) => EC2Client;
  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = "111111111111", region = "us-east-1") =>
      new EC2Client({ ...cb.clientConfig, region, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  });
  after(() => cb.stop());

  describe("CreateVpc", () => {
    it("canonicalises the CIDR, defaults tenancy, creates main route table, default SG and default NACL, applies tags", async () => {
      const { Vpc } = await ec2().send(
        new CreateVpcCommand({ CidrBlock: "10.10.5.9/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "create-1" }] }] }),
      );
      assert.ok(Vpc?.VpcId);
      assert.match(Vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
      assert.equal(Vpc.CidrBlock, "10.10.0.0/16");
      assert.equal(Vpc.State, "pending"); // as the create-vpc example output shows
      assert.deepEqual(Vpc.Ipv6CidrBlockAssociationSet, []);
      assert.equal((await ec2().send(new DescribeVpcsCommand({ VpcIds: [Vpc.VpcId] }))).Vpcs![0].State, "available");
      assert.equal(Vpc.InstanceTenancy, "default");
      assert.equal(Vpc.IsDefault, false);
      assert.equal(Vpc.OwnerId, "111111111111");
      assert.equal(Vpc.DhcpOptionsId, "default");
      assert.deepEqual(Vpc.Tags, [{ Key: "Name", Value: "create-1" }]);
      assert.equal(Vpc.CidrBlockAssociationSet?.[0].CidrBlock, "10.10.0.0/16");
      assert.equal(Vpc.CidrBlockAssociationSet?.[0].CidrBlockState?.State, "associated");

      const rt = await ec2().send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [Vpc.VpcId] }] }));
      assert.equal(rt.RouteTables?.length, 1);
      assert.equal(rt.RouteTables![0].Associations?.[0].Main, true);
      assert.deepEqual(
        rt.RouteTables![0].Routes?.map((r) => [r.DestinationCidrBlock, r.GatewayId, r.Origin, r.State]),
        [["10.10.0.0/16", "local", "CreateRouteTable", "active"]],
      );
      const sg = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [Vpc.VpcId] }] }));
      assert.deepEqual(sg.SecurityGroups?.map((g) => g.GroupName), ["default"]);
      const acl = await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [Vpc.VpcId] }] }));
      assert.deepEqual(acl.NetworkAcls?.map((a) => a.IsDefault), [true]);
    });

    it("AmazonProvidedIpv6CidrBlock gives a distinct /56 per VPC and an IPv6 local route", async () => {
      const a = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
      const b = (await ec2("222222222222").send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
      const v6a = a.Ipv6CidrBlockAssociationSet![0];
      const v6b = b.Ipv6CidrBlockAssociationSet![0];
      assert.match(v6a.Ipv6CidrBlock!, /^2600:1f10:[0-9a-f:]+\/56$/);
      assert.notEqual(v6a.Ipv6CidrBlock, v6b.Ipv6CidrBlock);
      assert.equal(v6a.Ipv6Pool, "Amazon");
      assert.equal(v6a.NetworkBorderGroup, "us-east-1");
      assert.equal(v6a.Ipv6CidrBlockState?.State, "associating");
      const described = (await ec2().send(new DescribeVpcsCommand({ VpcIds: [a.VpcId!] }))).Vpcs![0].Ipv6CidrBlockAssociationSet![0];
      assert.equal(described.Ipv6CidrBlockState?.State, "associated");
      const rt = await ec2().send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [a.VpcId!] }] }));
      assert.ok(rt.RouteTables![0].Routes!.some((r) => r.DestinationIpv6CidrBlock === v6a.Ipv6CidrBlock && r.GatewayId === "local"));
      const acl = await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [a.VpcId!] }] }));
      assert.ok(acl.NetworkAcls![0].Entries!.some((e) => e.Ipv6CidrBlock === "::/0" && e.RuleAction === "allow"));
    });

    it("dedicated tenancy is kept", async () => {
      const { Vpc } = await ec2().send(new CreateVpcCommand({ CidrBlock: "10.21.0.0/24", InstanceTenancy: "dedicated" }));
      assert.equal(Vpc?.InstanceTenancy, "dedicated");
    });

    it("a malformed CIDR is InvalidParameterValue (400)", async () => {
      for (const bad of ["10.0.0.0", "10.0.0/16", "300.0.0.0/16", "10.0.0.0/33", "abc", "2001:db8::/56"]) {
        await expectError(ec2().send(new CreateVpcCommand({ CidrBlock: bad })), "InvalidParameterValue", 400, /This is not a valid CIDR block/);
      }
    });

    it("a CIDR larger than /16 or smaller than /28 is InvalidVpc.Range (400)", async () => {
      await expectError(ec2().send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/15" })), "InvalidVpc.Range", 400, /The CIDR '10.0.0.0\/15' is invalid/);
      await expectError(ec2().send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/29" })), "InvalidVpc.Range", 400);
      await expectError(ec2().send(new CreateVpcCommand({ CidrBlock: "169.254.0.0/16" })), "InvalidVpc.Range", 400);
    });

    it("/16 and /28 are the bounds", async () => {
      await ec2().send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/16" }));
      await ec2().send(new CreateVpcCommand({ CidrBlock: "10.31.0.0/28" }));
    });

    it("a missing CidrBlock is MissingParameter (400)", () => expectError(ec2().send(new CreateVpcCommand({})), "MissingParameter", 400));

    it("a tag specification for another resource type is InvalidParameterValue and creates nothing", async () => {
      const before = (await ec2().send(new DescribeVpcsCommand({}))).Vpcs!.length;
      await expectError(
        ec2().send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16", TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "a", Value: "b" }] }] })),
        "InvalidParameterValue",
        400,
      );
      assert.equal((await ec2().send(new DescribeVpcsCommand({}))).Vpcs!.length, before);
    });

    it("DryRun is DryRunOperation (412) and creates nothing", async () => {
      const before = (await ec2().send(new DescribeVpcsCommand({}))).Vpcs!.length;
      await expectError(ec2().send(new CreateVpcCommand({ CidrBlock: "10.41.0.0/16", DryRun: true })), "DryRunOperation", 412);
      assert.equal((await ec2().send(new DescribeVpcsCommand({}))).Vpcs!.length, before);
    });
  });

  describe("DescribeVpcs", () => {
    let v4: string;
    let v6: string;
    let v6block: string;
    before(async () => {
      const acct = ec2("333333333333");
      v4 = (await acct.send(new CreateVpcCommand({ CidrBlock: "10.50.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "env", Value: "prod" }] }] }))).Vpc!.VpcId!;
      const vpc6 = (await acct.send(new CreateVpcCommand({ CidrBlock: "10.51.0.0/16", AmazonProvidedIpv6CidrBlock: true, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "env", Value: "dev" }] }] }))).Vpc!;
      v6 = vpc6.VpcId!;
      v6block = vpc6.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!;
      await acct.send(new AssociateVpcCidrBlockCommand({ VpcId: v4, CidrBlock: "10.52.0.0/16" }));
    });
    const ids = async (filters: Array<{ Name: string; Values: string[] }>) =>
      ((await ec2("333333333333").send(new DescribeVpcsCommand({ Filters: filters }))).Vpcs ?? []).map((v) => v.VpcId).sort();

    it("lists the default VPC and the account's VPCs", async () => {
      const all = await ids([]);
      assert.equal(all.length, 3);
      assert.ok(all.includes(v4) && all.includes(v6));
    });
    it("filter cidr (primary only) and cidr-block-association.cidr-block (any)", async () => {
      assert.deepEqual(await ids([{ Name: "cidr", Values: ["10.50.0.0/16"] }]), [v4]);
      assert.deepEqual(await ids([{ Name: "cidr", Values: ["10.52.0.0/16"] }]), []);
      assert.deepEqual(await ids([{ Name: "cidr-block-association.cidr-block", Values: ["10.52.0.0/16"] }]), [v4]);
    });
    it("filter ipv6-cidr-block-association.ipv6-cidr-block", async () => {
      assert.deepEqual(await ids([{ Name: "ipv6-cidr-block-association.ipv6-cidr-block", Values: [v6block] }]), [v6]);
    });
    it("filters is-default, state, owner-id, dhcp-options-id, vpc-id", async () => {
      const def = await ids([{ Name: "is-default", Values: ["true"] }]);
      assert.equal(def.length, 1);
      assert.ok(!def.includes(v4));
      assert.equal((await ids([{ Name: "is-default", Values: ["false"] }])).length, 2);
      assert.equal((await ids([{ Name: "state", Values: ["available"] }])).length, 3);
      assert.equal((await ids([{ Name: "owner-id", Values: ["333333333333"] }])).length, 3);
      assert.equal((await ids([{ Name: "owner-id", Values: ["111111111111"] }])).length, 0);
      assert.equal((await ids([{ Name: "dhcp-options-id", Values: ["default"] }])).length, 3);
      assert.deepEqual(await ids([{ Name: "vpc-id", Values: [v6] }]), [v6]);
    });
    it("filters tag:Key, tag-key, tag-value, with wildcards", async () => {
      assert.deepEqual(await ids([{ Name: "tag:env", Values: ["prod"] }]), [v4]);
      assert.deepEqual(await ids([{ Name: "tag:env", Values: ["p*"] }]), [v4]);
      assert.deepEqual(await ids([{ Name: "tag-key", Values: ["env"] }]), [v4, v6].sort());
      assert.deepEqual(await ids([{ Name: "tag-value", Values: ["dev"] }]), [v6]);
    });
    it("an unknown filter is InvalidParameterValue (400)", () =>
      expectError(ec2("333333333333").send(new DescribeVpcsCommand({ Filters: [{ Name: "bogus", Values: ["x"] }] })), "InvalidParameterValue", 400, /The filter 'bogus' is invalid/));
    it("an unknown id is InvalidVpcID.NotFound (400)", () =>
      expectError(ec2("333333333333").send(new DescribeVpcsCommand({ VpcIds: [v4, "vpc-0123456789abcdef0"] })), "InvalidVpcID.NotFound", 400, /vpc-0123456789abcdef0/));
    it("paginates with MaxResults and NextToken", async () => {
      const acct = ec2("444444444444");
      for (let i = 0; i < 6; i++) await acct.send(new CreateVpcCommand({ CidrBlock: `10.${60 + i}.0.0/16` }));
      const p1 = await acct.send(new DescribeVpcsCommand({ MaxResults: 5 }));
      assert.equal(p1.Vpcs!.length, 5);
      assert.ok(p1.NextToken);
      const p2 = await acct.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: p1.NextToken }));
      assert.equal(p2.Vpcs!.length, 2);
      assert.equal(p2.NextToken, undefined);
      const all = new Set([...p1.Vpcs!, ...p2.Vpcs!].map((v) => v.VpcId));
      assert.equal(all.size, 7);
      await expectError(acct.send(new DescribeVpcsCommand({ MaxResults: 4 })), "InvalidParameterValue", 400);
    });
    it("DryRun is DryRunOperation (412)", () => expectError(ec2("333333333333").send(new DescribeVpcsCommand({ DryRun: true })), "DryRunOperation", 412));
    it("another account sees none of them and cannot delete or modify them", async () => {
      const other = ec2("555555555555");
      const seen = (await other.send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId);
      assert.ok(!seen.includes(v4) && !seen.includes(v6));
      await expectError(other.send(new DescribeVpcsCommand({ VpcIds: [v4] })), "InvalidVpcID.NotFound", 400);
      await expectError(other.send(new DeleteVpcCommand({ VpcId: v4 })), "InvalidVpcID.NotFound", 400);
      await expectError(other.send(new ModifyVpcAttributeCommand({ VpcId: v4, EnableDnsHostnames: { Value: true } })), "InvalidVpcID.NotFound", 400);
      await expectError(other.send(new AssociateVpcCidrBlockCommand({ VpcId: v4, CidrBlock: "10.53.0.0/16" })), "InvalidVpcID.NotFound", 400);
      // the same account in another Region does not see them either
      const west = (await ec2("333333333333", "us-west-2").send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId);
      assert.ok(!west.includes(v4));
    });
  });

  describe("DeleteVpc", () => {
    it("deletes a VPC with its main route table, default security group and default NACL", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.70.0.0/16" }))).Vpc!.VpcId!;
      await ec2().send(new DeleteVpcCommand({ VpcId: vpcId }));
      await expectError(ec2().send(new DescribeVpcsCommand({ VpcIds: [vpcId] })), "InvalidVpcID.NotFound", 400);
      const filt = [{ Name: "vpc-id", Values: [vpcId] }];
      assert.equal((await ec2().send(new DescribeRouteTablesCommand({ Filters: filt }))).RouteTables!.length, 0);
      assert.equal((await ec2().send(new DescribeSecurityGroupsCommand({ Filters: filt }))).SecurityGroups!.length, 0);
      assert.equal((await ec2().send(new DescribeNetworkAclsCommand({ Filters: filt }))).NetworkAcls!.length, 0);
    });

    it("refuses with DependencyViolation (400) while a subnet, an attached gateway, a route table or a security group remains", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.71.0.0/16" }))).Vpc!.VpcId!;
      const subnetId = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.71.1.0/24" }))).Subnet!.SubnetId!;
      await expectError(ec2().send(new DeleteVpcCommand({ VpcId: vpcId })), "DependencyViolation", 400, new RegExp(`The vpc '${vpcId}' has dependencies and cannot be deleted`));
      await ec2().send(new DeleteSubnetCommand({ SubnetId: subnetId }));

      const igw = (await ec2().send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
      await ec2().send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
      await expectError(ec2().send(new DeleteVpcCommand({ VpcId: vpcId })), "DependencyViolation", 400);
      await ec2().send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
      await ec2().send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));

      const rtb = (await ec2().send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
      await expectError(ec2().send(new DeleteVpcCommand({ VpcId: vpcId })), "DependencyViolation", 400);
      await ec2().send(new DeleteRouteTableCommand({ RouteTableId: rtb }));

      const sg = (await ec2().send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: "web", Description: "web" }))).GroupId!;
      await expectError(ec2().send(new DeleteVpcCommand({ VpcId: vpcId })), "DependencyViolation", 400);
      await ec2().send(new DeleteSecurityGroupCommand({ GroupId: sg }));

      await expectError(ec2().send(new DeleteVpcCommand({ VpcId: vpcId, DryRun: true })), "DryRunOperation", 412);
      await ec2().send(new DeleteVpcCommand({ VpcId: vpcId }));
    });

    it("an unknown VPC is InvalidVpcID.NotFound (400)", () =>
      expectError(ec2().send(new DeleteVpcCommand({ VpcId: "vpc-0000000000000000a" })), "InvalidVpcID.NotFound", 400));
  });

  describe("VPC attributes", () => {
    it("defaults: enableDnsSupport true, enableDnsHostnames false, NAU metrics false; ModifyVpcAttribute changes one", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.80.0.0/16" }))).Vpc!.VpcId!;
      const get = async (Attribute: "enableDnsSupport" | "enableDnsHostnames" | "enableNetworkAddressUsageMetrics") =>
        ec2().send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute }));
      assert.equal((await get("enableDnsSupport")).EnableDnsSupport?.Value, true);
      assert.equal((await get("enableDnsHostnames")).EnableDnsHostnames?.Value, false);
      assert.equal((await get("enableNetworkAddressUsageMetrics")).EnableNetworkAddressUsageMetrics?.Value, false);
      assert.equal((await get("enableDnsSupport")).VpcId, vpcId);
      await ec2().send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
      assert.equal((await get("enableDnsHostnames")).EnableDnsHostnames?.Value, true);
      await ec2().send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: false } }));
      assert.equal((await get("enableDnsSupport")).EnableDnsSupport?.Value, false);
      await expectError(
        ec2().send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } })),
        "InvalidParameterCombination",
        400,
      );
      await expectError(ec2().send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: "bogus" as never })), "InvalidParameterValue", 400);
      await expectError(ec2().send(new DescribeVpcAttributeCommand({ VpcId: "vpc-0000000000000000b", Attribute: "enableDnsSupport" })), "InvalidVpcID.NotFound", 400);
    });

    it("the default VPC has enableDnsHostnames true", async () => {
      const def = (await ec2().send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0];
      const out = await ec2().send(new DescribeVpcAttributeCommand({ VpcId: def.VpcId, Attribute: "enableDnsHostnames" }));
      assert.equal(out.EnableDnsHostnames?.Value, true);
    });
  });

  describe("AssociateVpcCidrBlock / DisassociateVpcCidrBlock", () => {
    it("adds a secondary IPv4 block with a local route in every route table, and removes it", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.90.0.0/16" }))).Vpc!.VpcId!;
      const custom = (await ec2().send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
      const out = await ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.91.0.0/16" }));
      assert.equal(out.VpcId, vpcId);
      assert.equal(out.CidrBlockAssociation?.CidrBlock, "10.91.0.0/16");
      assert.equal(out.CidrBlockAssociation?.CidrBlockState?.State, "associated");
      const tables = (await ec2().send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables!;
      assert.equal(tables.length, 2);
      for (const t of tables) assert.ok(t.Routes!.some((r) => r.DestinationCidrBlock === "10.91.0.0/16" && r.GatewayId === "local"), t.RouteTableId);
      // a subnet in the secondary block keeps it
      const sub = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.91.1.0/24" }))).Subnet!.SubnetId!;
      await expectError(ec2().send(new DisassociateVpcCidrBlockCommand({ AssociationId: out.CidrBlockAssociation!.AssociationId })), "DependencyViolation", 400);
      await ec2().send(new DeleteSubnetCommand({ SubnetId: sub }));
      const dis = await ec2().send(new DisassociateVpcCidrBlockCommand({ AssociationId: out.CidrBlockAssociation!.AssociationId }));
      assert.equal(dis.CidrBlockAssociation?.CidrBlockState?.State, "disassociating");
      const vpc = (await ec2().send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0];
      assert.deepEqual(vpc.CidrBlockAssociationSet!.map((a) => a.CidrBlock), ["10.90.0.0/16"]);
      const t2 = (await ec2().send(new DescribeRouteTablesCommand({ RouteTableIds: [custom] }))).RouteTables![0];
      assert.ok(!t2.Routes!.some((r) => r.DestinationCidrBlock === "10.91.0.0/16"));
      await ec2().send(new DeleteRouteTableCommand({ RouteTableId: custom }));
    });

    it("the primary block cannot be disassociated (OperationNotPermitted, 400)", async () => {
      const vpc = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.92.0.0/16" }))).Vpc!;
      await expectError(
        ec2().send(new DisassociateVpcCidrBlockCommand({ AssociationId: vpc.CidrBlockAssociationSet![0].AssociationId })),
        "OperationNotPermitted",
        400,
      );
      await expectError(ec2().send(new DisassociateVpcCidrBlockCommand({ AssociationId: "vpc-cidr-assoc-00000000000000000" })), "InvalidVpcCidrBlockAssociationID.NotFound", 400);
    });

    it("restrictions by the primary block's range (InvalidVpc.Range), overlap, size and the 5-block quota (CidrLimitExceeded)", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.93.0.0/16" }))).Vpc!.VpcId!;
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "192.168.0.0/16" })), "InvalidVpc.Range", 400, /is restricted/);
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "172.16.0.0/16" })), "InvalidVpc.Range", 400, /is restricted/);
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "198.19.0.0/16" })), "InvalidVpc.Range", 400, /is restricted/);
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.93.128.0/17" })), "InvalidVpc.Range", 400);
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.94.0.0/29" })), "InvalidVpc.Range", 400);
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.94.0.0/99" })), "InvalidParameterValue", 400);
      // a publicly routable block is allowed with a 10/8 primary
      await ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "100.64.0.0/16" }));
      for (const c of ["10.95.0.0/16", "10.96.0.0/16", "10.97.0.0/16"]) await ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: c }));
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "10.98.0.0/16" })), "CidrLimitExceeded", 400);

      const v172 = (await ec2().send(new CreateVpcCommand({ CidrBlock: "172.20.0.0/16" }))).Vpc!.VpcId!;
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: v172, CidrBlock: "172.31.0.0/16" })), "InvalidVpc.Range", 400, /is restricted/);
      await ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: v172, CidrBlock: "172.21.0.0/16" }));
    });

    it("AmazonProvidedIpv6CidrBlock adds a /56, IPv6 local routes and the default NACL's IPv6 entries", async () => {
      const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.99.0.0/16" }))).Vpc!.VpcId!;
      const out = await ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, AmazonProvidedIpv6CidrBlock: true }));
      const block = out.Ipv6CidrBlockAssociation!.Ipv6CidrBlock!;
      assert.match(block, /\/56$/);
      const vpc = (await ec2().send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0];
      assert.equal(vpc.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock, block);
      const rt = (await ec2().send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).RouteTables![0];
      assert.ok(rt.Routes!.some((r) => r.DestinationIpv6CidrBlock === block && r.GatewayId === "local"));
      const acl = (await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).NetworkAcls![0];
      assert.ok(acl.Entries!.some((e) => e.RuleNumber === 101 && e.Ipv6CidrBlock === "::/0"));
      await expectError(ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId })), "InvalidParameterCombination", 400);
      const dis = await ec2().send(new DisassociateVpcCidrBlockCommand({ AssociationId: out.Ipv6CidrBlockAssociation!.AssociationId }));
      assert.equal(dis.Ipv6CidrBlockAssociation?.Ipv6CidrBlock, block);
    });
  });

  describe("default VPC", () => {
    it("exists on first use with one /20 default subnet per AZ, an attached internet gateway and a 0.0.0.0/0 route", async () => {
      const acct = ec2("666666666666", "eu-west-1");
      const vpcs = (await acct.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs!;
      assert.equal(vpcs.length, 1);
      const vpc = vpcs[0];
      assert.equal(vpc.CidrBlock, "172.31.0.0/16");
      assert.equal(vpc.IsDefault, true);
      const subnets = (await acct.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).Subnets!;
      subnets.sort((a, b) => (a.AvailabilityZone! < b.AvailabilityZone! ? -1 : 1));
      assert.deepEqual(
        subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.DefaultForAz, s.MapPublicIpOnLaunch, s.AvailableIpAddressCount]),
        [
          ["eu-west-1a", "172.31.0.0/20", true, true, 4091],
          ["eu-west-1b", "172.31.16.0/20", true, true, 4091],
          ["eu-west-1c", "172.31.32.0/20", true, true, 4091],
        ],
      );
      const igws = (await acct.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpc.VpcId!] }] }))).InternetGateways!;
      assert.equal(igws.length, 1);
      const rt = (await acct.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }, { Name: "association.main", Values: ["true"] }] }))).RouteTables!;
      assert.equal(rt.length, 1);
      assert.ok(rt[0].Routes!.some((r) => r.DestinationCidrBlock === "0.0.0.0/0" && r.GatewayId === igws[0].InternetGatewayId && r.State === "active"));
      const sg = (await acct.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).SecurityGroups!;
      assert.deepEqual(sg.map((g) => g.GroupName), ["default"]);
    });

    it("is not recreated after deletion; CreateDefaultVpc recreates it, and refuses a second one (DefaultVpcAlreadyExists)", async () => {
      const acct = ec2("777777777777", "eu-west-2");
      const vpc = (await acct.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0];
      await expectError(acct.send(new CreateDefaultVpcCommand({})), "DefaultVpcAlreadyExists", 400);
      // tear it down as a user would
      for (const s of (await acct.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).Subnets!) {
        await acct.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
      }
      const igw = (await acct.send(new DescribeInternetGatewaysCommand({}))).InternetGateways![0];
      await acct.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId }));
      await acct.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId }));
      await acct.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }));
      assert.equal((await acct.send(new DescribeVpcsCommand({}))).Vpcs!.length, 0);
      assert.equal((await acct.send(new DescribeSubnetsCommand({}))).Subnets!.length, 0);

      await expectError(acct.send(new CreateDefaultVpcCommand({ DryRun: true })), "DryRunOperation", 412);
      const created = (await acct.send(new CreateDefaultVpcCommand({}))).Vpc!;
      assert.equal(created.IsDefault, true);
      assert.equal(created.CidrBlock, "172.31.0.0/16");
      assert.equal((await acct.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }))).Subnets!.length, 3);
      await expectError(acct.send(new CreateDefaultVpcCommand({})), "DefaultVpcAlreadyExists", 400);
    });
  });

  describe("AWS CLI", { skip: !findAwsCliV2() && "AWS CLI v2 not installed" }, () => {
    it("describe-vpcs and describe-subnets show each account's own AZ names for the same AZ IDs of the default VPC (us-east-1)", async () => {
      const view = async (account: string) => {
        const env = { AWS_ACCESS_KEY_ID: account };
        const vpcs = await awsCli(cb.endpoint, ["ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true"], env);
        assert.equal(vpcs.code, 0, vpcs.stderr);
        assert.equal(vpcs.json.Vpcs.length, 1);
        assert.equal(vpcs.json.Vpcs[0].CidrBlock, "172.31.0.0/16");
        assert.equal(vpcs.json.Vpcs[0].OwnerId, account);
        const subnets = await awsCli(cb.endpoint, ["ec2", "describe-subnets", "--filters", `Name=vpc-id,Values=${vpcs.json.Vpcs[0].VpcId}`], env);
        assert.equal(subnets.code, 0, subnets.stderr);
        const list = subnets.json.Subnets as Array<{ AvailabilityZone: string; AvailabilityZoneId: string; CidrBlock: string; DefaultForAz: boolean }>;
        const azs = await awsCli(cb.endpoint, ["ec2", "describe-availability-zones"], env);
        const zones = (azs.json.AvailabilityZones as Array<{ ZoneName: string; ZoneId: string }>).sort((a, b) => (a.ZoneName < b.ZoneName ? -1 : 1));
        assert.equal(list.length, zones.length);
        // one default /20 per AZ, in the account's AZ-name order
        zones.forEach((z, i) => {
          const s = list.find((x) => x.AvailabilityZone === z.ZoneName)!;
          assert.ok(s, z.ZoneName);
          assert.equal(s.AvailabilityZoneId, z.ZoneId);
          assert.equal(s.CidrBlock, `172.31.${16 * i}.0/20`);
          assert.equal(s.DefaultForAz, true);
        });
        return new Map(list.map((s) => [s.AvailabilityZoneId, s.AvailabilityZone]));
      };
      const a = await view("111111111111");
      const b = await view("222222222222");
      assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), "the same AZ IDs");
      assert.ok([...a.keys()].some((id) => a.get(id) !== b.get(id)), "the AZ names differ between the two accounts");
    });

    it("create-vpc, describe-vpc-attribute and a CLI error", async () => {
      const env = { AWS_ACCESS_KEY_ID: "888888888888" };
      const out = await awsCli(cb.endpoint, ["ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=cli}]"], env);
      assert.equal(out.code, 0, out.stderr);
      const vpcId = out.json.Vpc.VpcId;
      const attr = await awsCli(cb.endpoint, ["ec2", "describe-vpc-attribute", "--vpc-id", vpcId, "--attribute", "enableDnsSupport"], env);
      assert.equal(attr.json.EnableDnsSupport.Value, true);
      const bad = await awsCli(cb.endpoint, ["ec2", "create-vpc", "--cidr-block", "10.0.0.0/8"], env);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /InvalidVpc\.Range/);
    });
  });
});
