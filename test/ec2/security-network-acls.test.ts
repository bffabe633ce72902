/**
 * Network ACLs end to end with the real SDK v3 EC2Client and the AWS CLI v2: the default ACL
 * (IPv4 and IPv6), custom ACLs, entries and their validation, quotas, associations, filters,
 * paging, DryRun and wrong-account access.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AssociateVpcCidrBlockCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DeleteSubnetCommand,
  DescribeNetworkAclsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  type CreateNetworkAclEntryCommandInput,
  type NetworkAcl,
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

/** Entries as compact tuples: [egress, rule, action, protocol, cidr]. */
const compact = (acl: NetworkAcl) =>
  acl.Entries!.map((e) => [e.Egress, e.RuleNumber, e.RuleAction, e.Protocol, e.CidrBlock ?? e.Ipv6CidrBlock]);

describe("network ACLs", () => {
  let cb: Cloudbox;
  let ec2: (account?: string) => EC2Client;
  const newVpc = async (cidr = "10.0.0.0/16", ipv6 = false, account = A) =>
    (await ec2(account).send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: ipv6 }))).Vpc!.VpcId!;
  const newSubnet = async (vpcId: string, cidr: string) => (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
  const aclsOf = async (vpcId: string, account = A) =>
    (await ec2(account).send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).NetworkAcls!;
  const acl = async (id: string) => (await ec2().send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls![0];
  const newAcl = async (vpcId: string) => (await ec2().send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
  const entry = (id: string, e: Partial<CreateNetworkAclEntryCommandInput>) =>
    ec2().send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0", ...e }));

  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = A) => new EC2Client({ ...cb.clientConfig, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  });
  after(() => cb.stop());

  describe("default network ACL", () => {
    it("IPv4 VPC: rule 100 allow all and the * (32767) deny, both directions; every subnet associated", async () => {
      const vpcId = await newVpc();
      const s1 = await newSubnet(vpcId, "10.0.1.0/24");
      const s2 = await newSubnet(vpcId, "10.0.2.0/24");
      const acls = await aclsOf(vpcId);
      assert.equal(acls.length, 1);
      const d = acls[0];
      assert.equal(d.IsDefault, true);
      assert.equal(d.OwnerId, A);
      assert.match(d.NetworkAclId!, /^acl-[0-9a-f]{17}$/);
      assert.deepEqual(compact(d), [
        [true, 100, "allow", "-1", "0.0.0.0/0"],
        [true, 32767, "deny", "-1", "0.0.0.0/0"],
        [false, 100, "allow", "-1", "0.0.0.0/0"],
        [false, 32767, "deny", "-1", "0.0.0.0/0"],
      ]);
      assert.deepEqual(d.Associations!.map((a) => a.SubnetId).sort(), [s1, s2].sort());
      for (const a of d.Associations!) {
        assert.match(a.NetworkAclAssociationId!, /^aclassoc-[0-9a-f]{17}$/);
        assert.equal(a.NetworkAclId, d.NetworkAclId);
      }
    });

    it("the default VPC's default ACL holds every default subnet", async () => {
      const vpcs = await ec2().send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
      const vpcId = vpcs.Vpcs![0].VpcId!;
      const subnets = (await ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Subnets!;
      assert.ok(subnets.length >= 2);
      const [d] = await aclsOf(vpcId);
      assert.equal(d.IsDefault, true);
      assert.deepEqual(d.Associations!.map((a) => a.SubnetId).sort(), subnets.map((s) => s.SubnetId).sort());
    });

    it("dual-stack VPC: rules 101 (::/0 allow) and 32768 (::/0 deny) too", async () => {
      const vpcId = await newVpc("10.1.0.0/16", true);
      const [d] = await aclsOf(vpcId);
      assert.deepEqual(compact(d), [
        [true, 100, "allow", "-1", "0.0.0.0/0"],
        [true, 101, "allow", "-1", "::/0"],
        [true, 32767, "deny", "-1", "0.0.0.0/0"],
        [true, 32768, "deny", "-1", "::/0"],
        [false, 100, "allow", "-1", "0.0.0.0/0"],
        [false, 101, "allow", "-1", "::/0"],
        [false, 32767, "deny", "-1", "0.0.0.0/0"],
        [false, 32768, "deny", "-1", "::/0"],
      ]);
    });

    it("associating an IPv6 block later adds the IPv6 rules to the default ACL", async () => {
      const vpcId = await newVpc("10.2.0.0/16");
      await ec2().send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, AmazonProvidedIpv6CidrBlock: true }));
      const [d] = await aclsOf(vpcId);
      assert.deepEqual(
        compact(d).filter((e) => e[4] === "::/0"),
        [
          [true, 101, "allow", "-1", "::/0"],
          [true, 32768, "deny", "-1", "::/0"],
          [false, 101, "allow", "-1", "::/0"],
          [false, 32768, "deny", "-1", "::/0"],
        ],
      );
    });

    it("cannot be deleted; the * rules cannot be changed", async () => {
      const vpcId = await newVpc();
      const [d] = await aclsOf(vpcId);
      await expectError(ec2().send(new DeleteNetworkAclCommand({ NetworkAclId: d.NetworkAclId })), "InvalidParameterValue", 400, /cannot delete default network ACL/);
      await expectError(ec2().send(new DeleteNetworkAclEntryCommand({ NetworkAclId: d.NetworkAclId, RuleNumber: 32767, Egress: false })), "InvalidParameterValue", 400, /between 1 and 32766/);
    });
  });

  describe("custom network ACLs", () => {
    it("CreateNetworkAcl: deny-all until entries are added, not associated, tags", async () => {
      const vpcId = await newVpc();
      const out = await ec2().send(
        new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: "network-acl", Tags: [{ Key: "Name", Value: "web" }] }] }),
      );
      const a = out.NetworkAcl!;
      assert.equal(a.IsDefault, false);
      assert.equal(a.VpcId, vpcId);
      assert.deepEqual(a.Associations, []);
      assert.deepEqual(a.Tags, [{ Key: "Name", Value: "web" }]);
      assert.deepEqual(compact(a), [
        [true, 32767, "deny", "-1", "0.0.0.0/0"],
        [false, 32767, "deny", "-1", "0.0.0.0/0"],
      ]);
      const v6 = await newVpc("10.3.0.0/16", true);
      const c6 = (await ec2().send(new CreateNetworkAclCommand({ VpcId: v6 }))).NetworkAcl!;
      assert.deepEqual(compact(c6).map((e) => e[1]), [32767, 32768, 32767, 32768]);
      await expectError(ec2().send(new CreateNetworkAclCommand({ VpcId: "vpc-0123456789abcdef0" })), "InvalidVpcID.NotFound");
      await expectError(ec2().send(new CreateNetworkAclCommand({ VpcId: vpcId, DryRun: true })), "DryRunOperation", 412);
      assert.equal((await aclsOf(vpcId)).length, 2);
    });

    it("CreateNetworkAclEntry: protocols, ports, ICMP, IPv6, canonical CIDRs, order by rule number", async () => {
      const vpcId = await newVpc();
      const id = await newAcl(vpcId);
      await entry(id, { RuleNumber: 200, Protocol: "6", PortRange: { From: 443, To: 443 }, CidrBlock: "0.0.0.0/0" });
      await entry(id, { RuleNumber: 100, Protocol: "tcp", PortRange: { From: 80, To: 80 }, CidrBlock: "0.0.0.0/0" });
      await entry(id, { RuleNumber: 110, Protocol: "1", IcmpTypeCode: { Type: 8, Code: -1 }, CidrBlock: "10.0.0.7/8" });
      await entry(id, { RuleNumber: 120, Protocol: "58", IcmpTypeCode: { Type: -1, Code: -1 }, CidrBlock: undefined, Ipv6CidrBlock: "2001:db8::1/64" });
      await entry(id, { RuleNumber: 130, Protocol: "50", PortRange: { From: 1, To: 2 }, RuleAction: "deny", CidrBlock: "192.0.2.0/24" });
      await entry(id, { RuleNumber: 100, Egress: true, Protocol: "udp", PortRange: { From: 1024, To: 65535 }, CidrBlock: "0.0.0.0/0" });
      const a = await acl(id);
      assert.deepEqual(
        a.Entries,
        [
          { RuleNumber: 100, Protocol: "17", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0", PortRange: { From: 1024, To: 65535 } },
          { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" },
          { RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 80, To: 80 } },
          { RuleNumber: 110, Protocol: "1", RuleAction: "allow", Egress: false, CidrBlock: "10.0.0.0/8", IcmpTypeCode: { Code: -1, Type: 8 } },
          { RuleNumber: 120, Protocol: "58", RuleAction: "allow", Egress: false, Ipv6CidrBlock: "2001:db8::/64", IcmpTypeCode: { Code: -1, Type: -1 } },
          { RuleNumber: 130, Protocol: "50", RuleAction: "deny", Egress: false, CidrBlock: "192.0.2.0/24" },
          { RuleNumber: 200, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 443, To: 443 } },
          { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
        ].map((e) => expect(e)),
      );
    });

    it("CreateNetworkAclEntry errors: duplicate rule number, range, missing ports/ICMP, bad CIDR, action", async () => {
      const vpcId = await newVpc();
      const id = await newAcl(vpcId);
      await entry(id, { RuleNumber: 100 });
      await expectError(entry(id, { RuleNumber: 100, CidrBlock: "10.0.0.0/8" }), "NetworkAclEntryAlreadyExists", 400, /100/);
      await entry(id, { RuleNumber: 100, Egress: true }); // the same number in the other direction is fine
      await expectError(entry(id, { RuleNumber: 0 }), "InvalidParameterValue");
      await expectError(entry(id, { RuleNumber: 32767 }), "InvalidParameterValue");
      await expectError(entry(id, { RuleNumber: 1, Protocol: "6" }), "MissingParameter");
      await expectError(entry(id, { RuleNumber: 1, Protocol: "17", PortRange: { From: 100, To: 10 } }), "InvalidParameterValue");
      await expectError(entry(id, { RuleNumber: 1, Protocol: "1" }), "MissingParameter");
      await expectError(entry(id, { RuleNumber: 1, CidrBlock: "10.0.0.0/40" }), "InvalidParameterValue");
      await expectError(entry(id, { RuleNumber: 1, CidrBlock: undefined }), "MissingParameter");
      await expectError(entry(id, { RuleNumber: 1, Ipv6CidrBlock: "::/0" }), "InvalidParameterValue");
      await expectError(entry(id, { RuleNumber: 1, RuleAction: "reject" as never }), "InvalidParameterValue");
      await expectError(entry(id, { RuleNumber: 1, Protocol: "bogus" }), "InvalidParameterValue");
      await expectError(entry("acl-0123456789abcdef0", { RuleNumber: 1 }), "InvalidNetworkAclID.NotFound");
      await expectError(entry(id, { RuleNumber: 1, DryRun: true }), "DryRunOperation", 412);
      assert.equal((await acl(id)).Entries!.length, 4);
    });

    it("20 rules per direction, the * rule included (NetworkAclEntryLimitExceeded); IPv6 counted separately", async () => {
      const vpcId = await newVpc("10.4.0.0/16", true);
      const id = await newAcl(vpcId);
      for (let i = 1; i <= 19; i++) await entry(id, { RuleNumber: i * 10 });
      await expectError(entry(id, { RuleNumber: 500 }), "NetworkAclEntryLimitExceeded", 400);
      for (let i = 1; i <= 19; i++) await entry(id, { RuleNumber: 1000 + i, CidrBlock: undefined, Ipv6CidrBlock: "::/0" });
      await expectError(entry(id, { RuleNumber: 2000, CidrBlock: undefined, Ipv6CidrBlock: "::/0" }), "NetworkAclEntryLimitExceeded");
      await entry(id, { RuleNumber: 10, Egress: true });
    });

    it("ReplaceNetworkAclEntry and DeleteNetworkAclEntry", async () => {
      const vpcId = await newVpc();
      const id = await newAcl(vpcId);
      await entry(id, { RuleNumber: 100, Protocol: "6", PortRange: { From: 22, To: 22 } });
      await ec2().send(
        new ReplaceNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: "6", RuleAction: "deny", Egress: false, CidrBlock: "10.0.0.0/8", PortRange: { From: 23, To: 23 } }),
      );
      const e = (await acl(id)).Entries!.find((x) => x.RuleNumber === 100)!;
      assert.deepEqual([e.RuleAction, e.CidrBlock, e.PortRange], ["deny", "10.0.0.0/8", { From: 23, To: 23 }]);
      await expectError(
        ec2().send(new ReplaceNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" })),
        "InvalidNetworkAclEntry.NotFound",
      );
      await expectError(ec2().send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Egress: true })), "InvalidNetworkAclEntry.NotFound");
      await expectError(ec2().send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Egress: false, DryRun: true })), "DryRunOperation", 412);
      await ec2().send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Egress: false }));
      assert.deepEqual((await acl(id)).Entries!.map((x) => x.RuleNumber), [32767, 32767]);
    });
  });

  describe("associations", () => {
    it("ReplaceNetworkAclAssociation moves a subnet; an associated ACL cannot be deleted; a deleted subnet frees it", async () => {
      const vpcId = await newVpc();
      const subnet = await newSubnet(vpcId, "10.0.5.0/24");
      const [d] = await aclsOf(vpcId);
      const assoc = d.Associations!.find((a) => a.SubnetId === subnet)!.NetworkAclAssociationId!;
      const custom = await newAcl(vpcId);
      await expectError(ec2().send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: custom, DryRun: true })), "DryRunOperation", 412);
      const out = await ec2().send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: custom }));
      assert.match(out.NewAssociationId!, /^aclassoc-/);
      assert.notEqual(out.NewAssociationId, assoc);
      assert.deepEqual((await acl(custom)).Associations, [{ NetworkAclAssociationId: out.NewAssociationId, NetworkAclId: custom, SubnetId: subnet }]);
      assert.ok(!(await acl(d.NetworkAclId!)).Associations!.some((a) => a.SubnetId === subnet));
      // The old association id is gone.
      await expectError(ec2().send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: d.NetworkAclId })), "InvalidAssociationID.NotFound");
      await expectError(ec2().send(new DeleteNetworkAclCommand({ NetworkAclId: custom })), "DependencyViolation", 400, new RegExp(custom));
      // An ACL of another VPC cannot take the subnet.
      const otherAcl = await newAcl(await newVpc("10.7.0.0/16"));
      await expectError(ec2().send(new ReplaceNetworkAclAssociationCommand({ AssociationId: out.NewAssociationId, NetworkAclId: otherAcl })), "InvalidParameterValue");
      await expectError(ec2().send(new ReplaceNetworkAclAssociationCommand({ AssociationId: out.NewAssociationId, NetworkAclId: "acl-0123456789abcdef0" })), "InvalidNetworkAclID.NotFound");
      // Back to the default, then the custom ACL can go.
      const back = await ec2().send(new ReplaceNetworkAclAssociationCommand({ AssociationId: out.NewAssociationId, NetworkAclId: d.NetworkAclId }));
      assert.ok((await acl(d.NetworkAclId!)).Associations!.some((a) => a.NetworkAclAssociationId === back.NewAssociationId && a.SubnetId === subnet));
      await expectError(ec2().send(new DeleteNetworkAclCommand({ NetworkAclId: custom, DryRun: true })), "DryRunOperation", 412);
      await ec2().send(new DeleteNetworkAclCommand({ NetworkAclId: custom }));
      await expectError(ec2().send(new DescribeNetworkAclsCommand({ NetworkAclIds: [custom] })), "InvalidNetworkAclID.NotFound");
      // A subnet deleted while associated with a custom ACL does not block that ACL.
      const custom2 = await newAcl(vpcId);
      const s2 = await newSubnet(vpcId, "10.0.6.0/24");
      const a2 = (await acl(d.NetworkAclId!)).Associations!.find((a) => a.SubnetId === s2)!.NetworkAclAssociationId!;
      await ec2().send(new ReplaceNetworkAclAssociationCommand({ AssociationId: a2, NetworkAclId: custom2 }));
      await ec2().send(new DeleteSubnetCommand({ SubnetId: s2 }));
      assert.deepEqual((await acl(custom2)).Associations, []);
      await ec2().send(new DeleteNetworkAclCommand({ NetworkAclId: custom2 }));
    });
  });

  describe("DescribeNetworkAcls", () => {
    it("supports every documented filter", async () => {
      const vpcId = await newVpc("10.8.0.0/16", true);
      const subnet = await newSubnet(vpcId, "10.8.1.0/24");
      const [d] = await aclsOf(vpcId);
      const id = await newAcl(vpcId);
      await entry(id, { RuleNumber: 150, Protocol: "6", PortRange: { From: 8080, To: 8081 }, CidrBlock: "10.8.0.0/24", RuleAction: "deny" });
      await entry(id, { RuleNumber: 160, Protocol: "1", IcmpTypeCode: { Type: 3, Code: 4 }, CidrBlock: "10.8.2.0/24", Egress: true });
      await entry(id, { RuleNumber: 170, Ipv6CidrBlock: "2001:db8:1::/48", CidrBlock: undefined });
      const assoc = d.Associations!.find((a) => a.SubnetId === subnet)!.NetworkAclAssociationId!;
      const q = async (Name: string, Values: string[]) =>
        (await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name, Values }] }))).NetworkAcls!.map((a) => a.NetworkAclId).sort();
      assert.deepEqual(await q("association.association-id", [assoc]), [d.NetworkAclId]);
      assert.deepEqual(await q("association.network-acl-id", [d.NetworkAclId!]), [d.NetworkAclId]);
      assert.deepEqual(await q("association.subnet-id", [subnet]), [d.NetworkAclId]);
      assert.deepEqual(await q("default", ["true"]), [d.NetworkAclId]);
      assert.deepEqual(await q("default", ["false"]), [id]);
      assert.deepEqual(await q("entry.cidr", ["10.8.0.0/24"]), [id]);
      assert.deepEqual(await q("entry.egress", ["true"]), [d.NetworkAclId, id].sort());
      assert.deepEqual(await q("entry.icmp.code", ["4"]), [id]);
      assert.deepEqual(await q("entry.icmp.type", ["3"]), [id]);
      assert.deepEqual(await q("entry.ipv6-cidr", ["2001:db8:1::/48"]), [id]);
      assert.deepEqual(await q("entry.port-range.from", ["8080"]), [id]);
      assert.deepEqual(await q("entry.port-range.to", ["8081"]), [id]);
      assert.deepEqual(await q("entry.protocol", ["6"]), [id]);
      assert.deepEqual(await q("entry.rule-action", ["deny"]), [d.NetworkAclId, id].sort());
      assert.deepEqual(await q("entry.rule-number", ["150"]), [id]);
      assert.deepEqual(await q("entry.rule-number", ["101"]), [d.NetworkAclId]);
      assert.deepEqual(await q("network-acl-id", [id]), [id]);
      assert.deepEqual(await q("owner-id", [A]), [d.NetworkAclId, id].sort());
      await expectError(ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "entry.nope", Values: ["1"] }] })), "InvalidParameterValue", 400, /The filter 'entry.nope' is invalid/);
    });

    it("tag filters, paging, explicit ids, DryRun", async () => {
      const vpcId = await newVpc();
      const key = `k${process.pid}`;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        ids.push((await ec2().send(new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: "network-acl", Tags: [{ Key: key, Value: `v${i}` }] }] }))).NetworkAcl!.NetworkAclId!);
      }
      const byTag = await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: `tag:${key}`, Values: ["v1", "v2"] }] }));
      assert.deepEqual(byTag.NetworkAcls!.map((a) => a.NetworkAclId), [ids[1], ids[2]]);
      assert.equal((await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "tag-key", Values: [key] }] }))).NetworkAcls!.length, 6);
      assert.equal((await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "tag-value", Values: ["v5"] }] }))).NetworkAcls!.length, 1);
      const p1 = await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], MaxResults: 5 }));
      assert.equal(p1.NetworkAcls!.length, 5);
      const p2 = await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], MaxResults: 5, NextToken: p1.NextToken }));
      assert.equal(p2.NetworkAcls!.length, 2);
      assert.equal(p2.NextToken, undefined);
      await expectError(ec2().send(new DescribeNetworkAclsCommand({ MaxResults: 2 })), "InvalidParameterValue");
      await expectError(ec2().send(new DescribeNetworkAclsCommand({ NetworkAclIds: [ids[0], "acl-0123456789abcdef0"] })), "InvalidNetworkAclID.NotFound", 400, /acl-0123456789abcdef0/);
      await expectError(ec2().send(new DescribeNetworkAclsCommand({ DryRun: true })), "DryRunOperation", 412);
    });
  });

  describe("accounts", () => {
    it("another account never sees or changes the ACL", async () => {
      const vpcId = await newVpc();
      const id = await newAcl(vpcId);
      const b = ec2(B);
      await expectError(b.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] })), "InvalidNetworkAclID.NotFound");
      assert.deepEqual((await b.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).NetworkAcls, []);
      await expectError(
        b.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 1, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" })),
        "InvalidNetworkAclID.NotFound",
      );
      await expectError(b.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 1, Egress: false })), "InvalidNetworkAclID.NotFound");
      await expectError(b.send(new DeleteNetworkAclCommand({ NetworkAclId: id })), "InvalidNetworkAclID.NotFound");
      await expectError(b.send(new CreateNetworkAclCommand({ VpcId: vpcId })), "InvalidVpcID.NotFound");
      const subnet = await newSubnet(vpcId, "10.0.9.0/24");
      const [d] = (await aclsOf(vpcId)).filter((a) => a.IsDefault);
      const assoc = d.Associations!.find((a) => a.SubnetId === subnet)!.NetworkAclAssociationId!;
      await expectError(b.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: id })), "InvalidNetworkAclID.NotFound");
    });
  });

  describe("AWS CLI v2", () => {
    it("create-network-acl, create-network-acl-entry, describe-network-acls", async () => {
      const vpcId = await newVpc();
      const env = { AWS_ACCESS_KEY_ID: A };
      const created = await awsCli(cb.endpoint, ["ec2", "create-network-acl", "--vpc-id", vpcId], env);
      assert.equal(created.code, 0, created.stderr);
      const id = created.json.NetworkAcl.NetworkAclId as string;
      const e = await awsCli(
        cb.endpoint,
        ["ec2", "create-network-acl-entry", "--network-acl-id", id, "--ingress", "--rule-number", "100", "--protocol", "tcp", "--port-range", "From=443,To=443", "--cidr-block", "0.0.0.0/0", "--rule-action", "allow"],
        env,
      );
      assert.equal(e.code, 0, e.stderr);
      const d = await awsCli(cb.endpoint, ["ec2", "describe-network-acls", "--network-acl-ids", id], env);
      assert.equal(d.code, 0, d.stderr);
      const ingress = d.json.NetworkAcls[0].Entries.filter((x: { Egress: boolean }) => !x.Egress);
      assert.deepEqual(ingress.map((x: { RuleNumber: number; Protocol: string }) => [x.RuleNumber, x.Protocol]), [[100, "6"], [32767, "-1"]]);
      const dup = await awsCli(
        cb.endpoint,
        ["ec2", "create-network-acl-entry", "--network-acl-id", id, "--ingress", "--rule-number", "100", "--protocol", "-1", "--cidr-block", "0.0.0.0/0", "--rule-action", "deny"],
        env,
      );
      assert.notEqual(dup.code, 0);
      assert.match(dup.stderr, /NetworkAclEntryAlreadyExists/);
    });
  });
});

/** The SDK parses entries with its own key order; compare as plain objects. */
function expect(e: Record<string, unknown>) {
  return e;
}
