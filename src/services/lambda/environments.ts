/**
 * Execution environments: the processes that run function code, driven through the Lambda
 * Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), the same HTTP
 * interface Lambda gives runtimes, so any runtime client works:
 *   GET  /2018-06-01/runtime/invocation/next            (long poll; the event and its headers)
 *   POST /2018-06-01/runtime/invocation/{id}/response
 *   POST /2018-06-01/runtime/invocation/{id}/error      (Lambda-Runtime-Function-Error-Type)
 *   POST /2018-06-01/runtime/init/error
 * Each environment is a small node:http server on 127.0.0.1:0 plus one child process started with
 * AWS_LAMBDA_RUNTIME_API pointing at it: our Node.js or Python bootstrap (lambda-runtimes/), or
 * the zip's own `bootstrap` for provided.* runtimes.
 *
 * Environments are pooled per function version and configuration and reused while warm (module
 * state survives, as in Lambda); several run in parallel under load, up to the function's
 * reserved concurrency, else DEFAULT_CONCURRENCY; idle ones are reaped after IDLE_MS of clock time;
 * a timeout or a crash kills the environment. Every invocation writes START / END / REPORT lines
 * and the function's output to the per-function log (table lambda_logs, store.ts).
 *
 * All state hangs off the ServiceRuntime (a WeakMap), never module-level: stop(runtime) kills
 * every process and closes every server.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceRuntime } from "../../core/index.js";
import { packageRoot, prepareCacheRoot, runtimesDir, unpackedCodeDir } from "./code.js";
import { lambdaErrors } from "./errors.js";
import { dataDirOf, runtimeFamily, type StoredConfig } from "./model.js";
import { appendLogs, type LogLine, type Scope } from "./store.js";

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
/** LogType Tail returns the last 4 KB of the invocation's log (API_Invoke, LogType). */
const TAIL_BYTES = 4096;

export interface ExecSpec {
  scope: Scope;
  functionName: string;
  /** The version that runs: $LATEST or a number. */
  version: string;
  config: StoredConfig;
  codeSha256: string;
  loadZip: () => Buffer;
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
  log: string;
  environmentId: string;
}

