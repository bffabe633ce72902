/**
 * Event (asynchronous) invocations after Invoke answered 202, as "How Lambda handles errors and
 * retries with asynchronous invocation" describes
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
 * - a function error is retried up to MaximumRetryAttempts times (the qualifier's event invoke
 *   config, default 2), one minute before the second attempt and two minutes before the third;
 * - a throttled event (reserved concurrency used up) goes back to the queue, with a backoff from
 *   1 second to 5 minutes, without using up an attempt;
 * - an event older than MaximumEventAgeInSeconds (default 6 hours) is discarded;
 * - the invocation record of a success goes to the OnSuccess destination, of an event that used
 *   up its attempts ("RetriesExhausted") or aged out ("EventAgeExceeded") to OnFailure, in the
 *   record shape of "Capturing records of Lambda asynchronous invocations"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): version
 *   "1.0", timestamp, requestContext {requestId, functionArn, condition, approximateInvokeCount},
 *   requestPayload, responseContext {statusCode, executedVersion, functionError}, responsePayload.
 *   A Lambda function destination is invoked asynchronously (Event) with the record as its event,
 *   through the Lambda API as the function's account.
 * The version is resolved at each attempt (an alias may have moved), with the config of the
 * qualifier that was invoked. All waits use the Cloudbox clock.
 *
 * The queue is durable, as Lambda's own queue is ("For asynchronous invocation, Lambda places the
 * event in a queue and returns a success response",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): Invoke writes the event to
 * lambda_async_events (store.ts) before it answers 202; each attempt's outcome (attempt count,
 * next attempt time, throttling backoff, the last result) is written back; the row goes once the
 * event succeeded, or used up its attempts or aged out and its record went to the destination
 * (or there is none). A timer per event (runtime.clock.schedule) runs its next step; the service's
 * start hook re-arms every queued event after a restart (resumeAsyncEvents), and an event that
 * aged out meanwhile goes to OnFailure as EventAgeExceeded at its next step.
 *
 * Delivery is at least once, as Lambda documents for asynchronous invocation ("it's possible for
 * it to receive the same event from Lambda multiple times because the queue itself is eventually
 * consistent", invocation-async-error-handling.html; "Occasionally, your function may receive the
 * same event multiple times, even if no error occurs",
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): an attempt that was
 * running when Cloudbox stopped or was killed leaves its row as it was, and runs again after the
 * restart; a record whose destination call was cut short is delivered again. Within one process an
 * event has at most one timer or attempt at a time.
 */
import type { ServiceRuntime, StorePort } from "../../core/index.js";
import { sdk, sdkError } from "./clients.js";
import { runInvocation, type InvokeRequest, type InvokeResult } from "./environments.js";
import { DEFAULT_MAX_AGE_S, DEFAULT_RETRIES, eventInvokeConfigOf } from "./event-invoke-config.js";
import { execSpec } from "./exec-spec.js";
import { functionArn, resolveQualified } from "./model.js";
import {
  deleteAsyncEvent,
  getAsyncEvent,
  insertAsyncEvent,
  listAsyncEventsDue,
  setAsyncEventAttempted,
  setAsyncEventOutcome,
  setAsyncEventThrottled,
  type AsyncEventRow,
  type Scope,
} from "./store.js";

/** Waits after a function error: 1 minute, then 2 (invocation-async-error-handling.html). */
const ERROR_RETRY_MS = [60_000, 120_000];
/** Throttling backoff: from 1 second, doubling, up to 5 minutes (same page). */
const FIRST_THROTTLE_DELAY_MS = 1000;
const MAX_THROTTLE_DELAY_MS = 5 * 60_000;
/** How long the stop hook waits for steps in flight to settle. */
const STOP_GRACE_MS = 2000;

export interface AcceptedEvent {
  scope: Scope;
  functionName: string;
  /** The qualifier as invoked (undefined: unqualified). */
  qualifier?: string;
  req: InvokeRequest;
  /** When Lambda accepted the event (clock ms). */
  acceptedAt: number;
}

type Condition = "Success" | "RetriesExhausted" | "EventAgeExceeded";

/** The queue's workers of one Cloudbox (keyed by its runtime; no module-level state). */
interface Queue {
  stopped: boolean;
  /** Events whose next step has a timer, by request id (with its cancel function). */
  timers: Map<string, () => void>;
  /** Events whose step is running now: one at a time per event. */
  busy: Map<string, Promise<void>>;
}

