/**
 * Step Functions benchmarks (issue 6's speed targets), run in process against a real Cloudbox with
 * the SDK v3 client, and the same definitions through the bare engine to show where time goes:
 *
 *  1. a chain of 1,000 Pass states (target > 20,000 state transitions/s in one process);
 *  2. an inline Map of 10,000 items, MaxConcurrency 0, over a Pass (target < 2 s);
 *  3. 1,000 concurrent executions of a 10-state machine (Pass, an aws-sdk:sts Task, a Wait of 0 s,
 *     a Choice, Succeed): executions/s and latency from StartExecution to SUCCEEDED;
 *  4. a distributed Map of 1,000 items over a Pass: STANDARD children (each a durable execution)
 *     and EXPRESS children (in memory), to show what a child execution costs.
 *
 * Standalone: `node --import tsx bench/scenarios/states-engine.ts` (prints a table; env
 * BENCH_STATES_EPHEMERAL=0 uses a temporary on-disk data directory instead of memory).
 * `statesScenarios` has bench/scenarios.ts's Scenario shape (one call = start an execution of the
 * 10-state machine and wait for it); registering it there is the bench owner's one-line change.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { startExecution, type JsonObject } from "../../src/engines/asl/index.js";

export interface Scenario {
  name: string;
  concurrency: number;
  makeCall(endpoint: string, clientIndex: number): () => Promise<unknown>;
}

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/bench`;

export const passChain = (n: number): JsonObject => {
  const States: JsonObject = {};
  for (let i = 0; i < n; i++) States[`P${i}`] = i === n - 1 ? { Type: "Pass", End: true } : { Type: "Pass", Next: `P${i + 1}` };
  return { StartAt: "P0", States };
};

export const bigMap: JsonObject = {
  StartAt: "M",
  States: {
    M: {
      Type: "Map",
      MaxConcurrency: 0,
      ItemsPath: "$.items",
      ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      End: true,
    },
  },
};

/** A distributed Map over $.items (no reader, batcher or writer) with children of the given type. */
export const distributedMap = (executionType: "STANDARD" | "EXPRESS"): JsonObject => ({
  StartAt: "M",
  States: {
    M: {
      Type: "Map",
      ItemsPath: "$.items",
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: executionType }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      End: true,
    },
  },
});

export const tenStates: JsonObject = {
  StartAt: "S1",
  States: {
    S1: { Type: "Pass", Result: { n: 1 }, ResultPath: "$.a", Next: "S2" },
    S2: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sts:getCallerIdentity", Parameters: {}, ResultSelector: { "acct.$": "$.Account" }, ResultPath: "$.who", Next: "S3" },
    S3: { Type: "Pass", Next: "S4" },
    S4: { Type: "Wait", Seconds: 0, Next: "S5" },
    S5: { Type: "Pass", Next: "S6" },
    S6: { Type: "Choice", Choices: [{ Variable: "$.a.n", NumericEquals: 1, Next: "S7" }], Default: "S10" },
    S7: { Type: "Pass", Next: "S8" },
    S8: { Type: "Pass", Next: "S9" },
    S9: { Type: "Pass", Next: "S10" },
    S10: { Type: "Succeed" },
  },
};

const ports = { now: () => Date.now(), newId: () => randomUUID(), random: () => Math.random() };
const ctx = (name: string) => ({
  executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:bench:${name}`,
  name,
  stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:bench`,
  stateMachineName: "bench",
  roleArn: ROLE,
});

const client = (endpoint: string) =>
  new SFNClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1 });

const create = async (sfn: SFNClient, definition: JsonObject) =>
  (await sfn.send(new CreateStateMachineCommand({ name: `bench-${randomUUID().slice(0, 8)}`, definition: JSON.stringify(definition), roleArn: ROLE }))).stateMachineArn!;

