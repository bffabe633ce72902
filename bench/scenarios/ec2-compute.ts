/**
 * `npm run bench` scenarios for issue 3's speed targets (p50 under 20 ms):
 * - DescribeInstances with a tag filter over 10,000 instances (account 123456789012, seeded
 *   through the SDK with RunInstances MaxCount=500 batches into one /16 subnet; every batch of
 *   100 instances carries tag team=team-<k>, and one instance carries a unique tag):
 *     "…tag filter, 1 match" (tag:Name=needle) and "…tag filter, 100 matches" (tag:team=team-42);
 * - DescribeSecurityGroups over 2,000 groups (same account and VPC, CreateSecurityGroup through
 *   the SDK): "…group-name filter, 1 match" and "…tag filter, 1 match".
 *
 * Seeding happens once per endpoint, on the first call of the first scenario (the harness's
 * warm-up awaits it; measurements start after it). Scenarios follow bench/scenarios.ts's
 * Scenario shape. To register them, bench/scenarios.ts would add:
 *     import { ec2ComputeScenarios } from "./scenarios/ec2-compute.js";
 *     ... export const scenarios: Scenario[] = [..., ...ec2ComputeScenarios];
 * Standalone: `node --import tsx bench/scenarios/ec2-compute.ts` starts an in-process Cloudbox,
 * seeds, measures each scenario for BENCH_SECONDS (default 5) and prints p50/p99.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";

export interface Scenario {
  name: string;
  concurrency: number;
  makeCall(endpoint: string, clientIndex: number): () => Promise<unknown>;
}

export const BENCH_ACCOUNT = "123456789012";
export const INSTANCES = Number(process.env.BENCH_EC2_INSTANCES ?? 10_000);
export const SECURITY_GROUPS = Number(process.env.BENCH_EC2_SECURITY_GROUPS ?? 2_000);
const BATCH = 500;
const TEAM_SIZE = 100;

const client = (endpoint: string) =>
  new EC2Client({ endpoint, region: "us-east-1", credentials: { accessKeyId: BENCH_ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1 });

export interface SeedReport {
  instances: number;
  securityGroups: number;
  instanceSeconds: number;
  groupSeconds: number;
}

const seeds = new Map<string, Promise<SeedReport>>();

/** Seeds the account once per endpoint. */
export const seed = (endpoint: string): Promise<SeedReport> => {
  let p = seeds.get(endpoint);
  if (!p) {
    p = doSeed(endpoint);
    seeds.set(endpoint, p);
  }
  return p;
};

const doSeed = async (endpoint: string): Promise<SeedReport> => {
  const ec2 = client(endpoint);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.0.0/16", AvailabilityZone: "us-east-1a" }))).Subnet!.SubnetId!;
  const t0 = performance.now();
  let launched = 0;
  let first: string | undefined;
  while (launched < INSTANCES) {
    const n = Math.min(BATCH, INSTANCES - launched);
    // One RunInstances per team so that every instance of a call shares its team tag.
    const calls: Array<Promise<unknown>> = [];
    for (let off = 0; off < n; off += TEAM_SIZE) {
      const k = (launched + off) / TEAM_SIZE;
      const count = Math.min(TEAM_SIZE, n - off);
      calls.push(
        ec2
          .send(
            new RunInstancesCommand({
              ImageId: "ami-0123456789abcdef0",
              InstanceType: "t3.micro",
              MinCount: count,
              MaxCount: count,
              SubnetId: subnetId,
              TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "team", Value: `team-${k}` }, { Key: "bench", Value: "yes" }] }],
            }),
          )
          .then((r) => {
            first ??= r.Instances![0].InstanceId;
          }),
      );
    }
    await Promise.all(calls);
    launched += n;
  }
  await ec2.send(new CreateTagsCommand({ Resources: [first!], Tags: [{ Key: "Name", Value: "needle" }] }));
  const instanceSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  for (let i = 0; i < SECURITY_GROUPS; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, SECURITY_GROUPS - i) }, (_, j) =>
        ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: `bench-sg-${i + j}`,
            Description: "bench",
            VpcId: vpcId,
            TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "sg", Value: `sg-${i + j}` }] }],
          }),
        ),
      ),
    );
  }
  const groupSeconds = (performance.now() - t1) / 1000;
  ec2.destroy();
  return { instances: INSTANCES, securityGroups: SECURITY_GROUPS, instanceSeconds, groupSeconds };
};

