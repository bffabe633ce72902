/**
 * Security groups end to end with the real SDK v3 EC2Client and the AWS CLI v2: default groups,
 * CreateSecurityGroup validation, rules (CIDR, IPv6, group references, prefix lists), quotas,
 * revoke, rule ids, filters, paging, DryRun, DependencyViolation and wrong-account access.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  GetSecurityGroupsForVpcCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type IpPermission,
} from "@aws-sdk/client-ec2";
import { awsCli } from "../helpers/aws-cli.js";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

const A = "111111111111";
const B = "222222222222";

const expectError = async (p: Promise<unknown>, code: string, status = 400, message?: RegExp) => {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EC2ServiceException, `expected an EC2 error, got ${String(e)}`);
    assert.equal(e.name, code, e.message);
    assert.equal(e.$metadata.httpStatusCode, status);
    if (message) assert.match(e.message, message);
    return true;
  });
};

let n = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++n}`;

describe("security groups", () => {
  let cb: Cloudbox;
  let ec2: (account?: string, region?: string) => EC2Client;
  const newVpc = async (cidr = "10.0.0.0/16", account = A, ipv6 = false) =>
    (await ec2(account).send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: ipv6 }))).Vpc!.VpcId!;
  const newGroup = async (vpcId: string, name = uniq("grp"), account = A) =>
    (await ec2(account).send(new CreateSecurityGroupCommand({ GroupName: name, Description: `desc ${name}`, VpcId: vpcId }))).GroupId!;
  const group = async (id: string, account = A) => (await ec2(account).send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0];
  const rulesOf = async (id: string, account = A) =>
    (await ec2(account).send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [id] }] }))).SecurityGroupRules!;

  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = A, region = "us-east-1") => new EC2Client({ ...cb.clientConfig, region, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  });
  after(() => cb.stop());

  describe("default groups", () => {
    it("a new VPC has a default group: all inbound from itself, all outbound IPv4", async () => {
      const vpcId = await newVpc();
      const out = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
      assert.equal(out.SecurityGroups!.length, 1);
      const g = out.SecurityGroups![0];
      assert.equal(g.GroupName, "default");
      assert.equal(g.Description, "default VPC security group");
      assert.equal(g.OwnerId, A);
      assert.match(g.GroupId!, /^sg-[0-9a-f]{17}$/);
      assert.equal(g.SecurityGroupArn, `arn:aws:ec2:us-east-1:${A}:security-group/${g.GroupId}`);
      assert.deepEqual(g.IpPermissions, [
        { IpProtocol: "-1", UserIdGroupPairs: [{ UserId: A, GroupId: g.GroupId }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] },
      ]);
      assert.deepEqual(g.IpPermissionsEgress, [{ IpProtocol: "-1", UserIdGroupPairs: [], IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [] }]);
      const rules = await rulesOf(g.GroupId!);
      assert.equal(rules.length, 2);
      const ingress = rules.find((r) => !r.IsEgress)!;
      assert.equal(ingress.IpProtocol, "-1");
      assert.equal(ingress.FromPort, -1);
      assert.equal(ingress.ToPort, -1);
      assert.equal(ingress.ReferencedGroupInfo?.GroupId, g.GroupId);
      assert.equal(ingress.GroupOwnerId, A);
      assert.match(ingress.SecurityGroupRuleId!, /^sgr-[0-9a-f]{17}$/);
      assert.equal(ingress.SecurityGroupRuleArn, `arn:aws:ec2:us-east-1:${A}:security-group-rule/${ingress.SecurityGroupRuleId}`);
    });

    it("with an IPv6 block, the default group also allows all outbound IPv6", async () => {
      const vpcId = await newVpc("10.1.0.0/16", A, true);
      const g = (await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).SecurityGroups![0];
      assert.deepEqual(g.IpPermissionsEgress![0].Ipv6Ranges, [{ CidrIpv6: "::/0" }]);
      assert.deepEqual(g.IpPermissionsEgress![0].IpRanges, [{ CidrIp: "0.0.0.0/0" }]);
    });

    it("GroupNames looks in the default VPC; the default group cannot be deleted (CannotDelete)", async () => {
      const vpcs = await ec2().send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
      const defaultVpc = vpcs.Vpcs![0].VpcId!;
      const out = await ec2().send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }));
      assert.equal(out.SecurityGroups!.length, 1);
      assert.equal(out.SecurityGroups![0].VpcId, defaultVpc);
      await expectError(ec2().send(new DescribeSecurityGroupsCommand({ GroupNames: ["no-such-group"] })), "InvalidGroup.NotFound", 400, /default VPC/);
      await expectError(ec2().send(new DeleteSecurityGroupCommand({ GroupId: out.SecurityGroups![0].GroupId })), "CannotDelete");
      await expectError(ec2().send(new DeleteSecurityGroupCommand({ GroupName: "default" })), "CannotDelete");
    });
  });

  describe("CreateSecurityGroup", () => {
    it("creates a group with only the outbound allow-all rule, tags and an ARN", async () => {
      const vpcId = await newVpc();
      const out = await ec2().send(
        new CreateSecurityGroupCommand({
          GroupName: "web tier",
          Description: "Web servers: 80/443 (public)",
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "Name", Value: "web" }] }],
        }),
      );
      assert.match(out.GroupId!, /^sg-/);
      assert.equal(out.SecurityGroupArn, `arn:aws:ec2:us-east-1:${A}:security-group/${out.GroupId}`);
      assert.deepEqual(out.Tags, [{ Key: "Name", Value: "web" }]);
      const g = await group(out.GroupId!);
      assert.equal(g.GroupName, "web tier");
      assert.equal(g.VpcId, vpcId);
      assert.deepEqual(g.IpPermissions, []);
      assert.deepEqual(g.IpPermissionsEgress, [{ IpProtocol: "-1", UserIdGroupPairs: [], IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [] }]);
      assert.deepEqual(g.Tags, [{ Key: "Name", Value: "web" }]);
    });

    it("without VpcId the group goes to the default VPC", async () => {
      const defaultVpc = (await ec2().send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs![0].VpcId;
      const name = uniq("in-default");
      const out = await ec2().send(new CreateSecurityGroupCommand({ GroupName: name, Description: "d" }));
      assert.equal((await group(out.GroupId!)).VpcId, defaultVpc);
      const byName = await ec2().send(new DescribeSecurityGroupsCommand({ GroupNames: [name] }));
      assert.equal(byName.SecurityGroups![0].GroupId, out.GroupId);
    });

    it("validates the name and description", async () => {
      const vpcId = await newVpc();
      const create = (GroupName: string | undefined, Description: string | undefined, VpcId: string | undefined = vpcId) =>
        ec2().send(new CreateSecurityGroupCommand({ GroupName, Description, VpcId } as never));
      await expectError(create("sg-web", "d"), "InvalidParameterValue", 400, /sg-\*/);
      await expectError(create("SG-web", "d"), "InvalidParameterValue");
      await expectError(create("x".repeat(256), "d"), "InvalidParameterValue", 400, /255/);
      await expectError(create("ok", "x".repeat(256)), "InvalidParameterValue", 400, /255/);
      await expectError(create("café", "d"), "InvalidParameterValue", 400, /ASCII/);
      await expectError(create("ok", "naïve"), "InvalidParameterValue");
      await expectError(create("ok", ""), "InvalidParameterValue");
      await expectError(create(undefined, "d"), "MissingParameter");
      await expectError(create("ok", undefined), "MissingParameter");
      await expectError(create("default", "d"), "InvalidGroup.Reserved");
      await expectError(create("ok", "d", "vpc-0123456789abcdef0"), "InvalidVpcID.NotFound", 400, /vpc-0123456789abcdef0/);
      // 255 characters of the allowed set are fine.
      const longName = "a._-:/()#,@[]+=&;{}!$* ".repeat(11).slice(0, 255);
      await create(longName, "d");
    });

    it("names are unique per VPC (InvalidGroup.Duplicate), not across VPCs", async () => {
      const v1 = await newVpc();
      const v2 = await newVpc("10.2.0.0/16");
      await newGroup(v1, "app");
      await expectError(newGroup(v1, "app"), "InvalidGroup.Duplicate", 400, /'app' already exists for VPC/);
      await newGroup(v2, "app");
    });

    it("DryRun answers DryRunOperation (412) and creates nothing", async () => {
      const vpcId = await newVpc();
      await expectError(
        ec2().send(new CreateSecurityGroupCommand({ GroupName: "dry", Description: "d", VpcId: vpcId, DryRun: true })),
        "DryRunOperation",
        412,
      );
      const out = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "group-name", Values: ["dry"] }] }));
      assert.equal(out.SecurityGroups!.length, 0);
    });
  });

  describe("AuthorizeSecurityGroupIngress / Egress", () => {
    it("adds rules with ids, aggregated into IpPermissions; protocol numbers shown by name; CIDRs canonical", async () => {
      const vpcId = await newVpc();
      const id = await newGroup(vpcId);
      const out = await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "http" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
            { IpProtocol: "6", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.7/16" }] },
            { IpProtocol: "icmp", FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
            { IpProtocol: "50", IpRanges: [{ CidrIp: "192.168.0.0/24" }] },
          ],
          TagSpecifications: [{ ResourceType: "security-group-rule", Tags: [{ Key: "tier", Value: "web" }] }],
        }),
      );
      assert.equal(out.Return, true);
      assert.equal(out.SecurityGroupRules!.length, 5);
      for (const r of out.SecurityGroupRules!) {
        assert.match(r.SecurityGroupRuleId!, /^sgr-/);
        assert.equal(r.GroupId, id);
        assert.equal(r.IsEgress, false);
        assert.deepEqual(r.Tags, [{ Key: "tier", Value: "web" }]);
      }
      const https = out.SecurityGroupRules!.find((r) => r.FromPort === 443)!;
      assert.equal(https.IpProtocol, "tcp");
      assert.equal(https.CidrIpv4, "10.0.0.0/16");
      const esp = out.SecurityGroupRules!.find((r) => r.IpProtocol === "50")!;
      assert.equal(esp.FromPort, -1);
      assert.equal(esp.ToPort, -1);
      const g = await group(id);
      assert.deepEqual(g.IpPermissions, [
        {
          IpProtocol: "tcp",
          FromPort: 80,
          ToPort: 80,
          UserIdGroupPairs: [],
          IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "http" }],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
          PrefixListIds: [],
        },
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, UserIdGroupPairs: [], IpRanges: [{ CidrIp: "10.0.0.0/16" }], Ipv6Ranges: [], PrefixListIds: [] },
        { IpProtocol: "icmp", FromPort: 8, ToPort: -1, UserIdGroupPairs: [], IpRanges: [{ CidrIp: "10.0.0.0/8" }], Ipv6Ranges: [], PrefixListIds: [] },
        { IpProtocol: "50", FromPort: -1, ToPort: -1, UserIdGroupPairs: [], IpRanges: [{ CidrIp: "192.168.0.0/24" }], Ipv6Ranges: [], PrefixListIds: [] },
      ]);
    });

    it("the legacy top-level CidrIp/IpProtocol/FromPort/ToPort parameters work", async () => {
      const id = await newGroup(await newVpc());
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "203.0.113.0/24" }));
      const g = await group(id);
      assert.deepEqual(g.IpPermissions![0].IpRanges, [{ CidrIp: "203.0.113.0/24" }]);
    });

    it("refuses duplicates (InvalidPermission.Duplicate), also within one request", async () => {
      const id = await newGroup(await newVpc());
      const perm: IpPermission = { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] };
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [perm] }));
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ ...perm, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "other" }] }] })),
        "InvalidPermission.Duplicate",
        400,
        /peer: 0\.0\.0\.0\/0, TCP, from port: 22, to port: 22, ALLOW/,
      );
      // The default egress rule is a rule like any other.
      await expectError(
        ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })),
        "InvalidPermission.Duplicate",
      );
      const id2 = await newGroup(await newVpc());
      await expectError(
        ec2().send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: id2,
            IpPermissions: [
              { IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
              { IpProtocol: "17", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
            ],
          }),
        ),
        "InvalidPermission.Duplicate",
      );
      // Nothing of the failed request was kept.
      assert.deepEqual((await group(id2)).IpPermissions, []);
    });

    it("rejects malformed permissions with AWS's codes", async () => {
      const id = await newGroup(await newVpc());
      const auth = (p: IpPermission) => ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [p] }));
      await expectError(auth({ IpProtocol: "tcp", FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: "10.0.0.0/33" }] }), "InvalidPermission.Malformed", 400, /10\.0\.0\.0\/33/);
      await expectError(auth({ IpProtocol: "tcp", FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: "10.0.0/8" }] }), "InvalidPermission.Malformed");
      await expectError(auth({ IpProtocol: "tcp", FromPort: 1, ToPort: 2, Ipv6Ranges: [{ CidrIpv6: "2001:db8::/129" }] }), "InvalidPermission.Malformed");
      await expectError(auth({ IpProtocol: "tcp", FromPort: 90, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }), "InvalidPermission.Malformed");
      await expectError(auth({ IpProtocol: "tcp", FromPort: 0, ToPort: 65536, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }), "InvalidPermission.Malformed");
      await expectError(auth({ IpProtocol: "icmp", FromPort: -1, ToPort: 3, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }), "InvalidPermission.Malformed");
      await expectError(auth({ IpProtocol: "icmp", FromPort: 300, ToPort: 0, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }), "InvalidPermission.Malformed");
      await expectError(auth({ IpProtocol: "tcp", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }), "InvalidParameterValue", 400, /Must specify both from and to ports with TCP\/UDP/);
      await expectError(auth({ IpProtocol: "all", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }), "InvalidParameterValue", 400, /Invalid value 'all' for IP protocol/);
      await expectError(auth({ IpProtocol: "256", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }), "InvalidParameterValue");
      await expectError(auth({ IpProtocol: "tcp", FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "bad\u00e9" }] }), "InvalidParameterValue");
      await expectError(auth({ IpProtocol: "tcp", FromPort: 1, ToPort: 2, PrefixListIds: [{ PrefixListId: "pl-00000000" }] }), "InvalidPrefixListID.NotFound");
      await expectError(ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: "sg-0123456789abcdef0", IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })), "InvalidGroup.NotFound");
      await expectError(ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: "web", IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })), "InvalidGroupId.Malformed");
      assert.deepEqual((await group(id)).IpPermissions, []);
    });

    it("references groups of the same VPC; another VPC needs an active peering connection", async () => {
      const vpcId = await newVpc();
      const web = await newGroup(vpcId, "web");
      const app = await newGroup(vpcId, "app");
      const out = await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: app,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: web, Description: "from web" }] }],
        }),
      );
      assert.equal(out.SecurityGroupRules![0].ReferencedGroupInfo?.GroupId, web);
      assert.equal(out.SecurityGroupRules![0].ReferencedGroupInfo?.UserId, A);
      assert.deepEqual((await group(app)).IpPermissions![0].UserIdGroupPairs, [{ Description: "from web", UserId: A, GroupId: web }]);
      // By name, within the VPC.
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: "tcp", FromPort: 9000, ToPort: 9000, UserIdGroupPairs: [{ GroupName: "web" }] }] }));
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, UserIdGroupPairs: [{ GroupId: "sg-0123456789abcdef0" }] }] })),
        "InvalidGroup.NotFound",
      );
      const otherVpc = await newVpc("10.50.0.0/16");
      const other = await newGroup(otherVpc);
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, UserIdGroupPairs: [{ GroupId: other }] }] })),
        "InvalidParameterValue",
        400,
        /different networks/,
      );
      const pcx = (await ec2().send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcId, PeerVpcId: otherVpc }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
      await ec2().send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
      const ok = await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, UserIdGroupPairs: [{ GroupId: other }] }] }),
      );
      assert.equal(ok.SecurityGroupRules![0].ReferencedGroupInfo?.VpcPeeringConnectionId, pcx);
      assert.equal(ok.SecurityGroupRules![0].ReferencedGroupInfo?.VpcId, otherVpc);
    });

    it("references another account's group (UserId + GroupId) across a peering connection", async () => {
      const vpcA = await newVpc("10.60.0.0/16");
      const vpcB = await newVpc("10.61.0.0/16", B);
      const sgA = await newGroup(vpcA);
      const sgB = await newGroup(vpcB, uniq("b"), B);
      const perm: IpPermission = { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ UserId: B, GroupId: sgB }] };
      await expectError(ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgA, IpPermissions: [perm] })), "InvalidParameterValue", 400, /different networks/);
      // Without the right owner the group is not found.
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgA, IpPermissions: [{ ...perm, UserIdGroupPairs: [{ GroupId: sgB }] }] })),
        "InvalidGroup.NotFound",
      );
      const pcx = (await ec2().send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcA, PeerVpcId: vpcB, PeerOwnerId: B }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
      await ec2(B).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
      const out = await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgA, IpPermissions: [perm] }));
      assert.deepEqual(
        { GroupId: out.SecurityGroupRules![0].ReferencedGroupInfo?.GroupId, UserId: out.SecurityGroupRules![0].ReferencedGroupInfo?.UserId },
        { GroupId: sgB, UserId: B },
      );
      const pair = (await group(sgA)).IpPermissions![0].UserIdGroupPairs![0];
      assert.equal(pair.UserId, B);
      assert.equal(pair.GroupId, sgB);
      assert.equal(pair.VpcPeeringConnectionId, pcx);
    });

    it("references managed prefix lists (AWS-managed S3 list)", async () => {
      const id = await newGroup(await newVpc());
      const s3 = (await ec2().send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: ["com.amazonaws.us-east-1.s3"] }] }))).PrefixLists![0];
      await ec2().send(
        new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: s3.PrefixListId, Description: "s3" }] }] }),
      );
      const g = await group(id);
      assert.deepEqual(g.IpPermissionsEgress![1].PrefixListIds, [{ PrefixListId: s3.PrefixListId, Description: "s3" }]);
      const byPl = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "egress.ip-permission.prefix-list-id", Values: [s3.PrefixListId!] }] }));
      assert.deepEqual(byPl.SecurityGroups!.map((x) => x.GroupId), [id]);
    });

    it("enforces 60 inbound rules per group, IPv4 and IPv6 counted separately (RulesPerSecurityGroupLimitExceeded)", async () => {
      const vpcId = await newVpc();
      const id = await newGroup(vpcId);
      const v4 = Array.from({ length: 60 }, (_, i) => ({ CidrIp: `10.${i}.0.0/16` }));
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: v4 }] }));
      const v6 = Array.from({ length: 60 }, (_, i) => ({ CidrIpv6: `2001:db8:${i.toString(16)}::/48` }));
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, Ipv6Ranges: v6 }] }));
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "192.168.0.0/16" }] }] })),
        "RulesPerSecurityGroupLimitExceeded",
        400,
        /maximum number of rules per security group/,
      );
      // A group reference counts for both families: refused too.
      const other = await newGroup(vpcId);
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: other }] }] })),
        "RulesPerSecurityGroupLimitExceeded",
      );
      // Outbound has its own 60.
      await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "192.168.0.0/16" }] }] }));
      assert.equal((await rulesOf(id)).length, 60 + 60 + 2);
    });

    it("DryRun validates, answers 412 and adds nothing", async () => {
      const id = await newGroup(await newVpc());
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, DryRun: true, IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })),
        "DryRunOperation",
        412,
      );
      await expectError(
        ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, DryRun: true, IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: "0.0.0.0/99" }] }] })),
        "InvalidPermission.Malformed",
      );
      assert.deepEqual((await group(id)).IpPermissions, []);
    });
  });

  describe("RevokeSecurityGroupIngress / Egress", () => {
    it("revokes by permission and by rule id; unknown rules are InvalidPermission.NotFound or returned as unknown", async () => {
      const id = await newGroup(await newVpc());
      await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "10.0.0.0/8" }] },
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          ],
        }),
      );
      const r1 = await ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
      assert.equal(r1.Return, true);
      assert.equal(r1.RevokedSecurityGroupRules!.length, 1);
      assert.equal(r1.RevokedSecurityGroupRules![0].CidrIpv4, "10.0.0.0/8");
      await expectError(
        ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] })),
        "InvalidPermission.NotFound",
        400,
        /does not exist in this security group/,
      );
      const partial = await ec2().send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "172.16.0.0/12" }] }],
        }),
      );
      assert.equal(partial.RevokedSecurityGroupRules!.length, 1);
      assert.deepEqual(partial.UnknownIpPermissions, [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "172.16.0.0/12" }] }]);
      const [https] = (await rulesOf(id)).filter((r) => !r.IsEgress);
      await expectError(ec2().send(new RevokeSecurityGroupEgressCommand({ GroupId: id, SecurityGroupRuleIds: [https.SecurityGroupRuleId!] })), "InvalidSecurityGroupRuleId.NotFound");
      await expectError(ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: ["sgr-0123456789abcdef0"] })), "InvalidSecurityGroupRuleId.NotFound");
      await expectError(ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: [https.SecurityGroupRuleId!], DryRun: true })), "DryRunOperation", 412);
      await ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: [https.SecurityGroupRuleId!] }));
      assert.deepEqual((await group(id)).IpPermissions, []);
      // The default egress rule can be revoked, leaving the group with no rules at all.
      await ec2().send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
      assert.deepEqual((await group(id)).IpPermissionsEgress, []);
    });
  });

  describe("rules by id", () => {
    it("DescribeSecurityGroupRules: ids, filters group-id, security-group-rule-id, tag; paging", async () => {
      const id = await newGroup(await newVpc());
      const out = await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, IpRanges: Array.from({ length: 6 }, (_, i) => ({ CidrIp: `10.${i}.0.0/16` })) }],
          TagSpecifications: [{ ResourceType: "security-group-rule", Tags: [{ Key: "batch", Value: id }] }],
        }),
      );
      const ids = out.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!);
      const byId = await ec2().send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ids[2]] }));
      assert.equal(byId.SecurityGroupRules![0].CidrIpv4, "10.2.0.0/16");
      const byFilter = await ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "security-group-rule-id", Values: [ids[0], ids[1]] }] }));
      assert.equal(byFilter.SecurityGroupRules!.length, 2);
      const byTag = await ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "tag:batch", Values: [id] }] }));
      assert.equal(byTag.SecurityGroupRules!.length, 6);
      assert.deepEqual(byTag.SecurityGroupRules![0].Tags, [{ Key: "batch", Value: id }]);
      const p1 = await ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [id] }], MaxResults: 5 }));
      assert.equal(p1.SecurityGroupRules!.length, 5);
      assert.ok(p1.NextToken);
      const p2 = await ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [id] }], MaxResults: 5, NextToken: p1.NextToken }));
      assert.equal(p2.SecurityGroupRules!.length, 2); // 6 ingress + the default egress
      assert.equal(p2.NextToken, undefined);
      await expectError(ec2().send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ["sgr-0123456789abcdef0"] })), "InvalidSecurityGroupRuleId.NotFound");
      await expectError(ec2().send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "bogus", Values: ["x"] }] })), "InvalidParameterValue", 400, /The filter 'bogus' is invalid/);
    });

    it("ModifySecurityGroupRules keeps the rule id; UpdateSecurityGroupRuleDescriptionsIngress changes descriptions", async () => {
      const vpcId = await newVpc();
      const id = await newGroup(vpcId);
      const src = await newGroup(vpcId);
      const out = await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] }));
      const ruleId = out.SecurityGroupRules![0].SecurityGroupRuleId!;
      await ec2().send(
        new ModifySecurityGroupRulesCommand({
          GroupId: id,
          SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: "tcp", FromPort: 2222, ToPort: 2222, ReferencedGroupId: src, Description: "ssh alt" } }],
        }),
      );
      const [r] = (await ec2().send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))).SecurityGroupRules!;
      assert.equal(r.FromPort, 2222);
      assert.equal(r.ReferencedGroupInfo?.GroupId, src);
      assert.equal(r.CidrIpv4, undefined);
      assert.equal(r.Description, "ssh alt");
      await expectError(
        ec2().send(new ModifySecurityGroupRulesCommand({ GroupId: id, SecurityGroupRules: [{ SecurityGroupRuleId: "sgr-0123456789abcdef0", SecurityGroupRule: { IpProtocol: "-1", CidrIpv4: "0.0.0.0/0" } }] })),
        "InvalidSecurityGroupRuleId.NotFound",
      );
      await ec2().send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: id, SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: ruleId, Description: "bastion" }] }));
      assert.equal((await group(id)).IpPermissions![0].UserIdGroupPairs![0].Description, "bastion");
      await ec2().send(
        new UpdateSecurityGroupRuleDescriptionsIngressCommand({
          GroupId: id,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 2222, ToPort: 2222, UserIdGroupPairs: [{ GroupId: src, Description: "jump host" }] }],
        }),
      );
      assert.equal((await group(id)).IpPermissions![0].UserIdGroupPairs![0].Description, "jump host");
      await expectError(
        ec2().send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: "1.2.3.0/24", Description: "x" }] }] })),
        "InvalidPermission.NotFound",
      );
    });
  });

  describe("DescribeSecurityGroups", () => {
    it("supports every documented filter", async () => {
      const vpcId = await newVpc("10.9.0.0/16", A, true);
      const web = await newGroup(vpcId, "f-web");
      const app = await newGroup(vpcId, "f-app");
      await ec2().send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: web,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "198.51.100.0/24" }], Ipv6Ranges: [{ CidrIpv6: "2001:db8::/32" }] },
            { IpProtocol: "udp", FromPort: 5000, ToPort: 5010, UserIdGroupPairs: [{ GroupId: app }] },
          ],
        }),
      );
      await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: "tcp", FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: "10.9.8.0/24" }] }] }));
      const q = async (Name: string, Values: string[]) =>
        (await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name, Values }] }))).SecurityGroups!.map((g) => g.GroupName).sort();
      assert.deepEqual(await q("description", ["desc f-*"]), ["f-app", "f-web"]);
      assert.deepEqual(await q("group-id", [web]), ["f-web"]);
      assert.deepEqual(await q("group-name", ["f-?pp"]), ["f-app"]);
      assert.deepEqual(await q("owner-id", [A]), ["default", "f-app", "f-web"]);
      assert.deepEqual(await q("ip-permission.cidr", ["198.51.100.0/24"]), ["f-web"]);
      assert.deepEqual(await q("ip-permission.from-port", ["5000"]), ["f-web"]);
      assert.deepEqual(await q("ip-permission.to-port", ["5010"]), ["f-web"]);
      assert.deepEqual(await q("ip-permission.protocol", ["udp"]), ["f-web"]);
      assert.deepEqual(await q("ip-permission.group-id", [app]), ["f-web"]);
      assert.deepEqual(await q("ip-permission.user-id", [A]), ["default", "f-web"]);
      assert.deepEqual(await q("ip-permission.ipv6-cidr", ["2001:db8::/32"]), ["f-web"]);
      assert.deepEqual(await q("ip-permission.prefix-list-id", ["pl-*"]), []);
      assert.deepEqual(await q("egress.ip-permission.cidr", ["10.9.8.0/24"]), ["f-app"]);
      assert.deepEqual(await q("egress.ip-permission.from-port", ["3306"]), ["f-app"]);
      assert.deepEqual(await q("egress.ip-permission.to-port", ["3306"]), ["f-app"]);
      assert.deepEqual(await q("egress.ip-permission.protocol", ["tcp"]), ["f-app"]);
      assert.deepEqual(await q("egress.ip-permission.ipv6-cidr", ["::/0"]), ["default"]);
      assert.deepEqual(await q("egress.ip-permission.group-id", [web]), []);
      await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: web }] }] }));
      assert.deepEqual(await q("egress.ip-permission.group-id", [web]), ["f-app"]);
      assert.deepEqual(await q("vpc-id", [vpcId]), ["default", "f-app", "f-web"]);
      // Explicit ids and filters: the ids that match, no error for the others.
      const otherVpc = await newVpc("10.10.0.0/16");
      const both = await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [web], Filters: [{ Name: "vpc-id", Values: [otherVpc] }] }));
      assert.deepEqual(both.SecurityGroups, []);
    });

    it("tag filters: tag:Key, tag-key, tag-value", async () => {
      const vpcId = await newVpc();
      const t = uniq("team");
      const out = await ec2().send(
        new CreateSecurityGroupCommand({ GroupName: "tagged", Description: "d", VpcId: vpcId, TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: t, Value: "blue" }] }] }),
      );
      const ids = async (Name: string, Values: string[]) =>
        (await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name, Values }] }))).SecurityGroups!.map((g) => g.GroupId);
      assert.deepEqual(await ids(`tag:${t}`, ["blue"]), [out.GroupId]);
      assert.deepEqual(await ids(`tag:${t}`, ["b*"]), [out.GroupId]);
      assert.deepEqual(await ids(`tag:${t}`, ["red"]), []);
      assert.deepEqual(await ids("tag-key", [t]), [out.GroupId]);
      assert.ok((await ids("tag-value", ["blue"])).includes(out.GroupId));
    });

    it("paginates with MaxResults 5..1000 and NextToken; refuses MaxResults with GroupIds", async () => {
      const vpcId = await newVpc();
      for (let i = 0; i < 7; i++) await newGroup(vpcId, `page-${i}`);
      const filters = [{ Name: "vpc-id", Values: [vpcId] }];
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const out = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: filters, MaxResults: 5, NextToken: token }));
        assert.ok(out.SecurityGroups!.length <= 5);
        seen.push(...out.SecurityGroups!.map((g) => g.GroupName!));
        token = out.NextToken;
      } while (token);
      assert.equal(seen.length, 8);
      assert.equal(new Set(seen).size, 8);
      await expectError(ec2().send(new DescribeSecurityGroupsCommand({ MaxResults: 4 })), "InvalidParameterValue", 400, /between 5 and 1000/);
      await expectError(ec2().send(new DescribeSecurityGroupsCommand({ MaxResults: 1001 })), "InvalidParameterValue");
      const one = await newGroup(vpcId);
      await expectError(ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [one], MaxResults: 5 })), "InvalidParameterValue", 400, /groupIds cannot be used with the parameter maxResults/);
      await expectError(ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-0123456789abcdef0"] })), "InvalidGroup.NotFound", 400, /sg-0123456789abcdef0/);
      await expectError(ec2().send(new DescribeSecurityGroupsCommand({ DryRun: true })), "DryRunOperation", 412);
    });
  });

  describe("GetSecurityGroupsForVpc", () => {
    it("lists the VPC's groups with filters and paging; unknown VPC is InvalidVpcID.NotFound", async () => {
      const vpcId = await newVpc("10.20.0.0/16");
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await newGroup(vpcId, `for-vpc-${i}`));
      const all = await ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId }));
      assert.equal(all.SecurityGroupForVpcs!.length, 6);
      const one = all.SecurityGroupForVpcs!.find((g) => g.GroupId === ids[0])!;
      assert.deepEqual(one, { Description: "desc for-vpc-0", GroupName: "for-vpc-0", OwnerId: A, GroupId: ids[0], Tags: [], PrimaryVpcId: vpcId });
      const named = await ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId, Filters: [{ Name: "group-name", Values: ["for-vpc-3"] }] }));
      assert.deepEqual(named.SecurityGroupForVpcs!.map((g) => g.GroupId), [ids[3]]);
      for (const [Name, Values] of [["group-id", [ids[1]]], ["description", ["desc for-vpc-1"]]] as const) {
        const out = await ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId, Filters: [{ Name, Values: [...Values] }] }));
        assert.deepEqual(out.SecurityGroupForVpcs!.map((g) => g.GroupId), [ids[1]], Name);
      }
      assert.equal((await ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId, Filters: [{ Name: "owner-id", Values: [A] }, { Name: "primary-vpc-id", Values: [vpcId] }] }))).SecurityGroupForVpcs!.length, 6);
      const p1 = await ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId, MaxResults: 5 }));
      const p2 = await ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId, MaxResults: 5, NextToken: p1.NextToken }));
      assert.deepEqual([p1.SecurityGroupForVpcs!.length, p2.SecurityGroupForVpcs!.length, p2.NextToken], [5, 1, undefined]);
      await expectError(ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: "vpc-0123456789abcdef0" })), "InvalidVpcID.NotFound");
      await expectError(ec2(B).send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId })), "InvalidVpcID.NotFound");
      await expectError(ec2().send(new GetSecurityGroupsForVpcCommand({ VpcId: vpcId, DryRun: true })), "DryRunOperation", 412);
    });
  });

  describe("DeleteSecurityGroup", () => {
    it("deletes a group; a referenced group is DependencyViolation until the reference goes", async () => {
      const vpcId = await newVpc();
      const web = await newGroup(vpcId);
      const db = await newGroup(vpcId);
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: "tcp", FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: web }] }] }));
      await expectError(ec2().send(new DeleteSecurityGroupCommand({ GroupId: web })), "DependencyViolation", 400, new RegExp(web));
      await expectError(ec2().send(new DeleteSecurityGroupCommand({ GroupId: db, DryRun: true })), "DryRunOperation", 412);
      const out = await ec2().send(new DeleteSecurityGroupCommand({ GroupId: db }));
      assert.equal(out.Return, true);
      assert.equal(out.GroupId, db);
      await ec2().send(new DeleteSecurityGroupCommand({ GroupId: web }));
      await expectError(ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [db] })), "InvalidGroup.NotFound");
      await expectError(ec2().send(new DeleteSecurityGroupCommand({ GroupId: db })), "InvalidGroup.NotFound");
      // Its rules went with it.
      assert.deepEqual(await rulesOf(db), []);
    });

    it("a group attached to a network interface is DependencyViolation until the interface goes", async () => {
      const vpcId = await newVpc("10.70.0.0/16");
      const subnetId = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.70.1.0/24" }))).Subnet!.SubnetId!;
      const id = await newGroup(vpcId);
      const eni = (await ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [id] }))).NetworkInterface!.NetworkInterfaceId!;
      await expectError(ec2().send(new DeleteSecurityGroupCommand({ GroupId: id })), "DependencyViolation", 400, new RegExp(id));
      await ec2().send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
      await ec2().send(new DeleteSecurityGroupCommand({ GroupId: id }));
    });

    it("a self-referencing group can be deleted", async () => {
      const id = await newGroup(await newVpc());
      await ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: id }] }] }));
      await ec2().send(new DeleteSecurityGroupCommand({ GroupId: id }));
    });
  });

  describe("accounts", () => {
    it("another account never sees or changes the group", async () => {
      const id = await newGroup(await newVpc());
      const b = ec2(B);
      await expectError(b.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })), "InvalidGroup.NotFound");
      const listed = await b.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-id", Values: [id] }] }));
      assert.deepEqual(listed.SecurityGroups, []);
      const perm = [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];
      await expectError(b.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: perm })), "InvalidGroup.NotFound");
      await expectError(b.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: perm })), "InvalidGroup.NotFound");
      await expectError(b.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })), "InvalidGroup.NotFound");
      await expectError(b.send(new DeleteSecurityGroupCommand({ GroupId: id })), "InvalidGroup.NotFound");
      const rules = await rulesOf(id);
      await expectError(b.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [rules[0].SecurityGroupRuleId!] })), "InvalidSecurityGroupRuleId.NotFound");
      const listedRules = await b.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [id] }] }));
      assert.deepEqual(listedRules.SecurityGroupRules, []);
      // Account B cannot create a group in A's VPC either.
      const vpcId = (await group(id)).VpcId!;
      await expectError(b.send(new CreateSecurityGroupCommand({ GroupName: "x", Description: "x", VpcId: vpcId })), "InvalidVpcID.NotFound");
      // And in another Region the group does not exist.
      await expectError(ec2(A, "eu-west-1").send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })), "InvalidGroup.NotFound");
    });
  });

  describe("AWS CLI v2", () => {
    it("create-security-group, authorize-security-group-ingress, describe-security-groups, errors", async () => {
      const vpcId = await newVpc();
      const env = { AWS_ACCESS_KEY_ID: A };
      const created = await awsCli(cb.endpoint, ["ec2", "create-security-group", "--group-name", "cli-web", "--description", "cli web", "--vpc-id", vpcId], env);
      assert.equal(created.code, 0, created.stderr);
      const id = created.json.GroupId as string;
      const auth = await awsCli(cb.endpoint, ["ec2", "authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0"], env);
      assert.equal(auth.code, 0, auth.stderr);
      assert.equal(auth.json.SecurityGroupRules[0].FromPort, 80);
      const range = await awsCli(cb.endpoint, ["ec2", "authorize-security-group-ingress", "--group-id", id, "--ip-permissions", "IpProtocol=tcp,FromPort=8000,ToPort=8100,IpRanges=[{CidrIp=10.0.0.0/8,Description=internal}]"], env);
      assert.equal(range.code, 0, range.stderr);
      const desc = await awsCli(cb.endpoint, ["ec2", "describe-security-groups", "--group-ids", id], env);
      assert.equal(desc.code, 0, desc.stderr);
      const perms = desc.json.SecurityGroups[0].IpPermissions;
      assert.deepEqual(perms.map((p: IpPermission) => [p.FromPort, p.ToPort]), [[80, 80], [8000, 8100]]);
      assert.equal(perms[1].IpRanges[0].Description, "internal");
      const dup = await awsCli(cb.endpoint, ["ec2", "authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0"], env);
      assert.notEqual(dup.code, 0);
      assert.match(dup.stderr, /InvalidPermission\.Duplicate/);
      const del = await awsCli(cb.endpoint, ["ec2", "delete-security-group", "--group-id", id], env);
      assert.equal(del.code, 0, del.stderr);
    });
  });
});
