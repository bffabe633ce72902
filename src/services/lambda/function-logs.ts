/**
 * Function logs into CloudWatch Logs, as Lambda writes them: log group `/aws/lambda/<function>`
 * (or the function's LoggingConfig.LogGroup), one log stream per execution environment named
 * `YYYY/MM/DD/[<version>]<32 hex digits>`, each START / END / REPORT line and each line of the
 * function's output one log event
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html). Like Lambda,
 * Cloudbox creates the group and the stream when they are missing (Lambda does so when the
 * execution role allows logs:CreateLogGroup / logs:CreateLogStream; Cloudbox has no IAM yet, so
 * always), and again if someone deletes them while the environment lives.
 *
 * Delivery goes through the CloudWatch Logs API (in-memory SDK client, as the function's account)
 * and never on an invocation's path: lines are buffered per stream and shipped in batches
 * (PutLogEvents, within its limits: 10,000 events, 1,048,576 bytes counting 26 bytes per event,
 * 24 hours, chronological order) FLUSH_MS after the first buffered line, but at most one delivery
 * round per MIN_INTERVAL_MS under steady load (a PutLogEvents call costs about a millisecond of
 * CPU whatever its size, an event a hundredth of that), at once when a buffer grows large, and on
 * stop. A delivery failure is logged at debug level and the batch dropped:
 * logs must never fail or slow an invocation.
 * LogType Tail does not read from here: the invocation keeps its own lines (environments.ts).
 */
import type { ServiceRuntime } from "../../core/index.js";
import { sdk, sdkError } from "./clients.js";
import type { Scope } from "./store.js";

/** How long lines wait for companions before a delivery. */
const FLUSH_MS = 150;
/** Deliveries start at most this often (per Cloudbox). */
const MIN_INTERVAL_MS = 1000;
/** A buffer this large is delivered at once. */
const EAGER_EVENTS = 2000;
const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const DAY_MS = 24 * 3600_000;
/**
 * A line longer than this is cut: CloudWatch Logs' event size limit was 256 KB (262,144 bytes)
 * until it became 1 MB (API_InputLogEvent.html); the smaller one keeps every batch well within it.
 */
const MAX_LINE_BYTES = 256 * 1024;

interface StreamBuffer {
  scope: Scope;
  group: string;
  stream: string;
  events: { timestamp: number; message: string }[];
  lastTs: number;
  /** The group and the stream exist (or are being made). */
  ready?: Promise<void>;
  /** The environment is gone: forget the buffer once it is delivered. */
  ended: boolean;
}

interface Shipper {
  runtime: ServiceRuntime;
  streams: Map<string, StreamBuffer>;
  timer?: NodeJS.Timeout;
  flushing?: Promise<void>;
  /** When the last delivery round started (performance.now()). */
  lastFlushAt: number;
  stopped: boolean;
}

const shippers = new WeakMap<ServiceRuntime, Shipper>();

const shipperOf = (runtime: ServiceRuntime): Shipper => {
  let s = shippers.get(runtime);
  if (!s) shippers.set(runtime, (s = { runtime, streams: new Map(), lastFlushAt: -Infinity, stopped: false }));
  return s;
};

const cut = (line: string): string => {
  if (line.length * 3 <= MAX_LINE_BYTES || Buffer.byteLength(line) <= MAX_LINE_BYTES) return line;
  return Buffer.from(line).subarray(0, MAX_LINE_BYTES).toString("utf8");
};

/**
 * Buffers lines of one environment's stream for delivery. `times[i]` is when line i was written
 * (clock milliseconds); events of a stream stay in order, so a time is never earlier than the
 * previous one's.
 */
export const shipLines = (runtime: ServiceRuntime, scope: Scope, group: string, stream: string, lines: readonly string[], times: readonly number[]): void => {
  const sh = shipperOf(runtime);
  if (sh.stopped || lines.length === 0) return;
  const b = bufferOf(sh, scope, group, stream);
  for (let i = 0; i < lines.length; i++) {
    // CloudWatch Logs refuses empty messages; Lambda does not log empty lines either.
    if (!lines[i]) continue;
    const ts = Math.max(b.lastTs, times[i] ?? times[times.length - 1] ?? runtime.clock.now());
    b.lastTs = ts;
    b.events.push({ timestamp: ts, message: cut(lines[i]) });
  }
  schedule(sh, b.events.length >= EAGER_EVENTS ? 0 : Math.max(FLUSH_MS, MIN_INTERVAL_MS - (performance.now() - sh.lastFlushAt)));
};

const bufferOf = (sh: Shipper, scope: Scope, group: string, stream: string): StreamBuffer => {
  const key = `${scope.accountId}|${scope.region}|${group}|${stream}`;
  let b = sh.streams.get(key);
  if (!b) sh.streams.set(key, (b = { scope, group, stream, events: [], lastTs: 0, ended: false }));
  return b;
};