const seeded = (endpoint: string, makeRequest: (ec2: EC2Client) => () => Promise<unknown>) => {
  const ec2 = client(endpoint);
  const call = makeRequest(ec2);
  let ready = false;
  return async () => {
    if (!ready) {
      await seed(endpoint);
      ready = true;
    }
    return call();
  };
};

const expectCount = (want: number, got: number, what: string) => {
  if (got !== want) throw new Error(`${what}: expected ${want} results, got ${got}`);
};

export const ec2ComputeScenarios: Scenario[] = [
  {
    name: `ec2 DescribeInstances tag filter, 1 match (${INSTANCES} instances)`,
    concurrency: 1,
    makeCall: (endpoint) =>
      seeded(endpoint, (ec2) => {
        const cmd = new DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["needle"] }] });
        return async () => expectCount(1, (await ec2.send(cmd)).Reservations!.flatMap((r) => r.Instances!).length, "DescribeInstances needle");
      }),
  },
  {
    name: `ec2 DescribeInstances tag filter, 100 matches (${INSTANCES} instances)`,
    concurrency: 1,
    makeCall: (endpoint) =>
      seeded(endpoint, (ec2) => {
        const cmd = new DescribeInstancesCommand({ Filters: [{ Name: "tag:team", Values: ["team-42"] }] });
        return async () => expectCount(TEAM_SIZE, (await ec2.send(cmd)).Reservations!.flatMap((r) => r.Instances!).length, "DescribeInstances team-42");
      }),
  },
  {
    name: `ec2 DescribeSecurityGroups group-name filter, 1 match (${SECURITY_GROUPS} groups)`,
    concurrency: 1,
    makeCall: (endpoint) =>
      seeded(endpoint, (ec2) => {
        const cmd = new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: [`bench-sg-${Math.floor(SECURITY_GROUPS * 0.617)}`] }] });
        return async () => expectCount(1, (await ec2.send(cmd)).SecurityGroups!.length, "DescribeSecurityGroups group-name");
      }),
  },
  {
    name: `ec2 DescribeSecurityGroups tag filter, 1 match (${SECURITY_GROUPS} groups)`,
    concurrency: 1,
    makeCall: (endpoint) =>
      seeded(endpoint, (ec2) => {
        const cmd = new DescribeSecurityGroupsCommand({ Filters: [{ Name: "tag:sg", Values: [`sg-${Math.floor(SECURITY_GROUPS * 0.389)}`] }] });
        return async () => expectCount(1, (await ec2.send(cmd)).SecurityGroups!.length, "DescribeSecurityGroups tag");
      }),
  },
];

// ---------------------------------------------------------------------------------------------
// Standalone run: in-process Cloudbox, same measurement as bench/run.ts (p50/p99 over N seconds).

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const standalone = async () => {
  const { createCloudbox } = await import("../../src/runtime/index.js");
  const cb = await createCloudbox({ port: 0, ephemeral: true, logLevel: "warn" });
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  try {
    const t = performance.now();
    const report = await seed(cb.endpoint);
    console.log(
      `seeded ${report.instances} instances in ${report.instanceSeconds.toFixed(1)} s and ${report.securityGroups} security groups in ${report.groupSeconds.toFixed(1)} s (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
    const rows: Array<Record<string, unknown>> = [];
    for (const s of ec2ComputeScenarios) {
      const call = s.makeCall(cb.endpoint, 0);
      for (let i = 0; i < 20; i++) await call();
      const lat: number[] = [];
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        const t0 = performance.now();
        await call();
        lat.push(performance.now() - t0);
      }
      lat.sort((a, b) => a - b);
      rows.push({ scenario: s.name, requests: lat.length, "p50 ms": +percentile(lat, 50).toFixed(2), "p99 ms": +percentile(lat, 99).toFixed(2) });
    }
    console.table(rows);
  } finally {
    await cb.stop();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await standalone();
