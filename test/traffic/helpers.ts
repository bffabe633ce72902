/**
 * Shared by the traffic tests: a Cloudbox, and the seed's three-tier architecture built through
 * the EC2 API, with one instance per tier.
 */
import "../helpers/env.js";
import {
  AuthorizeSecurityGroupIngressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  AssociateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  ReplaceNetworkAclAssociationCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before } from "node:test";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { awsCliEnv, findAwsCliV2 } from "../helpers/aws-cli.js";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

export const AMI = "ami-0123456789abcdef0";

export const startTrafficCloudbox = async (): Promise<Cloudbox> => startCloudbox();

export type Tier = "web" | "app" | "db";
export const TIERS: Tier[] = ["web", "app", "db"];
export const SUBNETS: Record<Tier, string> = { web: "10.0.1.0/24", app: "10.0.11.0/24", db: "10.0.21.0/24" };

/** [egress, rule number, from port, to port, cidr]: TCP allow (the seed's table, stateless: ephemeral replies allowed). */
export type Entry = [boolean, number, number, number, string];
export const NACL: Record<Tier, Entry[]> = {
  web: [
    [false, 100, 80, 80, "0.0.0.0/0"],
    [false, 110, 443, 443, "0.0.0.0/0"],
    [false, 120, 1024, 65535, SUBNETS.app],
    [true, 100, 1024, 65535, "0.0.0.0/0"],
    [true, 110, 8080, 8080, SUBNETS.app],
  ],
  app: [
    [false, 100, 8080, 8080, SUBNETS.web],
    [false, 120, 1024, 65535, SUBNETS.db],
    [true, 100, 1024, 65535, SUBNETS.web],
    [true, 120, 3306, 3306, SUBNETS.db],
  ],
  db: [
    [false, 100, 3306, 3306, SUBNETS.app],
    [true, 100, 1024, 65535, SUBNETS.app],
  ],
};

export interface ThreeTier {
  vpc: string;
  igw: string;
  subnet: Record<Tier, string>;
  sg: Record<Tier, string>;
  acl: Record<Tier, string>;
  instance: Record<Tier, string>;
  eni: Record<Tier, string>;
  ip: Record<Tier, string>;
  publicIp: Record<Tier, string | undefined>;
}

/** Builds the three tiers through the EC2 API: a public web subnet (IGW route), private app and db subnets. */
export const buildThreeTier = async (ec2: EC2Client, name: string): Promise<ThreeTier> => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  const subnet = {} as Record<Tier, string>;
  for (const t of TIERS) subnet[t] = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: SUBNETS[t], AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
  const publicRtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: publicRtb, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicRtb, SubnetId: subnet.web }));

  const sg = {} as Record<Tier, string>;
  for (const t of TIERS) sg[t] = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: `${name}-${t}`, Description: `${t} tier` }))).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sg.web,
      IpPermissions: [
        { IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      ],
    }),
  );
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg.app, IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: sg.web }] }] }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg.db, IpPermissions: [{ IpProtocol: "tcp", FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: sg.app }] }] }));

  const acl = {} as Record<Tier, string>;
  for (const t of TIERS) {
    acl[t] = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc }))).NetworkAcl!.NetworkAclId!;
    for (const [egress, rule, from, to, cidr] of NACL[t]) {
      await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl[t], Egress: egress, RuleNumber: rule, Protocol: "tcp", PortRange: { From: from, To: to }, CidrBlock: cidr, RuleAction: "allow" }));
    }
    const current = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnet[t]] }] }))).NetworkAcls![0];
    const assoc = current.Associations!.find((a) => a.SubnetId === subnet[t])!.NetworkAclAssociationId!;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: acl[t] }));
  }

  const instance = {} as Record<Tier, string>;
  const eni = {} as Record<Tier, string>;
  const ip = {} as Record<Tier, string>;
  const publicIp = {} as Record<Tier, string | undefined>;
  for (const t of TIERS) {
    const i = (
      await ec2.send(
        new RunInstancesCommand({
          ImageId: AMI,
          MinCount: 1,
          MaxCount: 1,
          InstanceType: "t3.micro",
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet[t], Groups: [sg[t]], AssociatePublicIpAddress: t === "web" }],
        }),
      )
    ).Instances![0];
    instance[t] = i.InstanceId!;
    eni[t] = i.NetworkInterfaces![0].NetworkInterfaceId!;
    ip[t] = i.PrivateIpAddress!;
    publicIp[t] = i.PublicIpAddress ?? i.NetworkInterfaces![0].Association?.PublicIp;
  }
  return { vpc, igw, subnet, sg, acl, instance, eni, ip, publicIp };
};

export interface ExampleRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The script's "name=value" verdict lines (names starting with analysis_ or probe_). */
  verdicts: Record<string, string>;
}

export interface ExampleOptions {
  /** The account the script acts as (AWS_ACCESS_KEY_ID); 000000000000 by default. */
  accessKeyId?: string;
}

/**
 * Runs an example script (examples/<name>/run.sh) with the AWS CLI v2 against a Cloudbox, with
 * test credentials and no user configuration (the CLI v2 directory first on PATH, then node's).
 */
export const runExample = (cb: Cloudbox, name: string, { accessKeyId = "000000000000" }: ExampleOptions = {}): Promise<ExampleRun> => {
  const cli = findAwsCliV2();
  assert.ok(cli, "AWS CLI v2 is required");
  const script = resolve(dirname(fileURLToPath(import.meta.url)), `../../examples/${name}/run.sh`);
  const env = awsCliEnv({
    PATH: `${dirname(cli)}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    CLOUDBOX_ENDPOINT: cb.endpoint,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: "x",
  });

  return new Promise((done) => {
    execFile("bash", [script], { env, encoding: "utf8", timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0;
      const verdicts = Object.fromEntries(
        stdout.split("\n").filter((l) => /^(analysis|probe)_[a-z0-9_]+=/.test(l)).map((l) => l.split("=") as [string, string]),
      );
      done({ code, stdout, stderr, verdicts });
    });
  });
};

/**
 * For a describe block: a Cloudbox started and examples/<name>/run.sh run against it before the
 * block's tests, the Cloudbox stopped after them. The handle gives both once the hook has run.
 */
export const exampleSuite = (name: string): { readonly cb: Cloudbox; readonly out: ExampleRun } => {
  let cb: Cloudbox;
  let out: ExampleRun;
  before(async () => {
    cb = await startTrafficCloudbox();
    out = await runExample(cb, name);
  });
  after(() => cb.stop());
  return {
    get cb() {
      return cb;
    },
    get out() {
      return out;
    },
  };
};

/** The script exited 0 and printed exactly these verdict lines. */
export const assertVerdicts = (out: ExampleRun, expected: Record<string, string>) => {
  assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
  assert.deepEqual(out.verdicts, expected);
};

/** The non-empty lines after the "flow log records" heading of a script's output. */
export const flowLogRecords = (out: ExampleRun): string[] => out.stdout.slice(out.stdout.indexOf("flow log records")).split("\n").slice(1).filter(Boolean);

/** The first group of re's match in a script's output (which must match). */
export const captured = (stdout: string, re: RegExp): string => {
  const m = re.exec(stdout);
  assert.ok(m, `${re} in\n${stdout}`);
  return m[1];
};
