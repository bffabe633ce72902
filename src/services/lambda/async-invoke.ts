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
 * DEVIATION: queued events live in memory and are lost on restart (docs/deviations.md).
 */
import type { ServiceRuntime } from "../../core/index.js";
import { sdk, sdkError } from "./clients.js";
import { runInvocation, scheduleOn, type InvokeRequest, type InvokeResult } from "./environments.js";
import { DEFAULT_MAX_AGE_S, DEFAULT_RETRIES, eventInvokeConfigOf } from "./event-invoke-config.js";
import { execSpec } from "./exec-spec.js";
import { functionArn, resolveQualified } from "./model.js";
import type { Scope } from "./store.js";

/** Waits after a function error: 1 minute, then 2. */
const ERROR_RETRY_MS = [60_000, 120_000];
const MAX_THROTTLE_DELAY_MS = 5 * 60_000;

export interface QueuedEvent {
  scope: Scope;
  functionName: string;
  /** The qualifier as invoked (undefined: unqualified). */
  qualifier?: string;
  req: InvokeRequest;
  /** When Lambda accepted the event (clock ms). */
  acceptedAt: number;
}

interface Progress {
  attempts: number;
  last?: { result: InvokeResult; version: string };
}

export const queueEvent = (runtime: ServiceRuntime, ev: QueuedEvent): void => {
  void attempt(runtime, ev, { attempts: 0 }, 1000);
};

const attempt = async (runtime: ServiceRuntime, ev: QueuedEvent, p: Progress, throttleDelay: number): Promise<void> => {
  const config = eventInvokeConfigOf(runtime, ev.scope, ev.functionName, ev.qualifier);
  const maxRetries = config?.MaximumRetryAttempts ?? DEFAULT_RETRIES;
  const maxAgeMs = (config?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
  if (runtime.clock.now() - ev.acceptedAt > maxAgeMs) return finish(runtime, ev, p, "EventAgeExceeded");
  let result: InvokeResult;
  let version: string;
  try {
    const resolved = resolveQualified(runtime.store, ev.scope, { name: ev.functionName, ...(ev.qualifier ? { qualifier: ev.qualifier } : {}) });
    version = resolved.version;
    result = await runInvocation(runtime, execSpec(runtime, ev.scope, ev.functionName, resolved), ev.req);
  } catch (e) {
    if ((e as { code?: string }).code === "TooManyRequestsException") {
      const next = Math.min(throttleDelay * 2, MAX_THROTTLE_DELAY_MS);
      scheduleOn(runtime, runtime.clock.now() + throttleDelay, () => void attempt(runtime, ev, p, next));
    } else {
      // The function (or its version) is gone, or Cloudbox is stopping.
      runtime.log.warn(`lambda: event ${ev.req.requestId} for ${ev.functionName} dropped: ${(e as Error).message}`);
    }
    return;
  }
  p.attempts++;
  p.last = { result, version };
  if (!result.functionError) return finish(runtime, ev, p, "Success");
  if (p.attempts > maxRetries) return finish(runtime, ev, p, "RetriesExhausted");
  const wait = ERROR_RETRY_MS[Math.min(p.attempts - 1, ERROR_RETRY_MS.length - 1)];
  scheduleOn(runtime, runtime.clock.now() + wait, () => void attempt(runtime, ev, p, 1000));
};

const json = (b: Buffer): unknown => {
  if (b.length === 0) return null;
  try {
    return JSON.parse(b.toString("utf8"));
  } catch {
    return b.toString("utf8");
  }
};

type Condition = "Success" | "RetriesExhausted" | "EventAgeExceeded";

const finish = async (runtime: ServiceRuntime, ev: QueuedEvent, p: Progress, condition: Condition): Promise<void> => {
  if (condition !== "Success") {
    runtime.log.warn(`lambda: event ${ev.req.requestId} for ${ev.functionName} discarded (${condition}, ${p.attempts} attempt(s))`);
  }
  const config = eventInvokeConfigOf(runtime, ev.scope, ev.functionName, ev.qualifier);
  const destination = config?.DestinationConfig[condition === "Success" ? "OnSuccess" : "OnFailure"]?.Destination;
  if (!destination) return;
  const record = {
    version: "1.0",
    timestamp: new Date(runtime.clock.now()).toISOString(),
    requestContext: {
      requestId: ev.req.requestId,
      functionArn: functionArn(ev.scope, ev.functionName, ev.qualifier ?? "$LATEST"),
      condition,
      approximateInvokeCount: p.attempts,
    },
    requestPayload: json(ev.req.payload),
    ...(p.last
      ? {
          responseContext: {
            statusCode: 200,
            executedVersion: p.last.version,
            ...(p.last.result.functionError ? { functionError: p.last.result.functionError } : {}),
          },
          responsePayload: json(p.last.result.payload),
        }
      : {}),
  };
  try {
    if (destination.split(":")[2] !== "lambda") throw new Error("only Lambda function destinations are supported");
    const { client, mod } = await sdk(runtime, "lambda", ev.scope);
    await client.send(new mod.InvokeCommand({ FunctionName: destination, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(record)) }));
  } catch (e) {
    // Lambda counts such failures in the DestinationDeliveryFailures metric; Cloudbox logs them.
    runtime.log.warn(`lambda: record of event ${ev.req.requestId} not delivered to ${destination}: ${sdkError(e).message}`);
  }
};
