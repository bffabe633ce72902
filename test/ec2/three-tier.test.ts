/**
 * The seed article's three-tier architecture ("Traffic Control in AWS VPC with Security Groups
 * and NACLs"), built twice: through the SDK v3 EC2Client, and by examples/three-tier/deploy.sh
 * with the AWS CLI v2. Both are checked against the same expected rules as DescribeSecurityGroups
 * and DescribeNetworkAcls describe them.
 *
 * The article's table: frontend SG 80/443 from anywhere, backend SG 8080 from the frontend group,
 * database SG 3306 from the backend group; frontend subnet NACL inbound only 80/443, backend
 * subnet NACL inbound only from the frontend subnets, database subnet NACL inbound only from the
 * backend subnets. NACLs are stateless (the article says so), so each ACL also carries the
 * return-traffic rules on ephemeral ports 1024-65535 (the range that covers every client, per
 * https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  ReplaceNetworkAclAssociationCommand,
  type IpPermission,
  type NetworkAcl,
} from "@aws-sdk/client-ec2";
import { awsCliEnv, findAwsCliV2 } from "../helpers/aws-cli.js";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

const here = dirname(fileURLToPath(import.meta.url));
const SCRIPT = resolve(here, "../../examples/three-tier/deploy.sh");

type Tier = "frontend" | "backend" | "database";
const TIERS: Tier[] = ["frontend", "backend", "database"];
const SUBNETS: Record<Tier, [string, string]> = {
  frontend: ["10.0.1.0/24", "10.0.2.0/24"],
  backend: ["10.0.11.0/24", "10.0.12.0/24"],
  database: ["10.0.21.0/24", "10.0.22.0/24"],
};

/** [egress, rule number, from port, to port, cidr] — every entry is TCP allow. */
type Entry = [boolean, number, number, number, string];
const NACL: Record<Tier, Entry[]> = {
  frontend: [
    [false, 100, 80, 80, "0.0.0.0/0"],
    [false, 110, 443, 443, "0.0.0.0/0"],
    [false, 120, 1024, 65535, SUBNETS.backend[0]],
    [false, 130, 1024, 65535, SUBNETS.backend[1]],
    [true, 100, 1024, 65535, "0.0.0.0/0"],
    [true, 110, 8080, 8080, SUBNETS.backend[0]],
    [true, 120, 8080, 8080, SUBNETS.backend[1]],
  ],
  backend: [
    [false, 100, 8080, 8080, SUBNETS.frontend[0]],
    [false, 110, 8080, 8080, SUBNETS.frontend[1]],
    [false, 120, 1024, 65535, SUBNETS.database[0]],
    [false, 130, 1024, 65535, SUBNETS.database[1]],
    [true, 100, 1024, 65535, SUBNETS.frontend[0]],
    [true, 110, 1024, 65535, SUBNETS.frontend[1]],
    [true, 120, 3306, 3306, SUBNETS.database[0]],
    [true, 130, 3306, 3306, SUBNETS.database[1]],
  ],
  database: [
    [false, 100, 3306, 3306, SUBNETS.backend[0]],
    [false, 110, 3306, 3306, SUBNETS.backend[1]],
    [true, 100, 1024, 65535, SUBNETS.backend[0]],
    [true, 110, 1024, 65535, SUBNETS.backend[1]],
  ],
};

interface Deployment {
  vpc: string;
  subnets: Record<Tier, string[]>;
  sg: Record<Tier, string>;
  acl: Record<Tier, string>;
}

