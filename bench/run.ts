/**
 * `npm run bench`: Cloudbox's startup time, throughput, latency and memory, measured on the
 * compiled build as users run it (`node bin/cloudbox.js start --port 0 --ephemeral`).
 *
 *   1. builds (npm run build) when dist/ is missing or older than src/;
 *   2. spawns the server; time to the first successful GET /_cloudbox/health, and to the first
 *      EC2 DescribeAvailabilityZones served through the SDK (both from spawn);
 *   3. runs each scenario of scenarios.ts (and its groups in bench/scenarios/; BENCH_ONLY=word,...
 *      to select) for BENCH_SECONDS (default 5) after a short warm-up (which also awaits a
 *      group's seeding), at most BENCH_MAX_REQUESTS (default 200000) requests: requests/s, p50,
 *      p99, and the server's and the client's CPU per request;
 *   4. the server's resident memory (VmRSS) after start and after the load.
 * Prints a table and writes bench/results/<date>.json. Targets are reported, never enforced.
 * Note: the SDK clients run in this process on the same machine, so client CPU counts against
 * the server's figures (on 2 cores, roughly one core each).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { waitForListening } from "../test/helpers/server-process.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 200_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 500);

const TARGETS = {
  healthMs: 150,
  firstEc2Ms: 500,
  azsPerSecond16: 5000,
  p99Ms: 10,
  idleRssMb: 100,
};

// ---------------------------------------------------------------------------------------------
// Build

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
};

const ensureBuild = (): { ok: boolean; note: string } => {
  const main = join(ROOT, "dist/src/cli/main.js");
  const fresh = existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(ROOT, "src"));
  if (fresh) return { ok: true, note: "dist up to date" };
  console.log("Building (npm run build)...");
  try {
    execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
    return { ok: true, note: "built" };
  } catch {
    // tsc emits even with type errors; a usable dist may still be there.
    if (existsSync(main)) return { ok: true, note: "build reported errors; using the emitted dist" };
    return { ok: false, note: "build failed" };
  }
};

// ---------------------------------------------------------------------------------------------
// Measurements

const rssMb = (pid: number): number | undefined => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
};

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat. */
const cpuMs = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the command: state(3) ... utime(14) stime(15), so index 11 and 12 here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
};

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface ScenarioResult {
  name: string;
  concurrency: number;
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server CPU per request (µs): independent of what else runs on the machine. */
  serverCpuUsPerRequest?: number;
  /** Client (this process) CPU per request (µs). */
  clientCpuUsPerRequest: number;
}