const waitDone = async (sfn: SFNClient, executionArn: string) => {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== "RUNNING") return d;
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** One call: start the 10-state machine and wait for SUCCEEDED. */
export const statesScenarios: Scenario[] = (() => {
  const machines = new Map<string, Promise<string>>();
  const makeCall = (endpoint: string) => {
    const sfn = client(endpoint);
    if (!machines.has(endpoint)) machines.set(endpoint, create(sfn, tenStates));
    return async () => {
      const arn = await machines.get(endpoint)!;
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: "{}" }));
      const d = await waitDone(sfn, executionArn!);
      if (d.status !== "SUCCEEDED") throw new Error(`execution ${d.status}: ${d.cause}`);
    };
  };
  return [{ name: "states 10-state execution to SUCCEEDED", concurrency: 16, makeCall }];
})();

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const main = async () => {
  const { createCloudbox } = await import("../../src/runtime/index.js");
  const ephemeral = process.env.BENCH_STATES_EPHEMERAL !== "0";
  const dataDir = ephemeral ? undefined : mkdtempSync(join(tmpdir(), "cloudbox-bench-sfn-"));
  const cb = await createCloudbox({ port: 0, ephemeral, dataDir, logLevel: "silent" });
  const sfn = client(cb.endpoint);
  const rows: [string, string, string][] = [];
  try {
    // 1. Pass chain: engine alone, then through the service (HTTP + commit of state and history).
    const chain = passChain(1000);
    let t0 = process.hrtime.bigint();
    const R = 20;
    for (let i = 0; i < R; i++) await startExecution(chain, { i }, ctx(`c${i}`), ports);
    const engineChain = ms(t0) / R;
    const chainArn = await create(sfn, chain);
    await waitDone(sfn, (await sfn.send(new StartExecutionCommand({ stateMachineArn: chainArn, input: "{}" }))).executionArn!); // warm-up
    t0 = process.hrtime.bigint();
    for (let i = 0; i < R; i++) {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: chainArn, input: JSON.stringify({ i }) }));
      await waitDone(sfn, executionArn!);
    }
    const serviceChain = ms(t0) / R;
    rows.push(["1,000 Pass chain: engine only", `${engineChain.toFixed(1)} ms/execution`, `${Math.round(1000 / (engineChain / 1000)).toLocaleString()} transitions/s`]);
    rows.push(["1,000 Pass chain: StartExecution -> SUCCEEDED", `${serviceChain.toFixed(1)} ms/execution`, `${Math.round(1000 / (serviceChain / 1000)).toLocaleString()} transitions/s (target > 20,000)`]);

    // 2. Map of 10,000 items, MaxConcurrency 0.
    const items = Array.from({ length: 10_000 }, (_, i) => ({ i }));
    t0 = process.hrtime.bigint();
    await startExecution(bigMap, { items }, ctx("map"), ports);
    const engineMap = ms(t0);
    const mapArn = await create(sfn, bigMap);
    t0 = process.hrtime.bigint();
    const { executionArn: mapExec } = await sfn.send(new StartExecutionCommand({ stateMachineArn: mapArn, input: JSON.stringify({ items }) }));
    const mapDone = await waitDone(sfn, mapExec!);
    const serviceMap = ms(t0);
    rows.push(["Map 10,000 items, MaxConcurrency 0: engine only", `${engineMap.toFixed(0)} ms`, ""]);
    rows.push(["Map 10,000 items: StartExecution -> SUCCEEDED", `${serviceMap.toFixed(0)} ms`, `${mapDone.status} (target < 2,000 ms)`]);

    // 3. 1,000 concurrent executions of the 10-state machine.
    const tenArn = await create(sfn, tenStates);
    const N = 1000;
    const clients = Array.from({ length: 16 }, () => client(cb.endpoint));
    t0 = process.hrtime.bigint();
    const starts = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const s0 = process.hrtime.bigint();
        const r = await clients[i % clients.length].send(new StartExecutionCommand({ stateMachineArn: tenArn, input: "{}" }));
        return { arn: r.executionArn!, s0 };
      }),
    );
    const startedMs = ms(t0);
    // Completion is read from the store (one query every 10 ms), not by 1,000 DescribeExecution pollers.
    const running = () => cb.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM sfn_executions WHERE machine_arn = ? AND status = 'RUNNING'`, [tenArn])!.n;
    while (running() > 0) await new Promise((r) => setTimeout(r, 10));
    const all = ms(t0);
    const bad = cb.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM sfn_executions WHERE machine_arn = ? AND status != 'SUCCEEDED'`, [tenArn])!.n;
    const lat = starts.map(({ arn }) => {
      const r = cb.store.get<{ start_ms: number; stop_ms: number }>(`SELECT start_ms, stop_ms FROM sfn_executions WHERE arn = ?`, [arn])!;
      return r.stop_ms - r.start_ms;
    });
    rows.push([`${N} concurrent executions, 10 states`, `${all.toFixed(0)} ms total (${startedMs.toFixed(0)} ms to start all)`, `${Math.round(N / (all / 1000))} executions/s, ${Math.round((N * 10) / (all / 1000))} transitions/s${bad ? `, ${bad} not SUCCEEDED` : ""}`]);
    rows.push(["  execution time (start_ms -> stop_ms)", `p50 ${pct(lat, 50).toFixed(0)} ms`, `p99 ${pct(lat, 99).toFixed(0)} ms`]);
    for (const c of clients) c.destroy();

    // 4. Distributed Map of 1,000 items: one child execution per item.
    const dItems = Array.from({ length: 1000 }, (_, i) => ({ i }));
    for (const type of ["STANDARD", "EXPRESS"] as const) {
      const arn = await create(sfn, distributedMap(type));
      t0 = process.hrtime.bigint();
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ items: dItems }) }));
      const d = await waitDone(sfn, executionArn!);
      const took = ms(t0);
      rows.push([`Distributed Map 1,000 items, ${type} children`, `${took.toFixed(0)} ms`, `${d.status}, ${Math.round(1000 / (took / 1000))} children/s`]);
    }
  } finally {
    sfn.destroy();
    await cb.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  console.log(`Step Functions (${ephemeral ? "in-memory store" : "on-disk store"}, node ${process.version})`);
  for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`);
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