const queues = new WeakMap<ServiceRuntime, Queue>();

const queueOf = (runtime: ServiceRuntime): Queue => {
  let q = queues.get(runtime);
  if (!q) queues.set(runtime, (q = { stopped: false, timers: new Map(), busy: new Map() }));
  return q;
};

/**
 * Invoke with InvocationType Event: writes the event to the queue table in a transaction that
 * commits before Invoke answers 202, then arms its first attempt.
 */
export const acceptEvent = (runtime: ServiceRuntime, store: StorePort, ev: AcceptedEvent): void => {
  store.transaction(() =>
    insertAsyncEvent(store, {
      request_id: ev.req.requestId,
      account_id: ev.scope.accountId,
      region: ev.scope.region,
      function_name: ev.functionName,
      qualifier: ev.qualifier ?? null,
      payload: ev.req.payload,
      invoked_arn: ev.req.invokedArn,
      client_context: ev.req.clientContext ?? null,
      received_ms: ev.acceptedAt,
      next_attempt_ms: ev.acceptedAt,
    }),
  );
  arm(runtime, ev.req.requestId, ev.acceptedAt);
};

/** The service's start hook: arms every event the table holds (those queued before a restart). */
export const resumeAsyncEvents = (runtime: ServiceRuntime): void => {
  const q = queueOf(runtime);
  q.stopped = false;
  const rows = listAsyncEventsDue(runtime.store);
  if (rows.length) runtime.log.info(`lambda: resuming ${rows.length} queued asynchronous invocation(s)`);
  for (const r of rows) arm(runtime, r.request_id, r.next_attempt_ms);
};

/**
 * The first part of the service's stop hook: no new step starts and armed timers are cancelled
 * (their rows stay for the next start). Resolves when the steps in flight have settled, or after
 * a grace period; their attempts end when the environments are killed, which leaves their rows
 * to run again after a restart.
 */