/** Builds the architecture through the SDK, as deploy.sh does through the CLI. */
const buildWithSdk = async (ec2: EC2Client, name: string): Promise<Deployment> => {
  const tag = (ResourceType: string, n: string) => [{ ResourceType, Tags: [{ Key: "Name", Value: `${name}-${n}` }, { Key: "app", Value: name }] }] as never;
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16", TagSpecifications: tag("vpc", "vpc") }))).Vpc!.VpcId!;
  const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!.map((z) => z.ZoneName!);
  const subnets = {} as Record<Tier, string[]>;
  for (const tier of TIERS) {
    subnets[tier] = [];
    for (const [i, cidr] of SUBNETS[tier].entries()) {
      const s = await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: zones[i], TagSpecifications: tag("subnet", `${tier}-${"ab"[i]}`) }));
      subnets[tier].push(s.Subnet!.SubnetId!);
    }
  }
  const sg = {} as Record<Tier, string>;
  const descriptions: Record<Tier, string> = {
    frontend: "Frontend: HTTP and HTTPS from anywhere",
    backend: "Backend: 8080 from the frontend group",
    database: "Database: MySQL 3306 from the backend group",
  };
  for (const tier of TIERS) {
    sg[tier] = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `${name}-${tier}`, Description: descriptions[tier], TagSpecifications: tag("security-group", tier) }))).GroupId!;
  }
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sg.frontend,
      IpPermissions: [
        { IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "HTTP" }] },
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "HTTPS" }] },
      ],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: sg.backend, IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: sg.frontend, Description: "frontend" }] }] }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: sg.database, IpPermissions: [{ IpProtocol: "tcp", FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: sg.backend, Description: "backend" }] }] }),
  );
  const acl = {} as Record<Tier, string>;
  for (const tier of TIERS) {
    acl[tier] = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc, TagSpecifications: tag("network-acl", tier) }))).NetworkAcl!.NetworkAclId!;
    for (const [egress, rule, from, to, cidr] of NACL[tier]) {
      await ec2.send(
        new CreateNetworkAclEntryCommand({ NetworkAclId: acl[tier], Egress: egress, RuleNumber: rule, Protocol: "tcp", PortRange: { From: from, To: to }, CidrBlock: cidr, RuleAction: "allow" }),
      );
    }
    for (const subnet of subnets[tier]) {
      const current = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnet] }] }))).NetworkAcls![0];
      const assoc = current.Associations!.find((a) => a.SubnetId === subnet)!.NetworkAclAssociationId!;
      await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: acl[tier] }));
    }
  }
  return { vpc, subnets, sg, acl };
};

const simplify = (perms: IpPermission[] | undefined) =>
  (perms ?? []).map((p) => ({
    protocol: p.IpProtocol,
    ports: [p.FromPort, p.ToPort],
    cidrs: (p.IpRanges ?? []).map((r) => r.CidrIp),
    groups: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId),
  }));

/** Checks a deployment as DescribeSecurityGroups / DescribeNetworkAcls / DescribeSubnets show it. */
const verify = async (ec2: EC2Client, d: Deployment, account: string): Promise<void> => {
  // Subnets: two per tier, in two different AZs, in the VPC.
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [d.vpc] }] }))).Subnets!;
  assert.equal(subnets.length, 6);
  for (const tier of TIERS) {
    const mine = subnets.filter((s) => d.subnets[tier].includes(s.SubnetId!));
    assert.deepEqual(mine.map((s) => s.CidrBlock).sort(), [...SUBNETS[tier]].sort(), tier);
    assert.equal(new Set(mine.map((s) => s.AvailabilityZone)).size, 2, `${tier} spans two AZs`);
  }

  // Security groups: the article's three rules, and the default egress.
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [d.vpc] }] }))).SecurityGroups!;
  assert.equal(groups.length, 4); // three tiers + the VPC's default group
  const g = (tier: Tier) => groups.find((x) => x.GroupId === d.sg[tier])!;
  assert.deepEqual(simplify(g("frontend").IpPermissions), [
    { protocol: "tcp", ports: [80, 80], cidrs: ["0.0.0.0/0"], groups: [] },
    { protocol: "tcp", ports: [443, 443], cidrs: ["0.0.0.0/0"], groups: [] },
  ]);
  assert.deepEqual(simplify(g("backend").IpPermissions), [{ protocol: "tcp", ports: [8080, 8080], cidrs: [], groups: [d.sg.frontend] }]);
  assert.deepEqual(simplify(g("database").IpPermissions), [{ protocol: "tcp", ports: [3306, 3306], cidrs: [], groups: [d.sg.backend] }]);
  assert.equal(g("database").IpPermissions![0].UserIdGroupPairs![0].UserId, account);
  for (const tier of TIERS) {
    assert.deepEqual(simplify(g(tier).IpPermissionsEgress), [{ protocol: "-1", ports: [undefined, undefined], cidrs: ["0.0.0.0/0"], groups: [] }]);
  }
  // The relationships are queryable: who may reach the database group?
  const toDb = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "ip-permission.group-id", Values: [d.sg.backend] }] }))).SecurityGroups!;
  assert.deepEqual(toDb.map((x) => x.GroupId), [d.sg.database]);
  const open = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [d.vpc] }, { Name: "ip-permission.cidr", Values: ["0.0.0.0/0"] }] }))).SecurityGroups!;
  assert.deepEqual(open.map((x) => x.GroupId), [d.sg.frontend]);

  // Network ACLs: each tier's entries in rule order, the * deny last in each direction, and
  // exactly its two subnets associated; the default ACL keeps no subnet.
  const acls = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [d.vpc] }] }))).NetworkAcls!;
  assert.equal(acls.length, 4);
  const def = acls.find((a) => a.IsDefault)!;
  assert.deepEqual(def.Associations, []);
  const entriesOf = (a: NetworkAcl, egress: boolean) =>
    a.Entries!.filter((e) => e.Egress === egress).map((e) => [e.RuleNumber, e.RuleAction, e.Protocol, e.PortRange?.From, e.PortRange?.To, e.CidrBlock]);
  for (const tier of TIERS) {
    const a = acls.find((x) => x.NetworkAclId === d.acl[tier])!;
    assert.equal(a.IsDefault, false);
    assert.deepEqual(a.Associations!.map((x) => x.SubnetId).sort(), [...d.subnets[tier]].sort(), `${tier} associations`);
    for (const egress of [false, true]) {
      const expected = NACL[tier]
        .filter((e) => e[0] === egress)
        .map(([, rule, from, to, cidr]): unknown[] => [rule, "allow", "6", from, to, cidr])
        .concat([[32767, "deny", "-1", undefined, undefined, "0.0.0.0/0"]]);
      assert.deepEqual(entriesOf(a, egress), expected, `${tier} ${egress ? "egress" : "ingress"}`);
    }
  }
  // Subnet → ACL lookups as a path engine would do them.
  const dbAcl = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [d.subnets.database[1]] }] }))).NetworkAcls!;
  assert.deepEqual(dbAcl.map((x) => x.NetworkAclId), [d.acl.database]);
  // Only the frontend ACL admits the Internet on 443.
  const https = (
    await ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [
          { Name: "vpc-id", Values: [d.vpc] },
          { Name: "entry.port-range.from", Values: ["443"] },
        ],
      }),
    )
  ).NetworkAcls!;
  assert.deepEqual(https.map((x) => x.NetworkAclId), [d.acl.frontend]);
};

