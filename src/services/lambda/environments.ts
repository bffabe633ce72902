/**
 * Execution environments: the processes that run function code, driven through the Lambda
 * Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), the same HTTP
 * interface Lambda gives runtimes, so any runtime client works:
 *   GET  /2018-06-01/runtime/invocation/next            (long poll; the event and its headers)
 *   POST /2018-06-01/runtime/invocation/{id}/response
 *   POST /2018-06-01/runtime/invocation/{id}/error      (Lambda-Runtime-Function-Error-Type)
 *   POST /2018-06-01/runtime/init/error
 * Each environment is a small HTTP/1.1 server on 127.0.0.1:0 (runtime-api-server.ts) plus one
 * child process started with AWS_LAMBDA_RUNTIME_API pointing at it: our Node.js or Python
 * bootstrap (lambda-runtimes/), or the `bootstrap` of the zip (or of a layer) for provided.*.
 *
 * The warm path is what `npm run bench` measures. Its costs are mostly socket writes that wake
 * another process, so: the caller gets its answer before the runtime gets its 202; a runtime that
 * pipelines (our Node.js bootstrap) gets the 202 with its next event, in one write; nothing on the
 * path touches the store beyond one read of the function, and logs leave in batches.
 *
 * Environments are pooled per function version and configuration and reused while warm (module
 * state survives, as in Lambda); several run in parallel under load, up to the function's
 * reserved concurrency, else DEFAULT_CONCURRENCY; idle ones are reaped after IDLE_MS of clock time;
 * a timeout or a crash kills the environment. Every invocation writes START / END / REPORT lines
 * and the function's output to the environment's log stream in CloudWatch Logs (function-logs.ts,
 * delivered in batches off the invocation's path); LogType Tail reads the invocation's own lines.
 *
 * Layers: Lambda extracts a function's layers into /opt. Cloudbox cannot mount /opt, so it gives
 * the environment one merged directory (code.ts, mergedOptDir) and points the runtime's search
 * paths at it the way Lambda's runtimes point them at /opt
 * (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html, "Layer paths for each
 * Lambda runtime"): NODE_PATH holds <opt>/nodejs/node<major>/node_modules and
 * <opt>/nodejs/node_modules (and ES module imports find them too, bootstrap.mjs); Python's
 * sys.path holds <opt>/python/lib/python3.x/site-packages and <opt>/python (bootstrap.py); PATH
 * ends with <opt>/bin, LD_LIBRARY_PATH with <opt>/lib; a provided.* function without its own
 * `bootstrap` runs <opt>/bootstrap. DEVIATION: the directory is not /opt; its real path is in the
 * function's environment as CLOUDBOX_OPT_DIR (docs/deviations.md).
 *
 * All state hangs off the ServiceRuntime (a WeakMap), never module-level: stop(runtime) kills
 * every process and closes every server.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFile, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceRuntime } from "../../core/index.js";
import { destroyClients } from "./clients.js";
import { mergedOptDir, packageRoot, prepareCacheRoot, runtimesDir, unpackedCodeDir } from "./code.js";
import { lambdaErrors } from "./errors.js";
import { endLogStream, openLogStream, shipLines, stopFunctionLogs } from "./function-logs.js";
import { dataDirOf, runtimeFamily, type StoredConfig } from "./model.js";
import { startRuntimeApiServer, type ApiRequest, type ApiResponse, type RuntimeApiServer } from "./runtime-api-server.js";
import type { Scope } from "./store.js";

/**
 * DEVIATION: Lambda scales a function to the account's unreserved concurrency (1,000 by default);
 * locally a function without reserved concurrency runs at most this many environments at once and
 * further invocations wait for one to be free (docs/deviations.md).
 */
export const DEFAULT_CONCURRENCY = 10;
/** DEVIATION: Lambda does not document how long idle environments live; Cloudbox keeps them 5 minutes of clock time. */
export const IDLE_MS = 5 * 60_000;
const REAP_EVERY_MS = 60_000;
/** Lambda's init phase limit for on-demand functions (10 s), added to the function timeout for a cold start. */
const INIT_LIMIT_MS = 10_000;
/** Response payload quota, synchronous invocation (Lambda quotas): 6 MB. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** A layer version's zip: in the store under the layer's scope (it may be another account's). */
export interface LayerCode {
  scope: Scope;
  sha256: string;
}