interface Active {
  req: InvokeRequest;
  dispatched: boolean;
  startedAt: number;
  lines: string[];
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
  let tempRoot: string | undefined;
  const cacheRoot = dataDir ? join(dataDir, "lambda", "code") : (tempRoot = mkdtempSync(join(tmpdir(), "cloudbox-lambda-")));
  prepareCacheRoot(cacheRoot);
  const created: Workers = {
    runtime,
    envs: new Set(),
    idle: new Map(),
    counters: new Map(),
    cacheRoot,
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

const hex = (n: number) => randomBytes(n).toString("hex");

/** Lambda's log stream names: 2024/01/31/[$LATEST]<32 hex digits>. */
const logStreamName = (ms: number, version: string) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/[${version}]${hex(16)}`;
};

const maxMemoryMb = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.max(1, Math.round(Number(m[1]) / 1024)) : 0;
  } catch {
    return 0;
  }
};

const errorPayload = (errorType: string, errorMessage: string) => Buffer.from(JSON.stringify({ errorType, errorMessage }));

const readAll = (req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve({ body: Buffer.concat(chunks), tooLarge }));
    req.on("error", reject);
  });

class Environment {
  readonly id = hex(16);
  state: "starting" | "idle" | "busy" | "dead" = "starting";
  child?: ChildProcess;
  lastUsed: number;
  retire = false;
  private server?: Server;
  private pendingNext?: ServerResponse;
  private inv?: Active;
  private readonly createdAt = performance.now();
  private initDurationMs?: number;
  private coldReported = false;
  private initError?: Buffer;
  private initLines: string[] = [];
  private readonly logStream: string;
  private rest: Record<"out" | "err", string> = { out: "", err: "" };
  private exited?: Promise<void>;

  constructor(
    private readonly w: Workers,
    readonly spec: ExecSpec,
    readonly key: string,
  ) {
    this.lastUsed = w.runtime.clock.now();
    this.logStream = logStreamName(w.runtime.clock.now(), spec.version);
  }

  get fnKey() {
    return fnKey(this.spec.scope, this.spec.functionName);
  }

  /** Starts the Runtime API server and the runtime process. */
  async start(): Promise<void> {
    const server = createServer({ keepAlive: true }, (req, res) => this.onApi(req, res));
    server.requestTimeout = 0; // /next is a long poll
    server.keepAliveTimeout = 0;
    server.headersTimeout = 0;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const { spec } = this;
    const c = spec.config;
    const codeDir = unpackedCodeDir(this.w.cacheRoot, spec.scope, spec.codeSha256, spec.loadZip);
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
      command = join(codeDir, "bootstrap");
      args = [];
      if (!existsSync(command)) {
        // Lambda's answer when a custom runtime has no bootstrap (troubleshooting-invocation,
        // "Couldn't find valid bootstrap (Runtime.InvalidEntrypoint)").
        this.initError = errorPayload("Runtime.InvalidEntrypoint", `Couldn't find valid bootstrap(s): [${command} /opt/bootstrap]`);
        this.state = "dead";
        this.close();
        return;
      }
    }
    const endpoint = this.w.runtime.endpoint();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      LANG: "en_US.UTF-8",
      LD_LIBRARY_PATH: `${codeDir}/lib`,
      ...(family === "nodejs" ? { NODE_PATH: join(packageRoot(), "node_modules"), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } : {}),
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
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
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
      const inv: Active = { req, dispatched: false, startedAt: performance.now(), lines: [], done: false, resolve };
      this.inv = inv;
      this.state = "busy";
      inv.lines.push(`START RequestId: ${req.requestId} Version: ${this.spec.version}`);
      if (this.initError || !this.child) {
        // init already failed (or there is no runtime to start)
        this.finish(this.initError ?? errorPayload("Runtime.Unknown", "The runtime could not be started."), "Unhandled", true);
        return;
      }
      const timeoutMs = (this.spec.config.Timeout ?? 3) * 1000;
      const clock = this.w.runtime.clock;
      const cold = this.initDurationMs === undefined;
      inv.cancelTimer = clock.schedule(clock.now() + timeoutMs + (cold ? INIT_LIMIT_MS : 0), () => this.timedOut(inv));
      if (this.pendingNext) this.dispatch(this.pendingNext);
    });
  }

  private dispatch(res: ServerResponse): void {
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
    res.writeHead(200, headers);
    res.end(inv.req.payload);
  }

  private onApi(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "";
    const accepted = () => {
      res.writeHead(202, { "content-type": "application/json" });
      res.end('{"status":"OK"}');
    };
    if (req.method === "GET" && url === "/2018-06-01/runtime/invocation/next") {
      if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.createdAt;
      if (this.state === "starting") this.state = this.inv ? "busy" : "idle";
      this.pendingNext = res;
      res.on("close", () => {
        if (this.pendingNext === res) this.pendingNext = undefined;
      });
      if (this.inv && !this.inv.dispatched) this.dispatch(res);
      return;
    }
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === "POST" && m) {
      const id = decodeURIComponent(m[1]);
      const inv = this.inv;
      readAll(req, MAX_RESPONSE_BYTES).then(({ body, tooLarge }) => {
        if (!inv || inv.done || inv.req.requestId !== id) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ errorMessage: `Invalid request ID: ${id}`, errorType: "InvalidRequestID" }));
          return;
        }
        if (tooLarge) {
          res.writeHead(413, { "content-type": "application/json" });
          res.end(JSON.stringify({ errorMessage: "Exceeded maximum allowed payload size (6291556 bytes).", errorType: "RequestEntityTooLarge" }));
          // Lambda's error for an oversized response.
          setImmediate(() =>
            this.finish(errorPayload("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes)."), "Unhandled", false),
          );
          return;
        }
        accepted();
        // Let the output the function wrote before answering be read first (same poll phase).
        setImmediate(() => this.finish(body, m[2] === "error" ? "Unhandled" : undefined, false));
      }, () => undefined);
      return;
    }
    if (req.method === "POST" && url === "/2018-06-01/runtime/init/error") {
      readAll(req, MAX_RESPONSE_BYTES).then(({ body }) => {
        accepted();
        this.initError = body.length ? body : errorPayload("Runtime.Unknown", "Unknown init error");
        if (this.initDurationMs === undefined) this.initDurationMs = performance.now() - this.createdAt;
        setImmediate(() => {
          if (this.inv && !this.inv.done) this.finish(this.initError!, "Unhandled", true);
          else this.kill();
        });
      }, () => undefined);
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ errorMessage: `Unknown Runtime API path ${req.method} ${url}`, errorType: "NotFound" }));
  }

  private onOutput(stream: "out" | "err", d: Buffer): void {
    const text = this.rest[stream] + d.toString("utf8");
    const parts = text.split("\n");
    this.rest[stream] = parts.pop() ?? "";
    for (const line of parts) this.addLine(line);
  }

  private addLine(line: string): void {
    if (this.inv && !this.inv.done) this.inv.lines.push(line);
    else if (this.initDurationMs === undefined || !this.coldReported) {
      this.initLines.push(line);
    } else this.persist([line]);
  }

  private persist(lines: string[]): void {
    if (this.w.stopped || lines.length === 0) return;
    const now = Date.now();
    const { scope, functionName } = this.spec;
    const rows: LogLine[] = lines.map((message) => ({
      accountId: scope.accountId,
      region: scope.region,
      functionName,
      logStream: this.logStream,
      ts: now,
      message,
    }));
    try {
      appendLogs(this.w.runtime.store, rows);
    } catch (e) {
      this.w.runtime.log.debug(`lambda: cannot write logs of ${functionName}: ${(e as Error).message}`);
    }
  }

  private timedOut(inv: Active): void {
    if (inv.done) return;
    const seconds = ((performance.now() - inv.startedAt) / 1000).toFixed(2);
    inv.lines.push(`${new Date().toISOString()} ${inv.req.requestId} Task timed out after ${seconds} seconds`);
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
      if (!this.initError) inv.lines.push(`RequestId: ${inv.req.requestId} Error: Runtime exited with error: ${status}`, "Runtime.ExitError");
      this.finish(payload, "Unhandled", true);
    } else if (this.initLines.length) {
      this.persist(this.initLines.splice(0));
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
    lines.push(`END RequestId: ${inv.req.requestId}`);
    let report = `REPORT RequestId: ${inv.req.requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\tMemory Size: ${c.MemorySize ?? 128} MB\tMax Memory Used: ${maxMemoryMb(this.child?.pid)} MB\t`;
    let all = lines;
    if (!this.coldReported) {
      this.coldReported = true;
      if (this.initDurationMs !== undefined) report += `Init Duration: ${this.initDurationMs.toFixed(2)} ms\t`;
      lines.push(report);
      all = [...this.initLines.splice(0), ...lines];
    } else lines.push(report);
    this.persist(all);
    this.inv = undefined;
    if (kill || this.retire) this.kill();
    else {
      this.state = "idle";
      this.lastUsed = this.w.runtime.clock.now();
    }
    inv.resolve({ payload, ...(functionError ? { functionError } : {}), log: all.join("\n") + "\n", environmentId: this.id });
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
    if (this.pendingNext && !this.pendingNext.headersSent) this.pendingNext.destroy();
    this.pendingNext = undefined;
    this.server?.close();
    this.server?.closeAllConnections();
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
  if (!w) return;
  w.stopped = true;
  w.cancelReap?.();
  for (const cancel of w.timers) cancel();
  w.timers.clear();
  const envs = [...w.envs];
  for (const e of envs) e.kill();
  await Promise.race([Promise.all(envs.map((e) => e.waitExit())), new Promise((r) => setTimeout(r, 2000).unref())]);
  for (const waiters of w.counters.values()) for (const wake of waiters.waiters.splice(0)) wake();
  process.off("exit", w.exitHook);
  if (w.tempRoot) rmSync(w.tempRoot, { recursive: true, force: true });
  workersOf.delete(runtime);
};

