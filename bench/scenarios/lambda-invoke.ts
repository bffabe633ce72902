/**
 * `npm run bench` scenarios for issue 5's speed targets (Lambda):
 *   - "lambda Invoke echo (warm)" x1: warm invoke latency of a Node.js echo function (target p50
 *     under 3 ms, p99 under 15 ms);
 *   - "lambda Invoke echo (warm)" x16: invocations per second with 16 concurrent callers (the
 *     function runs at most 10 environments locally, so callers queue);
 *   - cold start (target under 250 ms): measured by the standalone run below, as the first Invoke
 *     of a newly created function (unzip, runtime process start, handler import, the invoke).
 * Seeding (one echo function per endpoint, in account 123456789012) happens on the first call of
 * the first scenario, inside the harness's warm-up.
 *
 * bench/scenarios.ts loads them (EXTRA_GROUPS); `BENCH_ONLY=lambda npm run bench` runs just these.
 * What a warm invocation costs, on this machine, is mostly socket writes that wake another
 * process: client to Cloudbox, Cloudbox to the runtime (the event), the runtime back (its answer,
 * which carries its next GET /next, pipelined), Cloudbox to the client. The standalone run reports
 * CPU per request of Cloudbox and of the runtime processes, which show such costs better than
 * latency on a busy machine.
 * Standalone: `node --import tsx bench/scenarios/lambda-invoke.ts` starts Cloudbox from src/ in
 * its own process (so client and server do not share a thread, as with `npm run bench`), then
 * measures each scenario for BENCH_SECONDS (default 5) and BENCH_COLD (default 15) cold starts.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";

export interface Scenario {
  name: string;
  concurrency: number;
  makeCall(endpoint: string, clientIndex: number): () => Promise<unknown>;
}

export const BENCH_ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${BENCH_ACCOUNT}:role/bench`;
const ECHO = "bench-echo";

const client = (endpoint: string) =>
  new LambdaClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: BENCH_ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1 });

// A one-file zip (stored name, deflated data) without a dependency.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
export const oneFileZip = (name: string, text: string): Buffer => {
  const data = Buffer.from(text);
  const body = deflateRawSync(data);
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc32(data), 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + body.length, 16);
  return Buffer.concat([local, n, body, central, n, end]);
};

const ECHO_CODE = "export const handler = async (event) => event;";

export const createEcho = (lambda: LambdaClient, name: string) =>
  lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Role: ROLE,
      Code: { ZipFile: oneFileZip("index.mjs", ECHO_CODE) },
    }),
  );

const seeds = new Map<string, Promise<void>>();
const seed = (endpoint: string): Promise<void> => {
  let p = seeds.get(endpoint);
  if (!p) {
    p = (async () => {
      const lambda = client(endpoint);
      await createEcho(lambda, ECHO).catch((e: Error) => {
        if (e.name !== "ResourceConflictException") throw e;
      });
      await lambda.send(new InvokeCommand({ FunctionName: ECHO, Payload: Buffer.from("{}") }));
      lambda.destroy();
    })();
    seeds.set(endpoint, p);
  }
  return p;
};

const echoCall = (endpoint: string, i: number) => {
  const lambda = client(endpoint);
  const command = new InvokeCommand({ FunctionName: ECHO, Payload: Buffer.from(JSON.stringify({ client: i })) });
  return async () => {
    await seed(endpoint);
    const r = await lambda.send(command);
    if (r.FunctionError) throw new Error(`function error: ${Buffer.from(r.Payload ?? []).toString()}`);
  };
};

export const lambdaScenarios: Scenario[] = [
  { name: "lambda Invoke echo (warm)", concurrency: 1, makeCall: echoCall },
  { name: "lambda Invoke echo (warm)", concurrency: 16, makeCall: echoCall },
];

// -------------------------------------------------------------------------------------------
// Standalone

/** CPU time (user + system, ms) of a process, and of its live children (the runtime processes). */
const cpuOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
};
const childrenCpu = (ppid: number): number => {
  let total = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[1]) === ppid) total += ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      // gone
    }
  }
  return total;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const r2 = (n: number) => Math.round(n * 100) / 100;