export interface ExecSpec {
  scope: Scope;
  functionName: string;
  /** The version that runs: $LATEST or a number. */
  version: string;
  config: StoredConfig;
  codeSha256: string;
  loadZip: () => Buffer;
  /** The function's layers, in order (empty without layers). */
  layers: readonly LayerCode[];
  loadLayer: (layer: LayerCode) => Buffer;
  reservedConcurrency: number | null;
}

export interface InvokeRequest {
  requestId: string;
  payload: Buffer;
  /** The ARN as invoked (with its qualifier, if any). */
  invokedArn: string;
  clientContext?: string;
  cognitoIdentity?: string;
}

export interface InvokeResult {
  payload: Buffer;
  functionError?: "Unhandled";
  /** The invocation's log lines (START ... REPORT), for LogType Tail. */
  lines: readonly string[];
  environmentId: string;
}

interface Active {
  req: InvokeRequest;
  dispatched: boolean;
  startedAt: number;
  lines: string[];
  /** When each line was written (clock ms), for its log event. */
  times: number[];
  done: boolean;
  cancelTimer?: () => void;
  resolve: (r: InvokeResult) => void;
}

interface Counter {
  inflight: number;
  waiters: Array<() => void>;
}

interface Workers {
  runtime: ServiceRuntime;
  envs: Set<Environment>;
  idle: Map<string, Environment[]>;
  counters: Map<string, Counter>;
  cacheRoot: string;
  /** Where merged layer directories (each function's /opt) go. */
  optRoot: string;
  tempRoot?: string;
  python?: Promise<string>;
  cancelReap?: () => void;
  timers: Set<() => void>;
  stopped: boolean;
  exitHook: () => void;
}

const workersOf = new WeakMap<ServiceRuntime, Workers>();

const fnKey = (s: Scope, name: string) => `${s.accountId}|${s.region}|${name}`;
const poolKey = (spec: ExecSpec) =>
  `${fnKey(spec.scope, spec.functionName)}|${spec.version}|${spec.config.RevisionId}|${spec.codeSha256}`;

const workers = (runtime: ServiceRuntime): Workers => {
  let w = workersOf.get(runtime);
  if (w) return w;
  const dataDir = dataDirOf(runtime.settings);
  const tempRoot = dataDir ? undefined : mkdtempSync(join(tmpdir(), "cloudbox-lambda-"));
  const cacheRoot = dataDir ? join(dataDir, "lambda", "code") : tempRoot!;
  const optRoot = dataDir ? join(dataDir, "lambda", "opt") : join(tempRoot!, "opt");
  prepareCacheRoot(cacheRoot);
  const created: Workers = {
    runtime,
    envs: new Set(),
    idle: new Map(),
    counters: new Map(),
    cacheRoot,
    optRoot,
    tempRoot,
    timers: new Set(),
    stopped: false,
    // A safety net: if the host process exits without stop(), no child outlives it.
    exitHook: () => {
      for (const e of created.envs) e.child?.kill("SIGKILL");
      if (created.tempRoot) rmSync(created.tempRoot, { recursive: true, force: true });
    },
  };
  process.on("exit", created.exitHook);
  workersOf.set(runtime, created);
  scheduleReap(created);
  return created;
};

const scheduleReap = (w: Workers): void => {
  if (w.stopped) return;
  const clock = w.runtime.clock;
  w.cancelReap = clock.schedule(clock.now() + REAP_EVERY_MS, () => {
    const now = clock.now();
    for (const e of [...w.envs]) if (e.state === "idle" && now - e.lastUsed >= IDLE_MS) e.kill();
    scheduleReap(w);
  });
};

const pythonExecutable = (w: Workers): Promise<string> =>
  (w.python ??= new Promise((resolve) => {
    // Resolve the real interpreter once (a pyenv shim costs a shell start per spawn).
    execFile("python3", ["-c", "import sys; print(sys.executable)"], { timeout: 10_000 }, (err, out) => {
      resolve(err ? "python3" : out.trim() || "python3");
    });
  }));

