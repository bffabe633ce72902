/**
 * Issue 4's speed targets: evaluating a flow in a network of 200 VPCs, 2,000 security groups with
 * 20,000 rules and 500 network ACLs — under 1 ms per flow after warm-up, and 10,000 flows per
 * second sustained with flow logs on.
 *
 * Three measurements (standalone: `node --import tsx bench/scenarios/traffic-flows.ts`;
 * BENCH_SECONDS, default 5, bounds each timed loop):
 * 1. engine: the network built by the engine's seeded generator (the bench may build it directly,
 *    per the issue), compiled once; random flows after 2,000 warm-up flows: p50/p99 per flow, flows/s;
 * 2. engine + flow logs: the same flows, each also turned into its per-interface records
 *    (recordsOf) and buffered into one ALL flow log per VPC (FlowLogWriter.write formats every
 *    record line; delivery happens per aggregation window, not per flow, and is not in the loop);
 * 3. service: POST /_cloudbox/probe over HTTP against an in-process Cloudbox holding the seed's
 *    three-tier network built through the EC2 API, with a VPC flow log to CloudWatch Logs: the
 *    whole path (HTTP, JSON, version check, evaluation, records) per probe, one client at a time.
 * `trafficScenarios` exposes (3) in bench/scenarios.ts's Scenario shape for `npm run bench` once
 * the EC2 service carries the traffic family's internalRoute hook.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { performance } from "node:perf_hooks";
import { CreateFlowLogsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { compileNetwork, generateFlows, generateNetwork, mulberry32 } from "../../src/engines/reachability/index.js";
import { NetworkIndex } from "../../src/services/ec2/traffic/components.js";
import { FlowLogWriter, fieldsOf, type FlowLogConfig } from "../../src/services/ec2/traffic/flow-logs.js";
import { recordsOf } from "../../src/services/ec2/traffic/flow-records.js";

export interface Scenario {
  name: string;
  concurrency: number;
  makeCall(endpoint: string, clientIndex: number): () => Promise<unknown>;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const quantiles = (xs: number[]) => {
  xs.sort((a, b) => a - b);
  const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  return { p50: q(0.5), p99: q(0.99) };
};

export const engineBench = () => {
  const rng = mulberry32(2026);
  const b0 = performance.now();
  const network = generateNetwork(rng, { vpcs: 200, securityGroupsPerVpc: 10, rulesPerSecurityGroup: 10, customNaclsPerVpc: 1.5, interfacesPerSubnet: 5, regions: ["us-east-1", "eu-west-1"] });
  const buildMs = performance.now() - b0;
  const rules = network.securityGroups.reduce((n, g) => n + g.ingress.length + g.egress.length, 0);
  const flows = generateFlows(rng, network, 50_000);
  const c0 = performance.now();
  const compiled = compileNetwork(network);
  const compileMs = performance.now() - c0;
  const ix = new NetworkIndex(network);
  for (const f of flows.slice(0, 2000)) compiled.evaluate(f);

  const timed = (perFlow: (i: number) => void) => {
    const each: number[] = [];
    const until = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let n = 0;
    while (performance.now() < until && n < flows.length - 2000) {
      const s = performance.now();
      perFlow(2000 + n);
      each.push(performance.now() - s);
      n++;
    }
    const total = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuUsPerFlow = (cpu.user + cpu.system) / n;
    // Wall-clock figures suffer on a shared machine; CPU per flow gives the sustainable rate.
    return { flows: n, flowsPerSecond: Math.round((n / total) * 1000), cpuUsPerFlow: Math.round(cpuUsPerFlow * 10) / 10, cpuFlowsPerSecond: Math.round(1e6 / cpuUsPerFlow), ...quantiles(each) };
  };

  const engine = timed((i) => compiled.evaluate(flows[i]!));

  // One ALL flow log (default format) per VPC; a clock that never fires (windows stay open).
  const logs = new Map<string, FlowLogConfig[]>();
  const { fields, isDefault } = fieldsOf(undefined);
  network.vpcs.forEach((v, k) =>
    logs.set(v.id, [{ FlowLogId: `fl-bench${k}`, ResourceId: v.id, TrafficType: "ALL", LogDestinationType: "cloud-watch-logs", LogGroupName: "bench", MaxAggregationInterval: 600, accountId: v.accountId ?? "111111111111", region: v.region ?? "us-east-1", fields, isDefaultFormat: isDefault }]),
  );
  const runtime = {
    store: undefined as never,
    clock: { now: () => 1_800_000_000_000, schedule: () => () => {} },
    log: { warn: () => {} } as never,
    sdkConfig: () => { throw new Error("no delivery in the bench"); },
  };
  const writer = new FlowLogWriter(runtime, () => logs);
  let records = 0;
  const withLogs = timed((i) => {
    const r = compiled.evaluate(flows[i]!);
    records += writer.write(recordsOf(ix, r, 1_800_000_000_000, 10), 1_800_000_000_000).length;
  });
  return {
    network: { vpcs: network.vpcs.length, subnets: network.subnets.length, enis: network.networkInterfaces.length, securityGroups: network.securityGroups.length, rules, networkAcls: network.networkAcls.length },
    buildMs: Math.round(buildMs),
    compileMs: Math.round(compileMs),
    engine,
    withFlowLogs: { ...withLogs, recordsPerFlow: Math.round((records / withLogs.flows) * 100) / 100 },
  };
};

/** Seeds the three-tier network once per endpoint (through the EC2 API), with a VPC flow log. */
const seeds = new Map<string, Promise<{ web: string; app: string }>>();
const seedThreeTier = (endpoint: string) => {
  let p = seeds.get(endpoint);
  if (!p) {
    p = (async () => {
      const { buildThreeTier } = await import("../../test/traffic/helpers.js");
      const ec2 = new EC2Client({ endpoint, region: "us-east-1", credentials: { accessKeyId: "000000000000", secretAccessKey: "x" }, maxAttempts: 1 });
      const t = await buildThreeTier(ec2, `bench-${Date.now()}`);
      await ec2.send(new CreateFlowLogsCommand({ ResourceType: "VPC", ResourceIds: [t.vpc], TrafficType: "ALL", LogGroupName: "bench-flow-logs", DeliverLogsPermissionArn: "arn:aws:iam::000000000000:role/fl" }));
      return { web: t.instance.web, app: t.instance.app };
    })();
    seeds.set(endpoint, p);
  }
  return p;
};