const standalone = async () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const colds = Number(process.env.BENCH_COLD ?? 15);
  const server = spawn(
    process.execPath,
    ["--import", "tsx", "-e", `import("${join(root, "src/runtime/index.ts")}").then(async (m) => { const cb = await m.createCloudbox({ port: 0, ephemeral: true, logLevel: "warn" }); console.log("Cloudbox listening on " + cb.endpoint); process.on("SIGTERM", () => cb.stop().then(() => process.exit(0))); })`],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
  );
  const endpoint = await new Promise<string>((res, rej) => {
    let out = "";
    server.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /Cloudbox listening on (\S+)/.exec(out);
      if (m) res(m[1]);
    });
    server.once("exit", (c) => rej(new Error(`server exited ${c}`)));
  });
  try {
    const results: Record<string, unknown>[] = [];
    // A baseline on the same server: the cheapest SDK round trip (what the gateway itself costs).
    const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
    const baseline: Scenario = {
      name: "baseline: sts GetCallerIdentity",
      concurrency: 1,
      makeCall: (ep) => {
        const sts = new STSClient({ endpoint: ep, region: "us-east-1", credentials: { accessKeyId: BENCH_ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1 });
        const cmd = new GetCallerIdentityCommand({});
        return () => sts.send(cmd);
      },
    };
    for (const s of [baseline, ...lambdaScenarios]) {
      const calls = Array.from({ length: s.concurrency }, (_, i) => s.makeCall(endpoint, i));
      const warmEnd = performance.now() + 1000;
      await Promise.all(calls.map(async (c) => { while (performance.now() < warmEnd) await c(); }));
      const lat: number[] = [];
      let errors = 0;
      const serverCpu0 = cpuOf(server.pid!);
      const envCpu0 = childrenCpu(server.pid!);
      const start = performance.now();
      const deadline = start + seconds * 1000;
      await Promise.all(
        calls.map(async (c) => {
          while (performance.now() < deadline) {
            const t = performance.now();
            try {
              await c();
            } catch {
              errors++;
            }
            lat.push(performance.now() - t);
          }
        }),
      );
      const secs = (performance.now() - start) / 1000;
      lat.sort((a, b) => a - b);
      const serverUs = ((cpuOf(server.pid!) - serverCpu0) * 1000) / lat.length;
      const envUs = ((childrenCpu(server.pid!) - envCpu0) * 1000) / lat.length;
      results.push({ scenario: s.name, clients: s.concurrency, requests: lat.length, errors, "req/s": Math.round(lat.length / secs), "p50 ms": r2(percentile(lat, 50)), "p99 ms": r2(percentile(lat, 99)), "max ms": r2(lat[lat.length - 1]), "server CPU µs/req": Math.round(serverUs), "runtime CPU µs/req": Math.round(envUs) });
    }
    const lambda = client(endpoint);
    const cold: number[] = [];
    for (let i = 0; i < colds; i++) {
      const name = `bench-cold-${Date.now()}-${i}`;
      await createEcho(lambda, name);
      const t = performance.now();
      const r = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from("{}") }));
      cold.push(performance.now() - t);
      if (r.FunctionError) throw new Error("cold start failed");
    }
    lambda.destroy();
    cold.sort((a, b) => a - b);
    results.push({ scenario: "lambda cold start (first Invoke of a new function)", clients: 1, requests: cold.length, errors: 0, "req/s": "-", "p50 ms": r2(percentile(cold, 50)), "p99 ms": r2(percentile(cold, 99)), "max ms": r2(cold[cold.length - 1]) });
    console.table(results);
    console.log(`load average ${loadavg().map((n) => n.toFixed(2)).join(" ")} on this machine during the run`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    server.kill("SIGKILL");
  }
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await standalone();