const run = (cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((done) => {
    execFile(cmd, args, { env, encoding: "utf8", timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });

describe("three-tier architecture (seed article)", () => {
  let cb: Cloudbox;
  const client = (account: string) => new EC2Client({ ...cb.clientConfig, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  before(async () => {
    cb = await startCloudbox();
  });
  after(() => cb.stop());

  it("built through the SDK, described as the article states", async () => {
    const ec2 = client("111111111111");
    const d = await buildWithSdk(ec2, "tt-sdk");
    await verify(ec2, d, "111111111111");
    // Another account sees none of it.
    const other = client("222222222222");
    assert.deepEqual((await other.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [d.vpc] }] }))).SecurityGroups, []);
    assert.deepEqual((await other.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [d.vpc] }] }))).NetworkAcls, []);
  });

  it("built by examples/three-tier/deploy.sh with the AWS CLI v2", async () => {
    const cli = findAwsCliV2();
    assert.ok(cli, "AWS CLI v2 is required");
    const account = "333333333333";
    const out = await run(
      "bash",
      [SCRIPT, "tt-cli"],
      awsCliEnv({ PATH: `${dirname(cli)}:${process.env.PATH ?? "/usr/bin:/bin"}`, CLOUDBOX_ENDPOINT: cb.endpoint, AWS_ACCESS_KEY_ID: account, AWS_SECRET_ACCESS_KEY: "x" }),
    );
    assert.equal(out.code, 0, out.stderr);
    const ids = Object.fromEntries(
      out.stdout
        .trim()
        .split("\n")
        .map((l) => l.split("=") as [string, string]),
    );
    const d: Deployment = {
      vpc: ids.vpc,
      subnets: { frontend: ids.frontend_subnets.split(","), backend: ids.backend_subnets.split(","), database: ids.database_subnets.split(",") },
      sg: { frontend: ids.frontend_sg, backend: ids.backend_sg, database: ids.database_sg },
      acl: { frontend: ids.frontend_acl, backend: ids.backend_acl, database: ids.database_acl },
    };
    assert.match(d.vpc, /^vpc-/);
    await verify(client(account), d, account);
    // The tags the script set are there.
    const g = (await client(account).send(new DescribeSecurityGroupsCommand({ GroupIds: [d.sg.database] }))).SecurityGroups![0];
    assert.deepEqual(g.Tags?.find((t) => t.Key === "Name")?.Value, "tt-cli-database");
  });
});