const probeCall = (endpoint: string) => async () => {
  const t = await seedThreeTier(endpoint);
  const res = await fetch(`${endpoint}/_cloudbox/probe`, { method: "POST", body: JSON.stringify({ from: t.web, to: t.app, port: 8080, packets: 10 }) });
  if (!res.ok) throw new Error(`probe: HTTP ${res.status}`);
  return res.json();
};

export const trafficScenarios: Scenario[] = [
  { name: "traffic: POST /_cloudbox/probe (three-tier, VPC flow log on), 1 client", concurrency: 1, makeCall: (e) => probeCall(e) },
  { name: "traffic: POST /_cloudbox/probe (three-tier, VPC flow log on), 8 clients", concurrency: 8, makeCall: (e) => probeCall(e) },
];

const serviceBench = async () => {
  const { startTrafficCloudbox } = await import("../../test/traffic/helpers.js");
  const cb = await startTrafficCloudbox();
  try {
    const call = probeCall(cb.endpoint);
    for (let i = 0; i < 200; i++) await call();
    const each: number[] = [];
    const until = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    while (performance.now() < until) {
      const s = performance.now();
      await call();
      each.push(performance.now() - s);
    }
    const total = performance.now() - t0;
    return { probes: each.length, probesPerSecond: Math.round((each.length / total) * 1000), ...quantiles(each) };
  } finally {
    await cb.stop();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const fmt = (x: number) => `${(x * 1000).toFixed(1)} µs`;
  const e = engineBench();
  console.log(`network: ${JSON.stringify(e.network)} (generated in ${e.buildMs} ms, compiled in ${e.compileMs} ms)`);
  console.log(`engine:             ${e.engine.flows} flows, ${e.engine.flowsPerSecond} flows/s, p50 ${fmt(e.engine.p50)}, p99 ${fmt(e.engine.p99)}, CPU ${e.engine.cpuUsPerFlow} µs/flow = ${e.engine.cpuFlowsPerSecond} flows/s per core   (target < 1 ms/flow)`);
  console.log(`engine + flow logs: ${e.withFlowLogs.flows} flows, ${e.withFlowLogs.flowsPerSecond} flows/s, p50 ${fmt(e.withFlowLogs.p50)}, p99 ${fmt(e.withFlowLogs.p99)}, CPU ${e.withFlowLogs.cpuUsPerFlow} µs/flow = ${e.withFlowLogs.cpuFlowsPerSecond} flows/s per core, ${e.withFlowLogs.recordsPerFlow} records/flow   (target 10,000 flows/s)`);
  const s = await serviceBench();
  console.log(`service (HTTP probe): ${s.probes} probes, ${s.probesPerSecond} probes/s, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
}