export const stopAsyncEvents = (runtime: ServiceRuntime): Promise<void> => {
  const q = queues.get(runtime);
  if (!q) return Promise.resolve();
  q.stopped = true;
  for (const cancel of q.timers.values()) cancel();
  q.timers.clear();
  const inflight = [...q.busy.values()];
  return Promise.race([Promise.all(inflight).then(() => undefined), new Promise<void>((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
};

/** Runs the event's next step at `atMs` (clock time), unless it already has a timer or a step running. */
const arm = (runtime: ServiceRuntime, id: string, atMs: number): void => {
  const q = queueOf(runtime);
  if (q.stopped || q.timers.has(id) || q.busy.has(id)) return;
  const cancel = runtime.clock.schedule(atMs, () => {
    if (q.timers.get(id) !== cancel) return;
    q.timers.delete(id);
    run(runtime, q, id);
  });
  q.timers.set(id, cancel);
};

const run = (runtime: ServiceRuntime, q: Queue, id: string): void => {
  if (q.stopped || q.busy.has(id)) return;
  const p = step(runtime, q, id).then(
    (next) => {
      q.busy.delete(id);
      if (next !== undefined) arm(runtime, id, next);
    },
    (e) => {
      q.busy.delete(id);
      if (!q.stopped) runtime.log.error(`lambda: asynchronous invocation ${id} failed`, e);
    },
  );
  q.busy.set(id, p);
};

const requestOf = (row: AsyncEventRow): InvokeRequest => ({
  requestId: row.request_id,
  payload: row.payload,
  invokedArn: row.invoked_arn,
  ...(row.client_context !== null ? { clientContext: row.client_context } : {}),
});

/**
 * One step of a queued event: an attempt, or the delivery of its record once it has an outcome.
 * Resolves to when the next step is due, or undefined when the event is done with (or stays for
 * the next start because Cloudbox is stopping).
 */
const step = async (runtime: ServiceRuntime, q: Queue, id: string): Promise<number | undefined> => {
  const row = getAsyncEvent(runtime.store, id);
  if (!row) return undefined; // done with, or the store was reset
  if (row.outcome) return deliver(runtime, q, row, row.outcome as Condition);
  const scope: Scope = { accountId: row.account_id, region: row.region };
  const qualifier = row.qualifier ?? undefined;
  const config = eventInvokeConfigOf(runtime, scope, row.function_name, qualifier);
  const maxRetries = config?.MaximumRetryAttempts ?? DEFAULT_RETRIES;
  const maxAgeMs = (config?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
  if (runtime.clock.now() - row.received_ms > maxAgeMs) {
    setAsyncEventOutcome(runtime.store, id, "EventAgeExceeded");
    return deliver(runtime, q, row, "EventAgeExceeded");
  }
  let result: InvokeResult;
  let version: string;
  try {
    const resolved = resolveQualified(runtime.store, scope, { name: row.function_name, ...(qualifier ? { qualifier } : {}) });
    version = resolved.version;
    result = await runInvocation(runtime, execSpec(runtime, scope, row.function_name, resolved), requestOf(row));
  } catch (e) {
    // Stopping: the event stays as it was and runs after the next start.
    if (q.stopped) return undefined;
    if ((e as { code?: string }).code === "TooManyRequestsException") {
      const delay = row.throttle_delay_ms;
      const next = runtime.clock.now() + delay;
      setAsyncEventThrottled(runtime.store, id, next, Math.min(delay * 2, MAX_THROTTLE_DELAY_MS));
      return next;
    }
    // The function (or its version or alias) is gone.
    runtime.log.warn(`lambda: event ${id} for ${row.function_name} dropped: ${(e as Error).message}`);
    deleteAsyncEvent(runtime.store, id);
    return undefined;
  }
  // An attempt cut short by the stop (its environment killed) does not count: it runs again.
  if (q.stopped && result.functionError) return undefined;
  const attempts = row.attempts + 1;
  const outcome: Condition | null = !result.functionError ? "Success" : attempts > maxRetries ? "RetriesExhausted" : null;
  const now = runtime.clock.now();
  const next = outcome ? now : now + ERROR_RETRY_MS[Math.min(attempts - 1, ERROR_RETRY_MS.length - 1)];
  const updated = {
    attempts,
    nextAttemptMs: next,
    outcome,
    version,
    functionError: result.functionError ?? null,
    response: result.payload,
  };
  if (runtime.store.transaction(() => setAsyncEventAttempted(runtime.store, id, updated)) === 0) return undefined; // the store was reset
  if (!outcome) return next;
  return deliver(runtime, q, { ...row, attempts, outcome, last_version: version, last_function_error: updated.functionError, last_response: result.payload }, outcome);
};

const json = (b: Buffer): unknown => {
  if (b.length === 0) return null;
  try {
    return JSON.parse(b.toString("utf8"));
  } catch {
    return b.toString("utf8");
  }
};

/** Sends the event's record to the destination of its outcome, if any, and removes it from the queue. */
const deliver = async (runtime: ServiceRuntime, q: Queue, row: AsyncEventRow, condition: Condition): Promise<undefined> => {
  const id = row.request_id;
  if (condition !== "Success") {
    runtime.log.warn(`lambda: event ${id} for ${row.function_name} discarded (${condition}, ${row.attempts} attempt(s))`);
  }
  const scope: Scope = { accountId: row.account_id, region: row.region };
  const qualifier = row.qualifier ?? undefined;
  const config = eventInvokeConfigOf(runtime, scope, row.function_name, qualifier);
  const destination = config?.DestinationConfig[condition === "Success" ? "OnSuccess" : "OnFailure"]?.Destination;
  if (destination) {
    const record = {
      version: "1.0",
      timestamp: new Date(runtime.clock.now()).toISOString(),
      requestContext: {
        requestId: id,
        functionArn: functionArn(scope, row.function_name, qualifier ?? "$LATEST"),
        condition,
        approximateInvokeCount: row.attempts,
      },
      requestPayload: json(row.payload),
      ...(row.last_version !== null
        ? {
            responseContext: {
              statusCode: 200,
              executedVersion: row.last_version,
              ...(row.last_function_error ? { functionError: row.last_function_error } : {}),
            },
            responsePayload: json(row.last_response ?? Buffer.alloc(0)),
          }
        : {}),
    };
    try {
      if (destination.split(":")[2] !== "lambda") throw new Error("only Lambda function destinations are supported");
      const { client, mod } = await sdk(runtime, "lambda", scope);
      await client.send(new mod.InvokeCommand({ FunctionName: destination, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(record)) }));
    } catch (e) {
      // Stopping: the record is delivered after the next start.
      if (q.stopped) return undefined;
      // Lambda counts such failures in the DestinationDeliveryFailures metric; Cloudbox logs them.
      runtime.log.warn(`lambda: record of event ${id} not delivered to ${destination}: ${sdkError(e).message}`);
    }
  }
  deleteAsyncEvent(runtime.store, id);
  return undefined;
};