const runScenario = async (scenario: import("./scenarios.js").Scenario, endpoint: string, serverPid: number): Promise<ScenarioResult> => {
  const calls = Array.from({ length: scenario.concurrency }, (_, i) => scenario.makeCall(endpoint, i));
  // Warm-up: connections, JIT, model caches.
  const warmEnd = performance.now() + WARMUP_MS;
  await Promise.all(calls.map(async (call) => {
    while (performance.now() < warmEnd) await call().catch(() => undefined);
  }));
  const latencies = new Float64Array(MAX_REQUESTS);
  let count = 0;
  let errors = 0;
  let firstError: string | undefined;
  const serverCpuBefore = cpuMs(serverPid);
  const clientCpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  await Promise.all(
    calls.map(async (call) => {
      while (count < MAX_REQUESTS && performance.now() < deadline) {
        const t = performance.now();
        try {
          await call();
        } catch (e) {
          errors++;
          firstError ??= `${(e as Error).name}: ${(e as Error).message}`;
        }
        if (count < MAX_REQUESTS) latencies[count++] = performance.now() - t;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const serverCpuAfter = cpuMs(serverPid);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const sorted = latencies.subarray(0, count).sort();
  return {
    name: scenario.name,
    concurrency: scenario.concurrency,
    requests: count,
    errors,
    firstError,
    seconds: round(seconds),
    requestsPerSecond: Math.round(count / seconds),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
    serverCpuUsPerRequest:
      serverCpuBefore !== undefined && serverCpuAfter !== undefined && count > 0 ? Math.round(((serverCpuAfter - serverCpuBefore) * 1000) / count) : undefined,
    clientCpuUsPerRequest: count > 0 ? Math.round((clientCpu.user + clientCpu.system) / count) : 0,
  };
};

const health = async (endpoint: string): Promise<boolean> => {
  try {
    const res = await fetch(`${endpoint}/_cloudbox/health`);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
};

// ---------------------------------------------------------------------------------------------

const main = async () => {
  const build = ensureBuild();
  if (!build.ok) {
    console.error("Cannot benchmark: the build failed and there is no dist/.");
    process.exit(1);
  }
  // Load the SDK clients before spawning the server, so their import time is not measured.
  const scenarios = await (await import("./scenarios.js")).loadScenarios();
  const { EC2Client, DescribeAvailabilityZonesCommand } = await import("@aws-sdk/client-ec2");
  // A throwaway fetch so undici is loaded too.
  await health("http://127.0.0.1:1");

  // Baseline: how long this machine takes to start a bare node process that prints a line.
  const baselineStart = performance.now();
  await new Promise<void>((resolveBaseline) => {
    const bare = spawn(process.execPath, ["-e", "console.log('ready')"], { stdio: ["ignore", "pipe", "ignore"] });
    bare.stdout!.once("data", () => resolveBaseline());
    bare.once("exit", () => resolveBaseline());
  });
  const nodeBaselineMs = performance.now() - baselineStart;

  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [join(ROOT, "bin/cloudbox.js"), "start", "--port", "0", "--ephemeral", "--log-level", "warn"], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const cleanup = () => child.kill("SIGKILL");
  process.on("exit", cleanup);
  try {
    const { endpoint } = await waitForListening(child);
    while (!(await health(endpoint))) await new Promise((r) => setTimeout(r, 1));
    const healthMs = performance.now() - spawnedAt;
    const rssAfterStartMb = rssMb(child.pid!);

    const ec2 = new EC2Client({ endpoint, region: "us-east-1", credentials: { accessKeyId: "111111111111", secretAccessKey: "test" }, maxAttempts: 1 });
    const firstStart = performance.now();
    const azs = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    const firstEc2RequestMs = performance.now() - firstStart;
    const firstEc2Ms = performance.now() - spawnedAt;
    ec2.destroy();
    const rssAfterFirstEc2Mb = rssMb(child.pid!);

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      process.stdout.write(`running ${scenario.name} x${scenario.concurrency} (${SECONDS} s)...\n`);
      results.push(await runScenario(scenario, endpoint, child.pid!));
    }
    const rssAfterLoadMb = rssMb(child.pid!);

    const startup = {
      nodeBaselineMs: round(nodeBaselineMs, 1),
      healthMs: round(healthMs, 1),
      firstEc2Ms: round(firstEc2Ms, 1),
      firstEc2RequestMs: round(firstEc2RequestMs, 1),
      firstEc2Zones: azs.AvailabilityZones?.length ?? 0,
      rssAfterStartMb,
      rssAfterFirstEc2Mb,
      rssAfterLoadMb,
    };
    const azs16 = results.find((r) => r.name === "ec2 DescribeAvailabilityZones" && r.concurrency === 16);
    const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
    const targets = {
      [`health < ${TARGETS.healthMs} ms`]: verdict(startup.healthMs < TARGETS.healthMs),
      [`first EC2 request < ${TARGETS.firstEc2Ms} ms`]: verdict(startup.firstEc2Ms < TARGETS.firstEc2Ms),
      [`DescribeAvailabilityZones x16 >= ${TARGETS.azsPerSecond16}/s`]: verdict((azs16?.requestsPerSecond ?? 0) >= TARGETS.azsPerSecond16),
      [`p99 < ${TARGETS.p99Ms} ms (all scenarios)`]: verdict(results.every((r) => r.p99Ms < TARGETS.p99Ms)),
      [`idle RSS < ${TARGETS.idleRssMb} MB`]: verdict((rssAfterStartMb ?? Infinity) < TARGETS.idleRssMb),
    };

    console.log("\nStartup (from spawn of node bin/cloudbox.js start)");
    console.table({
      "bare node process start, for scale (ms)": startup.nodeBaselineMs,
      "first GET /_cloudbox/health (ms)": startup.healthMs,
      "first EC2 DescribeAvailabilityZones served (ms)": startup.firstEc2Ms,
      "  of which the request itself (ms, loads the EC2 model)": startup.firstEc2RequestMs,
      "RSS after start (MB)": rssAfterStartMb,
      "RSS after first EC2 request (MB)": rssAfterFirstEc2Mb,
      "RSS after load (MB)": rssAfterLoadMb,
    });
    console.log("Load (SDK v3 clients in the bench process)");
    console.table(
      results.map((r) => ({
        scenario: r.name,
        clients: r.concurrency,
        requests: r.requests,
        errors: r.errors,
        "req/s": r.requestsPerSecond,
        "p50 ms": r.p50Ms,
        "p99 ms": r.p99Ms,
        "max ms": r.maxMs,
        "server CPU µs/req": r.serverCpuUsPerRequest,
        "client CPU µs/req": r.clientCpuUsPerRequest,
      })),
    );
    for (const r of results) if (r.firstError) console.log(`${r.name} x${r.concurrency}: first error: ${r.firstError}`);
    console.log(
      "Server CPU per request is what the server costs whatever else runs on the machine: one core " +
        "serves about 1,000,000 / (server CPU µs/req) requests per second.",
    );
    console.log("Targets");
    console.table(targets);

    const date = new Date();
    const record = {
      date: date.toISOString(),
      machine: { loadAverage: loadavg().map((n) => round(n)), cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMb: Math.round(totalmem() / 1024 / 1024), node: process.version },
      build: build.note,
      settings: { seconds: SECONDS, maxRequests: MAX_REQUESTS, warmupMs: WARMUP_MS },
      startup,
      scenarios: results,
      targets,
    };
    const dir = join(ROOT, "bench/results");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${date.toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
    console.log(`Results written to ${file}`);
  } finally {
    cleanup();
  }
};

await main();