/**
 * A new execution environment's stream: made at once, in the background, as Lambda makes it when
 * the environment starts (so the first lines do not wait for it, and CloudWatch Logs is up before
 * anything needs delivering).
 */
export const openLogStream = (runtime: ServiceRuntime, scope: Scope, group: string, stream: string): void => {
  const sh = shipperOf(runtime);
  if (sh.stopped) return;
  const b = bufferOf(sh, scope, group, stream);
  b.ready ??= create(sh, b).catch((e) => {
    b.ready = undefined;
    sh.runtime.log.debug(`lambda: log stream ${group} ${stream} not created: ${sdkError(e).message}`);
  });
};

/** CreateLogGroup and CreateLogStream, each "already exists" being fine. */
const create = async (sh: Shipper, b: StreamBuffer): Promise<void> => {
  const { client, mod } = await sdk(sh.runtime, "cloudwatch-logs", b.scope);
  await client.send(new mod.CreateLogGroupCommand({ logGroupName: b.group })).catch(ignoreExists);
  await client.send(new mod.CreateLogStreamCommand({ logGroupName: b.group, logStreamName: b.stream })).catch(ignoreExists);
};

const schedule = (sh: Shipper, ms: number): void => {
  if (sh.timer) {
    if (ms > 0) return;
    clearTimeout(sh.timer);
  }
  sh.timer = setTimeout(() => {
    sh.timer = undefined;
    void flush(sh);
  }, ms);
  sh.timer.unref();
};

/** The environment of a stream ended: its buffer goes after its last delivery. */
export const endLogStream = (runtime: ServiceRuntime, scope: Scope, group: string, stream: string): void => {
  const b = shippers.get(runtime)?.streams.get(`${scope.accountId}|${scope.region}|${group}|${stream}`);
  if (!b) return;
  b.ended = true;
  if (b.events.length === 0) shippers.get(runtime)!.streams.delete(`${scope.accountId}|${scope.region}|${group}|${stream}`);
};

const flush = (sh: Shipper): Promise<void> => {
  // One delivery at a time; a flush asked for during one runs right after it.
  const run = async (): Promise<void> => {
    sh.lastFlushAt = performance.now();
    for (const b of sh.streams.values()) {
      if (b.events.length === 0) continue;
      const events = b.events.splice(0);
      try {
        await deliver(sh, b, events);
      } catch (e) {
        sh.runtime.log.debug(`lambda: logs of ${b.group} ${b.stream} not delivered: ${sdkError(e).message}`);
      }
      // Let waiting requests in between streams: a delivery is milliseconds of work on this thread.
      await new Promise((r) => setImmediate(r));
    }
    // Streams of environments that are gone and have nothing left to send are forgotten.
    for (const [k, b] of sh.streams) if (b.ended && b.events.length === 0) sh.streams.delete(k);
  };
  const p = (sh.flushing ?? Promise.resolve()).then(run, run);
  sh.flushing = p.finally(() => {
    if (sh.flushing === p) sh.flushing = undefined;
  });
  return p;
};

type Events = { timestamp: number; message: string }[];

/** Batches within PutLogEvents' limits. */
const batches = (events: Events): Events[] => {
  const out: Events[] = [];
  let cur: Events = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message) + EVENT_OVERHEAD;
    if (cur.length && (cur.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES || e.timestamp - cur[0].timestamp > DAY_MS)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
};

const deliver = async (sh: Shipper, b: StreamBuffer, events: Events): Promise<void> => {
  const { client, mod } = await sdk(sh.runtime, "cloudwatch-logs", b.scope);
  await (b.ready ??= create(sh, b));
  for (const logEvents of batches(events)) {
    const put = () => client.send(new mod.PutLogEventsCommand({ logGroupName: b.group, logStreamName: b.stream, logEvents }));
    try {
      await put();
    } catch (e) {
      // The group or the stream was deleted meanwhile: Lambda makes them again.
      if (sdkError(e).code !== "ResourceNotFoundException") throw e;
      await (b.ready = create(sh, b));
      await put();
    }
  }
};

const ignoreExists = (e: unknown): void => {
  if (sdkError(e).code !== "ResourceAlreadyExistsException") throw e;
};

/** The stop hook's part: delivers what is buffered, then takes no more. */
export const stopFunctionLogs = async (runtime: ServiceRuntime): Promise<void> => {
  const sh = shippers.get(runtime);
  if (!sh) return;
  if (sh.timer) clearTimeout(sh.timer);
  sh.timer = undefined;
  await flush(sh);
  // Kept (stopped) rather than forgotten: lines of processes that exit later are dropped, not
  // delivered to a Cloudbox that is going away.
  sh.stopped = true;
  sh.streams.clear();
};