/** Random hex digits from a pool refilled 4 KB at a time (a randomBytes call per id costs more). */
let pool = randomBytes(4096);
let poolAt = 0;
const hex = (n: number): string => {
  if (poolAt + n > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += n;
  return pool.toString("hex", poolAt - n, poolAt);
};

/** Lambda's log stream names: 2024/01/31/[$LATEST]<32 hex digits>. */
const logStreamName = (ms: number, version: string) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/[${version}]${hex(16)}`;
};

const parseHwm = (status: string): number => {
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Math.max(1, Math.round(Number(m[1]) / 1024)) : 0;
};

/** The process's peak resident memory (VmHWM), read synchronously: for the first REPORT only. */
const maxMemoryMb = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    return parseHwm(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return 0;
  }
};

/** How stale "Max Memory Used" may be on a warm REPORT (VmHWM only grows, so it under-reports briefly). */
const MEMORY_REFRESH_MS = 1000;

const ACCEPTED_BODY = '{"status":"OK"}';

const errorPayload = (errorType: string, errorMessage: string) => Buffer.from(JSON.stringify({ errorType, errorMessage }));

const NEXT_PATH = "/2018-06-01/runtime/invocation/next";
const isNext = (r: ApiRequest) => r.method === "GET" && r.path === NEXT_PATH;
const JSON_HEADERS = { "content-type": "application/json" };

class Environment {
  readonly id = hex(16);
  state: "starting" | "idle" | "busy" | "dead" = "starting";
  child?: ChildProcess;
  lastUsed: number;
  retire = false;
  private api?: RuntimeApiServer;
  private pendingNext?: ApiResponse;
  private inv?: Active;
  private readonly createdAt = performance.now();
  private initDurationMs?: number;
  private coldReported = false;
  private initError?: Buffer;
  private initLines: string[] = [];
  private readonly logStream: string;
  private initTimes: number[] = [];
  private rest: Record<"out" | "err", string> = { out: "", err: "" };
  private exited?: Promise<void>;
  private memoryMb = 0;
  private memoryReadAt = 0;
  private readonly logGroup: string;

  constructor(
    private readonly w: Workers,
    readonly spec: ExecSpec,
    readonly key: string,
  ) {
    this.lastUsed = w.runtime.clock.now();
    this.logStream = logStreamName(w.runtime.clock.now(), spec.version);
    this.logGroup = spec.config.LoggingConfig?.LogGroup ?? `/aws/lambda/${spec.functionName}`;
  }

  get fnKey() {
    return fnKey(this.spec.scope, this.spec.functionName);
  }

  /** Starts the Runtime API server and the runtime process. */
  async start(): Promise<void> {
    const api = await startRuntimeApiServer(MAX_RESPONSE_BYTES, (req, res) => this.onApi(req, res));
    this.api = api;
    const port = api.port;
    const { spec } = this;
    const c = spec.config;
    const codeDir = unpackedCodeDir(this.w.cacheRoot, spec.scope, spec.codeSha256, spec.loadZip);
    const opt = spec.layers.length ? mergedOptDir(this.w.optRoot, spec.layers, spec.loadLayer) : undefined;
    const family = runtimeFamily(c.Runtime);
    const runtimeDir = join(runtimesDir(), family);
    let command: string;
    let args: string[];
    if (family === "nodejs") {
      command = process.execPath;
      args = [join(runtimeDir, "bootstrap.mjs")];
    } else if (family === "python") {
      command = await pythonExecutable(this.w);
      args = ["-u", join(runtimeDir, "bootstrap.py")];
    } else {
      // A custom runtime's bootstrap comes from the function's code, else from a layer.
      const candidates = [join(codeDir, "bootstrap"), ...(opt ? [join(opt, "bootstrap")] : [])];
      command = candidates.find((f) => existsSync(f)) ?? "";
      args = [];
      if (!command) {
        // Lambda's answer when a custom runtime has no bootstrap (troubleshooting-invocation,
        // "Couldn't find valid bootstrap (Runtime.InvalidEntrypoint)").
        this.initError = errorPayload("Runtime.InvalidEntrypoint", `Couldn't find valid bootstrap(s): [${join(codeDir, "bootstrap")} ${opt ? join(opt, "bootstrap") : "/opt/bootstrap"}]`);
        this.state = "dead";
        this.close();
        return;
      }
    }
    const endpoint = this.w.runtime.endpoint();
    const sdkModules = join(packageRoot(), "node_modules");
    // Lambda's NODE_PATH: /opt/nodejs/node<major>/node_modules:/opt/nodejs/node_modules:<runtime's modules>.
    const major = /^nodejs(\d+)/.exec(c.Runtime)?.[1];
    const nodePath = [...(opt ? [join(opt, "nodejs", `node${major}`, "node_modules"), join(opt, "nodejs", "node_modules")] : []), sdkModules].join(":");
    const env: Record<string, string> = {
      // Lambda: PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin; LD_LIBRARY_PATH=...:/var/task:/var/task/lib:/opt/lib.
      PATH: `${process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"}${opt ? `:${join(opt, "bin")}` : ""}`,
      LANG: "en_US.UTF-8",
      LD_LIBRARY_PATH: [codeDir, `${codeDir}/lib`, ...(opt ? [join(opt, "lib")] : [])].join(":"),
      ...(opt ? { CLOUDBOX_OPT_DIR: opt } : {}),
      ...(family === "nodejs" ? { NODE_PATH: nodePath, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } : {}),
      ...(family === "python" ? { PYTHONPATH: codeDir, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" } : {}),
      ...(c.Environment?.Variables ?? {}),
      // Lambda's defined runtime environment variables
      // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
      _HANDLER: c.Handler,
      AWS_REGION: spec.scope.region,
      AWS_DEFAULT_REGION: spec.scope.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${c.Runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.MemorySize ?? 128),
      AWS_LAMBDA_FUNCTION_VERSION: spec.version,
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: this.logGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: this.logStream,
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      LAMBDA_TASK_ROOT: codeDir,
      LAMBDA_RUNTIME_DIR: runtimeDir,
      TZ: ":UTC",
      // Credentials that Cloudbox maps to the function's account (a 12-digit access key id is that
      // account), and the endpoint, so that an unmodified SDK v3 or boto3 reaches Cloudbox.
      // DEVIATION: not temporary credentials of the execution role.
      AWS_ACCESS_KEY_ID: spec.scope.accountId,
      AWS_SECRET_ACCESS_KEY: "cloudbox",
      AWS_SESSION_TOKEN: "cloudbox-lambda",
      AWS_ENDPOINT_URL: endpoint,
    };
    openLogStream(this.w.runtime, spec.scope, this.logGroup, this.logStream);
    const child = spawn(command, args, { cwd: codeDir, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    child.stdout!.on("data", (d: Buffer) => this.onOutput("out", d));
    child.stderr!.on("data", (d: Buffer) => this.onOutput("err", d));
    this.exited = new Promise((resolve) => {
      child.once("error", (e) => {
        this.onExit(null, null, e.message);
        resolve();
      });
      child.once("exit", (code, signal) => {
        this.onExit(code, signal);
        resolve();
      });
    });
  }

  /** Runs one invocation; resolves when it ends, whatever the outcome. */
  run(req: InvokeRequest): Promise<InvokeResult> {
    return new Promise((resolve) => {
      const clock = this.w.runtime.clock;
      const inv: Active = { req, dispatched: false, startedAt: performance.now(), lines: [], times: [], done: false, resolve };
      this.inv = inv;
      this.state = "busy";
      inv.lines.push(`START RequestId: ${req.requestId} Version: ${this.spec.version}`);
      inv.times.push(clock.now());
      if (this.initError || !this.child) {
        // init already failed (or there is no runtime to start)
        this.finish(this.initError ?? errorPayload("Runtime.Unknown", "The runtime could not be started."), "Unhandled", true);
        return;
      }
      // Warm: the runtime is already waiting on /next, and dispatch starts the function's timer.
      if (this.pendingNext) return this.dispatch(this.pendingNext);
      // Cold (or the runtime has not asked yet): the init phase has its own limit on top.
      const timeoutMs = (this.spec.config.Timeout ?? 3) * 1000;
      const cold = this.initDurationMs === undefined;
      inv.cancelTimer = clock.schedule(clock.now() + timeoutMs + (cold ? INIT_LIMIT_MS : 0), () => this.timedOut(inv));
    });
  }

  private dispatch(res: ApiResponse): void {
    const inv = this.inv;
    if (!inv || inv.dispatched || inv.done) return;
    this.pendingNext = undefined;
    inv.dispatched = true;
    inv.startedAt = performance.now();
    // The function timeout counts from here (a cold start's init has its own limit).
    const clock = this.w.runtime.clock;
    inv.cancelTimer?.();
    const timeoutMs = (this.spec.config.Timeout ?? 3) * 1000;
    inv.cancelTimer = clock.schedule(clock.now() + timeoutMs, () => this.timedOut(inv));
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "lambda-runtime-aws-request-id": inv.req.requestId,
      "lambda-runtime-deadline-ms": String(Date.now() + timeoutMs),
      "lambda-runtime-invoked-function-arn": inv.req.invokedArn,
      "lambda-runtime-trace-id": `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)};Parent=${hex(8)};Sampled=0`,
    };
    if (inv.req.clientContext) headers["lambda-runtime-client-context"] = inv.req.clientContext;
    if (inv.req.cognitoIdentity) headers["lambda-runtime-cognito-identity"] = inv.req.cognitoIdentity;
    res.send(200, headers, inv.req.payload);
  }

  private onApi(req: ApiRequest, res: ApiResponse): void {
    const url = req.path;
    if (req.method === "GET" && url === NEXT_PATH) {
      if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.createdAt;
      if (this.state === "starting") this.state = this.inv ? "busy" : "idle";
      this.pendingNext = res;
      res.onAbort(() => {
        if (this.pendingNext === res) this.pendingNext = undefined;
      });
      if (this.inv && !this.inv.dispatched) this.dispatch(res);
      return;
    }
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === "POST" && m) {
      const id = decodeURIComponent(m[1]);
      const inv = this.inv;
      if (!inv || inv.done || inv.req.requestId !== id) {
        res.send(400, JSON_HEADERS, JSON.stringify({ errorMessage: `Invalid request ID: ${id}`, errorType: "InvalidRequestID" }));
        return;
      }
      if (req.tooLarge) {
        res.send(413, JSON_HEADERS, JSON.stringify({ errorMessage: "Exceeded maximum allowed payload size (6291556 bytes).", errorType: "RequestEntityTooLarge" }));
        // Lambda's error for an oversized response.
        setImmediate(() =>
          this.finish(errorPayload("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes)."), "Unhandled", false),
        );
        return;
      }
      // Let the output the function wrote before answering be read first (same poll phase);
      // then answer the caller, and the runtime's 202 after that: a socket write wakes another
      // process, which is not free, and the caller's answer should not wait behind it. When the
      // runtime has already asked for the next event (pipelined), the 202 waits to leave with it.
      setImmediate(() => {
        this.finish(req.body, m[2] === "error" ? "Unhandled" : undefined, false);
        setImmediate(() => res.send(202, JSON_HEADERS, ACCEPTED_BODY, res.followedBy(isNext)));
      });
      return;
    }
    if (req.method === "POST" && url === "/2018-06-01/runtime/init/error") {
      res.send(202, JSON_HEADERS, ACCEPTED_BODY);
      this.initError = req.body.length && !req.tooLarge ? req.body : errorPayload("Runtime.Unknown", "Unknown init error");
      if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.createdAt;
      setImmediate(() => {
        if (this.inv && !this.inv.done) this.finish(this.initError!, "Unhandled", true);
        else this.kill();
      });
      return;
    }
    res.send(404, JSON_HEADERS, JSON.stringify({ errorMessage: `Unknown Runtime API path ${req.method} ${url}`, errorType: "NotFound" }));
  }

  private onOutput(stream: "out" | "err", d: Buffer): void {
    const text = this.rest[stream] + d.toString("utf8");
    const parts = text.split("\n");
    this.rest[stream] = parts.pop() ?? "";
    for (const line of parts) this.addLine(line);
  }

  private addLine(line: string): void {
    const now = this.w.runtime.clock.now();
    if (this.inv && !this.inv.done) {
      this.inv.lines.push(line);
      this.inv.times.push(now);
    } else if (this.initDurationMs === undefined || !this.coldReported) {
      this.initLines.push(line);
      this.initTimes.push(now);
    } else this.persist([line], [now]);
  }

  /** Hands lines to the log shipper (CloudWatch Logs, batched: nothing waits for it). */
  private persist(lines: readonly string[], times: readonly number[]): void {
    if (lines.length === 0) return;
    shipLines(this.w.runtime, this.spec.scope, this.logGroup, this.logStream, lines, times);
  }

  private timedOut(inv: Active): void {
    if (inv.done) return;
    const seconds = ((performance.now() - inv.startedAt) / 1000).toFixed(2);
    inv.lines.push(`${new Date().toISOString()} ${inv.req.requestId} Task timed out after ${seconds} seconds`);
    inv.times.push(this.w.runtime.clock.now());
    // The Invoke answer for a timeout: errorType Sandbox.Timedout (troubleshooting-invocation,
    // "Function times out (Sandbox.Timedout)"), message "RequestId: <id> Error: Task timed out after N.NN seconds".
    this.finish(errorPayload("Sandbox.Timedout", `RequestId: ${inv.req.requestId} Error: Task timed out after ${seconds} seconds`), "Unhandled", true);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void {
    for (const s of ["out", "err"] as const) {
      if (this.rest[s]) this.addLine(this.rest[s]);
      this.rest[s] = "";
    }
    const wasDead = this.state === "dead";
    this.state = "dead";
    const inv = this.inv;
    if (!wasDead && inv && !inv.done) {
      const status = spawnError ? spawnError : signal ? `signal: ${signal === "SIGKILL" ? "killed" : signal}` : `exit status ${code}`;
      // Lambda's answer when the runtime process exits mid-invocation or during init
      // (e.g. {"errorType":"Runtime.ExitError","errorMessage":"RequestId: <id> Error: Runtime exited with error: exit status 1"}).
      const payload = this.initError ?? errorPayload("Runtime.ExitError", `RequestId: ${inv.req.requestId} Error: Runtime exited with error: ${status}`);
      if (!this.initError) {
        inv.lines.push(`RequestId: ${inv.req.requestId} Error: Runtime exited with error: ${status}`, "Runtime.ExitError");
        const now = this.w.runtime.clock.now();
        inv.times.push(now, now);
      }
      this.finish(payload, "Unhandled", true);
    } else if (this.initLines.length) {
      this.persist(this.initLines.splice(0), this.initTimes.splice(0));
    }
    this.close();
    this.w.envs.delete(this);
    this.removeFromIdle();
  }

  private finish(payload: Buffer, functionError: "Unhandled" | undefined, kill: boolean): void {
    const inv = this.inv;
    if (!inv || inv.done) return;
    inv.done = true;
    inv.cancelTimer?.();
    const durationMs = performance.now() - inv.startedAt;
    const c = this.spec.config;
    const lines = inv.lines;
    const now = this.w.runtime.clock.now();
    lines.push(`END RequestId: ${inv.req.requestId}`);
    let report = `REPORT RequestId: ${inv.req.requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\tMemory Size: ${c.MemorySize ?? 128} MB\tMax Memory Used: ${this.memoryUsed()} MB\t`;
    let all = lines;
    let times = inv.times;
    if (!this.coldReported) {
      this.coldReported = true;
      if (this.initDurationMs !== undefined) report += `Init Duration: ${this.initDurationMs.toFixed(2)} ms\t`;
      lines.push(report);
      times.push(now, now);
      all = [...this.initLines.splice(0), ...lines];
      times = [...this.initTimes.splice(0), ...times];
    } else {
      lines.push(report);
      times.push(now, now);
    }
    this.persist(all, times);
    this.inv = undefined;
    if (kill || this.retire) this.kill();
    else {
      this.state = "idle";
      this.lastUsed = this.w.runtime.clock.now();
    }
    inv.resolve({ payload, ...(functionError ? { functionError } : {}), lines: all, environmentId: this.id });
  }

  /**
   * "Max Memory Used": read once synchronously for the first REPORT, then refreshed in the
   * background at most every MEMORY_REFRESH_MS (a file read per invocation is not free).
   */
  private memoryUsed(): number {
    const pid = this.child?.pid;
    if (!pid) return this.memoryMb;
    if (this.memoryReadAt === 0) {
      this.memoryMb = maxMemoryMb(pid);
      this.memoryReadAt = performance.now();
    } else if (performance.now() - this.memoryReadAt >= MEMORY_REFRESH_MS) {
      this.memoryReadAt = performance.now();
      readFile(`/proc/${pid}/status`, "utf8", (err, text) => {
        if (!err) this.memoryMb = Math.max(this.memoryMb, parseHwm(text));
      });
    }
    return this.memoryMb;
  }

  /** Kills the process and closes the server (idempotent). */
  kill(): void {
    if (this.state !== "dead") this.state = "dead";
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    this.close();
    this.w.envs.delete(this);
    this.removeFromIdle();
    if (this.inv && !this.inv.done) {
      this.finish(errorPayload("Runtime.ExitError", `RequestId: ${this.inv.req.requestId} Error: Runtime exited with error: signal: killed`), "Unhandled", false);
    }
  }

  private close(): void {
    if (this.pendingNext && !this.pendingNext.done) this.pendingNext.destroy();
    this.pendingNext = undefined;
    this.api?.close();
    endLogStream(this.w.runtime, this.spec.scope, this.logGroup, this.logStream);
  }

  private removeFromIdle(): void {
    const list = this.w.idle.get(this.key);
    if (!list) return;
    const i = list.indexOf(this);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.w.idle.delete(this.key);
  }

  waitExit(): Promise<void> {
    return this.exited ?? Promise.resolve();
  }
}

const counterOf = (w: Workers, key: string): Counter => {
  let c = w.counters.get(key);
  if (!c) w.counters.set(key, (c = { inflight: 0, waiters: [] }));
  return c;
};

/**
 * Runs one invocation in a warm environment of the function's version, or a new one. Throws
 * TooManyRequestsException (429) when the function's reserved concurrency is used up.
 */
export const runInvocation = async (runtime: ServiceRuntime, spec: ExecSpec, req: InvokeRequest): Promise<InvokeResult> => {
  const w = workers(runtime);
  if (w.stopped) throw lambdaErrors.serviceException("Cloudbox is stopping.");
  const key = fnKey(spec.scope, spec.functionName);
  const counter = counterOf(w, key);
  const reserved = spec.reservedConcurrency;
  if (reserved !== null && counter.inflight >= reserved) {
    throw lambdaErrors.tooManyRequests("ReservedFunctionConcurrentInvocationLimitExceeded");
  }
  const limit = reserved ?? DEFAULT_CONCURRENCY;
  while (counter.inflight >= limit) {
    await new Promise<void>((resolve) => counter.waiters.push(resolve));
    if (w.stopped) throw lambdaErrors.serviceException("Cloudbox is stopping.");
  }
  counter.inflight++;
  try {
    const pk = poolKey(spec);
    const idle = w.idle.get(pk);
    let env = idle?.pop();
    if (idle && idle.length === 0) w.idle.delete(pk);
    if (!env) {
      env = new Environment(w, spec, pk);
      w.envs.add(env);
      await env.start();
    }
    const result = await env.run(req);
    if (env.state === "idle" && !w.stopped) {
      const list = w.idle.get(pk) ?? [];
      list.push(env);
      w.idle.set(pk, list);
    }
    return result;
  } finally {
    counter.inflight--;
    counter.waiters.shift()?.();
  }
};

/** Ends the environments of a function (all versions, or one) once they are idle. */
export const stopFunctionEnvironments = (runtime: ServiceRuntime, s: Scope, name: string, version?: string): void => {
  const w = workersOf.get(runtime);
  if (!w) return;
  const key = fnKey(s, name);
  for (const e of [...w.envs]) {
    if (e.fnKey !== key || (version !== undefined && e.spec.version !== version)) continue;
    if (e.state === "idle" || e.state === "starting") e.kill();
    else e.retire = true;
  }
};

/** Schedules fn on the runtime's clock; the timer is cancelled by stop(). */
export const scheduleOn = (runtime: ServiceRuntime, atMs: number, fn: () => void): void => {
  const w = workers(runtime);
  if (w.stopped) return;
  const cancel = runtime.clock.schedule(atMs, () => {
    w.timers.delete(cancel);
    fn();
  });
  w.timers.add(cancel);
};

/** How many environments are alive (for tests and health). */
export const environmentCount = (runtime: ServiceRuntime): number => workersOf.get(runtime)?.envs.size ?? 0;

/** The service's stop hook: kills every process, closes every server, drops the code cache if temporary. */
export const stopEnvironments = async (runtime: ServiceRuntime): Promise<void> => {
  const w = workersOf.get(runtime);
  if (!w) {
    await stopFunctionLogs(runtime).catch(() => undefined);
    destroyClients(runtime);
    return;
  }
  w.stopped = true;
  w.cancelReap?.();
  for (const cancel of w.timers) cancel();
  w.timers.clear();
  const envs = [...w.envs];
  for (const e of envs) e.kill();
  await Promise.race([Promise.all(envs.map((e) => e.waitExit())), new Promise((r) => setTimeout(r, 2000).unref())]);
  for (const waiters of w.counters.values()) for (const wake of waiters.waiters.splice(0)) wake();
  // The last lines go to CloudWatch Logs while it still serves (it stops after Lambda).
  await stopFunctionLogs(runtime).catch(() => undefined);
  destroyClients(runtime);
  process.off("exit", w.exitHook);
  if (w.tempRoot) rmSync(w.tempRoot, { recursive: true, force: true });
  workersOf.delete(runtime);
};

