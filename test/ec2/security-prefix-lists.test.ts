/**
 * Managed prefix lists end to end with the real SDK v3 EC2Client and the AWS CLI v2: the
 * AWS-managed lists of the Region, customer-managed lists, versions, limits, references from
 * security group rules, DescribePrefixLists, paging, DryRun and wrong-account access.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteManagedPrefixListCommand,
  DescribeManagedPrefixListsCommand,
  DescribePrefixListsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  RevokeSecurityGroupEgressCommand,
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

describe("managed prefix lists", () => {
  let cb: Cloudbox;
  let ec2: (account?: string, region?: string) => EC2Client;
  let n = 0;
  const create = async (entries = ["10.0.0.0/16"], max = 5, account = A) =>
    (
      await ec2(account).send(
        new CreateManagedPrefixListCommand({ PrefixListName: `pl-test-${++n}`, AddressFamily: "IPv4", MaxEntries: max, Entries: entries.map((Cidr) => ({ Cidr })) }),
      )
    ).PrefixList!;

  before(async () => {
    cb = await startCloudbox();
    ec2 = (account = A, region = "us-east-1") => new EC2Client({ ...cb.clientConfig, region, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  });
  after(() => cb.stop());

  it("the Region has AWS-managed lists for S3 and DynamoDB, with stable ids per Region", async () => {
    const out = await ec2().send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "owner-id", Values: ["AWS"] }] }));
    const names = out.PrefixLists!.map((l) => l.PrefixListName).sort();
    assert.deepEqual(names, ["com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]);
    const s3 = out.PrefixLists!.find((l) => l.PrefixListName!.endsWith(".s3"))!;
    assert.match(s3.PrefixListId!, /^pl-[0-9a-f]{8}$/);
    assert.equal(s3.AddressFamily, "IPv4");
    assert.equal(s3.State, "create-complete");
    assert.equal(s3.OwnerId, "AWS");
    // Same id for another account in the Region, another id in another Region.
    const again = await ec2(B).send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [s3.PrefixListId!] }));
    assert.equal(again.PrefixLists![0].PrefixListName, "com.amazonaws.us-east-1.s3");
    const eu = await ec2(A, "eu-west-1").send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: ["com.amazonaws.eu-west-1.s3"] }] }));
    assert.notEqual(eu.PrefixLists![0].PrefixListId, s3.PrefixListId);
    const entries = await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: s3.PrefixListId }));
    assert.ok(entries.Entries!.length >= 2);
    // DescribePrefixLists shows the same lists with their CIDRs.
    const old = await ec2().send(new DescribePrefixListsCommand({ PrefixListIds: [s3.PrefixListId!] }));
    assert.deepEqual(old.PrefixLists, [{ PrefixListId: s3.PrefixListId, PrefixListName: "com.amazonaws.us-east-1.s3", Cidrs: entries.Entries!.map((e) => e.Cidr) }]);
    const byName = await ec2().send(new DescribePrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: ["*dynamodb"] }] }));
    assert.equal(byName.PrefixLists!.length, 1);
    await expectError(ec2().send(new DescribePrefixListsCommand({ PrefixListIds: ["pl-00000000"] })), "InvalidPrefixListID.NotFound");
    // They cannot be changed.
    await expectError(ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: s3.PrefixListId, AddEntries: [{ Cidr: "1.2.3.0/24" }] })), "InvalidPrefixListModification");
    await expectError(ec2().send(new DeleteManagedPrefixListCommand({ PrefixListId: s3.PrefixListId })), "InvalidPrefixListModification");
  });

  it("CreateManagedPrefixList: fields, tags, canonical CIDRs, validation", async () => {
    const out = await ec2().send(
      new CreateManagedPrefixListCommand({
        PrefixListName: "corp offices",
        AddressFamily: "IPv4",
        MaxEntries: 3,
        Entries: [{ Cidr: "203.0.113.7/24", Description: "Paris" }, { Cidr: "198.51.100.0/24" }],
        TagSpecifications: [{ ResourceType: "prefix-list", Tags: [{ Key: "team", Value: "net" }] }],
      }),
    );
    const l = out.PrefixList!;
    assert.match(l.PrefixListId!, /^pl-[0-9a-f]{17}$/);
    assert.equal(l.PrefixListArn, `arn:aws:ec2:us-east-1:${A}:prefix-list/${l.PrefixListId}`);
    assert.deepEqual([l.PrefixListName, l.AddressFamily, l.MaxEntries, l.Version, l.State, l.OwnerId], ["corp offices", "IPv4", 3, 1, "create-complete", A]);
    assert.deepEqual(l.Tags, [{ Key: "team", Value: "net" }]);
    const e = await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: l.PrefixListId }));
    assert.deepEqual(e.Entries, [{ Cidr: "203.0.113.0/24", Description: "Paris" }, { Cidr: "198.51.100.0/24" }]);
    const bad = (input: Record<string, unknown>) =>
      ec2().send(new CreateManagedPrefixListCommand({ PrefixListName: "x", AddressFamily: "IPv4", MaxEntries: 2, ...input } as never));
    await expectError(bad({ PrefixListName: "com.amazonaws.mine" }), "InvalidParameterValue", 400, /com\.amazonaws/);
    await expectError(bad({ AddressFamily: "IPv5" }), "InvalidParameterValue");
    await expectError(bad({ MaxEntries: 0 }), "InvalidParameterValue");
    await expectError(bad({ Entries: [{ Cidr: "2001:db8::/32" }] }), "InvalidParameterValue");
    await expectError(bad({ AddressFamily: "IPv6", Entries: [{ Cidr: "10.0.0.0/8" }] }), "InvalidParameterValue");
    await expectError(bad({ Entries: [{ Cidr: "10.0.0.0/8" }, { Cidr: "10.1.0.0/16" }, { Cidr: "10.2.0.0/16" }] }), "PrefixListMaxEntriesExceeded");
    await expectError(bad({ DryRun: true }), "DryRunOperation", 412);
    const v6 = await ec2().send(new CreateManagedPrefixListCommand({ PrefixListName: "v6", AddressFamily: "IPv6", MaxEntries: 2, Entries: [{ Cidr: "2001:db8::1/64" }] }));
    assert.deepEqual((await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: v6.PrefixList!.PrefixListId }))).Entries, [{ Cidr: "2001:db8::/64" }]);
  });

  it("ModifyManagedPrefixList: versions, CurrentVersion check, MaxEntries, names", async () => {
    const l = await create(["10.0.0.0/16", "10.1.0.0/16"], 3);
    const id = l.PrefixListId!;
    const m1 = await ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, AddEntries: [{ Cidr: "10.2.0.0/16" }], RemoveEntries: [{ Cidr: "10.0.0.0/16" }] }));
    assert.equal(m1.PrefixList!.Version, 2);
    assert.equal(m1.PrefixList!.State, "modify-complete");
    const now = await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id }));
    assert.deepEqual(now.Entries!.map((e) => e.Cidr), ["10.1.0.0/16", "10.2.0.0/16"]);
    const v1 = await ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, TargetVersion: 1 }));
    assert.deepEqual(v1.Entries!.map((e) => e.Cidr), ["10.0.0.0/16", "10.1.0.0/16"]);
    await expectError(ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, TargetVersion: 9 })), "InvalidParameterValue");
    await expectError(
      ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, AddEntries: [{ Cidr: "10.3.0.0/16" }] })),
      "PrefixListVersionMismatch",
    );
    await expectError(
      ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, AddEntries: [{ Cidr: "10.3.0.0/16" }, { Cidr: "10.4.0.0/16" }] })),
      "PrefixListMaxEntriesExceeded",
    );
    await expectError(ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, RemoveEntries: [{ Cidr: "10.9.0.0/16" }] })), "InvalidPrefixListModification");
    await expectError(ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 1 })), "PrefixListMaxEntriesExceeded");
    await expectError(
      ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 10, AddEntries: [{ Cidr: "10.5.0.0/16" }] })),
      "InvalidParameterValue",
      400,
      /at the same time/,
    );
    await expectError(ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, PrefixListName: "x", DryRun: true })), "DryRunOperation", 412);
    const renamed = await ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: id, PrefixListName: "renamed", MaxEntries: 10 }));
    assert.deepEqual([renamed.PrefixList!.PrefixListName, renamed.PrefixList!.MaxEntries, renamed.PrefixList!.Version], ["renamed", 10, 2]);
    await expectError(ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: "pl-0123456789abcdef0", PrefixListName: "x" })), "InvalidPrefixListID.NotFound");
  });

  it("DescribeManagedPrefixLists: ids, filters, tags, paging", async () => {
    const tag = `t${process.pid}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await ec2().send(
        new CreateManagedPrefixListCommand({ PrefixListName: `page-${i}`, AddressFamily: "IPv4", MaxEntries: 1, TagSpecifications: [{ ResourceType: "prefix-list", Tags: [{ Key: tag, Value: String(i) }] }] }),
      );
      ids.push(out.PrefixList!.PrefixListId!);
    }
    const q = async (Name: string, Values: string[]) =>
      (await ec2().send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name, Values }] }))).PrefixLists!.map((l) => l.PrefixListId);
    assert.deepEqual(await q("prefix-list-id", [ids[1]]), [ids[1]]);
    assert.deepEqual(await q("prefix-list-name", ["page-2"]), [ids[2]]);
    assert.deepEqual(await q(`tag:${tag}`, ["0", "2"]), [ids[0], ids[2]]);
    assert.deepEqual(await q("tag-key", [tag]), ids);
    assert.ok((await q("owner-id", [A])).includes(ids[0]));
    const all = (await ec2().send(new DescribeManagedPrefixListsCommand({}))).PrefixLists!;
    const p1 = await ec2().send(new DescribeManagedPrefixListsCommand({ MaxResults: 2 }));
    assert.equal(p1.PrefixLists!.length, 2);
    const p2 = await ec2().send(new DescribeManagedPrefixListsCommand({ MaxResults: 100, NextToken: p1.NextToken }));
    assert.equal(p1.PrefixLists!.length + p2.PrefixLists!.length, all.length);
    await expectError(ec2().send(new DescribeManagedPrefixListsCommand({ MaxResults: 101 })), "InvalidParameterValue");
    await expectError(ec2().send(new DescribeManagedPrefixListsCommand({ PrefixListIds: ["pl-0123456789abcdef0"] })), "InvalidPrefixListID.NotFound");
    await expectError(ec2().send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "nope", Values: ["x"] }] })), "InvalidParameterValue");
    await expectError(ec2().send(new DescribeManagedPrefixListsCommand({ DryRun: true })), "DryRunOperation", 412);
  });

  it("a list referenced by a security group rule cannot be deleted until the rule goes", async () => {
    const l = await create(["192.0.2.0/24"]);
    const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
    const sg = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: "pl-user", Description: "d", VpcId: vpcId }))).GroupId!;
    const perm = { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: l.PrefixListId }] };
    await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sg, IpPermissions: [perm] }));
    await expectError(ec2().send(new DeleteManagedPrefixListCommand({ PrefixListId: l.PrefixListId })), "DependencyViolation");
    await ec2().send(new RevokeSecurityGroupEgressCommand({ GroupId: sg, IpPermissions: [perm] }));
    await expectError(ec2().send(new DeleteManagedPrefixListCommand({ PrefixListId: l.PrefixListId, DryRun: true })), "DryRunOperation", 412);
    const out = await ec2().send(new DeleteManagedPrefixListCommand({ PrefixListId: l.PrefixListId }));
    assert.equal(out.PrefixList!.State, "delete-complete");
    await expectError(ec2().send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [l.PrefixListId!] })), "InvalidPrefixListID.NotFound");
    await expectError(ec2().send(new GetManagedPrefixListEntriesCommand({ PrefixListId: l.PrefixListId })), "InvalidPrefixListID.NotFound");
  });

  it("a referenced list counts as its MaxEntries toward the group's rule quota, in its address family", async () => {
    const big = await create(["192.0.2.0/24"], 55);
    const v6 = (await ec2().send(new CreateManagedPrefixListCommand({ PrefixListName: "v6-big", AddressFamily: "IPv6", MaxEntries: 60 }))).PrefixList!;
    const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
    const sg = (await ec2().send(new CreateSecurityGroupCommand({ GroupName: "quota", Description: "d", VpcId: vpcId }))).GroupId!;
    // 1 (default egress) + 55 = 56 IPv4 rules.
    await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: big.PrefixListId }] }] }));
    // An IPv6 list of 60 fits beside them: the families are counted separately.
    await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: v6.PrefixListId }] }] }));
    const more = Array.from({ length: 5 }, (_, i) => ({ CidrIp: `10.${i}.0.0/16` }));
    await expectError(
      ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: more }] })),
      "RulesPerSecurityGroupLimitExceeded",
    );
    await ec2().send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: more.slice(0, 4) }] }));
    // Growing the list past what the group can hold fails: modify-failed, naming the group, size kept.
    const grown = await ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: big.PrefixListId, MaxEntries: 56 }));
    assert.equal(grown.PrefixList!.State, "modify-failed");
    assert.match(grown.PrefixList!.StateMessage!, new RegExp(sg));
    assert.equal(grown.PrefixList!.MaxEntries, 55);
    // A size the group can hold is fine.
    const unused = await create([], 5);
    const ok = await ec2().send(new ModifyManagedPrefixListCommand({ PrefixListId: unused.PrefixListId, MaxEntries: 50 }));
    assert.deepEqual([ok.PrefixList!.State, ok.PrefixList!.MaxEntries, ok.PrefixList!.StateMessage], ["modify-complete", 50, undefined]);
  });

  it("another account never sees or changes a customer-managed list", async () => {
    const l = await create();
    const b = ec2(B);
    await expectError(b.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [l.PrefixListId!] })), "InvalidPrefixListID.NotFound");
    assert.ok(!(await b.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists!.some((x) => x.PrefixListId === l.PrefixListId));
    await expectError(b.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: l.PrefixListId })), "InvalidPrefixListID.NotFound");
    await expectError(b.send(new ModifyManagedPrefixListCommand({ PrefixListId: l.PrefixListId, PrefixListName: "mine" })), "InvalidPrefixListID.NotFound");
    await expectError(b.send(new DeleteManagedPrefixListCommand({ PrefixListId: l.PrefixListId })), "InvalidPrefixListID.NotFound");
    // B cannot reference it in a rule either.
    const vpcId = (await b.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
    const sg = (await b.send(new CreateSecurityGroupCommand({ GroupName: "b", Description: "d", VpcId: vpcId }))).GroupId!;
    await expectError(
      b.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: "-1", PrefixListIds: [{ PrefixListId: l.PrefixListId }] }] })),
      "InvalidPrefixListID.NotFound",
    );
  });

  it("AWS CLI v2: create-managed-prefix-list, get-managed-prefix-list-entries", async () => {
    const env = { AWS_ACCESS_KEY_ID: A };
    const created = await awsCli(
      cb.endpoint,
      ["ec2", "create-managed-prefix-list", "--prefix-list-name", "cli-list", "--address-family", "IPv4", "--max-entries", "2", "--entries", "Cidr=10.0.0.0/8,Description=ten"],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const id = created.json.PrefixList.PrefixListId as string;
    const entries = await awsCli(cb.endpoint, ["ec2", "get-managed-prefix-list-entries", "--prefix-list-id", id], env);
    assert.equal(entries.code, 0, entries.stderr);
    assert.deepEqual(entries.json.Entries, [{ Cidr: "10.0.0.0/8", Description: "ten" }]);
  });
});
