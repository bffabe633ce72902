/**
 * Invoke: RequestResponse (runs the function and answers its result), Event (queued: answers 202
 * at once, runs in the background, retried twice on a function error after 1 and then 2 minutes
 * of clock time, as Lambda documents in "How Lambda handles errors and retries with asynchronous
 * invocation", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html;
 * throttled events go back to the queue with a backoff from 1 second to 5 minutes, for up to
 * 6 hours), and DryRun (validation only, 204).
 * Qualifier: $LATEST, a version or an alias (RoutingConfig weights pick the version); the version
 * that ran comes back as X-Amz-Executed-Version. LogType Tail: the last 4 KB of the invocation's
 * log, base64, in X-Amz-Log-Result. A function error answers 200 with X-Amz-Function-Error:
 * Unhandled and the error document ({errorType, errorMessage, trace}) as the payload.
 * Not done: DestinationConfig (on-success / on-failure) and dead-letter queues (no SQS/SNS yet),
 * InvokeWithResponseStream, durable executions, tenant ids.
 */
import type { InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { commonErrors, opDefiner, type ServiceRuntime } from "../../core/index.js";
import { loadZip } from "./code.js";
import { runInvocation, scheduleOn, type ExecSpec, type InvokeRequest } from "./environments.js";
import { lambdaErrors } from "./errors.js";
import { functionArn, parseFunctionName, resolveQualified, runtimeOf, scopeOf, type ResolvedVersion } from "./model.js";
import { getFunctionRow, type Scope } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-lambda")>();

/** Invocation payload quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024; // 6291456: "Request must be smaller than 6291456 bytes..."
export const MAX_ASYNC_PAYLOAD = 256 * 1024;

const specFor = (runtime: ServiceRuntime, s: Scope, name: string, r: ResolvedVersion): ExecSpec => ({
  scope: s,
  functionName: name,
  version: r.version,
  config: r.config,
  codeSha256: r.codeSha256,
  loadZip: () => loadZip(runtime.store, s, r.codeSha256),
  reservedConcurrency: getFunctionRow(runtime.store, s, name)?.reserved_concurrency ?? null,
});

const tail = (log: string): string => {
  const b = Buffer.from(log, "utf8");
  return (b.length > 4096 ? b.subarray(b.length - 4096) : b).toString("base64");
};

const checkJson = (payload: Buffer): void => {
  if (payload.length === 0) return;
  try {
    JSON.parse(payload.toString("utf8"));
  } catch (e) {
    // Lambda answers InvalidRequestContentException "Could not parse request body into json: ...".
    throw lambdaErrors.invalidRequestContent(`Could not parse request body into json: Could not parse payload into json: ${(e as Error).message}`);
  }
};

export const invoke = defineOp("Invoke", async (input, ctx) => {
  const s = scopeOf(ctx);
  const runtime = runtimeOf(ctx);
  const ref = parseFunctionName(input.FunctionName, ctx);
  const qualifier = input.Qualifier ?? ref.qualifier;
  if (input.Qualifier && ref.qualifier && input.Qualifier !== ref.qualifier) {
    throw lambdaErrors.invalidParameterValue("The derived qualifier from the function name does not match the specified qualifier.");
  }
  const type = input.InvocationType ?? "RequestResponse";
  if (type !== "RequestResponse" && type !== "Event" && type !== "DryRun") {
    throw commonErrors.validation(
      `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  const raw = input.Payload as Uint8Array | string | undefined;
  const payload = raw === undefined ? Buffer.alloc(0) : typeof raw === "string" ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (payload.length > MAX_SYNC_PAYLOAD) throw lambdaErrors.requestEntityTooLarge(MAX_SYNC_PAYLOAD);
  if (type === "Event" && payload.length > MAX_ASYNC_PAYLOAD) throw lambdaErrors.requestEntityTooLarge(MAX_ASYNC_PAYLOAD);
  const resolved = resolveQualified(ctx.store, s, { name: ref.name, ...(qualifier ? { qualifier } : {}) });
  checkJson(payload);
  const invokedArn = functionArn(s, ref.name, qualifier);
  if (type === "DryRun") return { StatusCode: 204 } as { StatusCode: number };
  const clientContext = input.ClientContext ? Buffer.from(input.ClientContext, "base64").toString("utf8") : undefined;
  const req: InvokeRequest = {
    requestId: ctx.requestId,
    payload: payload.length ? payload : Buffer.from("{}"),
    invokedArn,
    ...(clientContext ? { clientContext } : {}),
  };
  const spec = specFor(runtime, s, ref.name, resolved);
  if (type === "Event") {
    if (spec.reservedConcurrency === 0) {
      // With reserved concurrency 0 the function is throttled, asynchronous calls included.
      throw lambdaErrors.tooManyRequests("ReservedFunctionConcurrentInvocationLimitExceeded");
    }
    queueEvent(runtime, spec, req, 0, ctx.clock.now());
    return { StatusCode: 202 };
  }
  const result = await runInvocation(runtime, spec, req);
  return {
    StatusCode: 200,
    // The SDK's output type is its Uint8ArrayBlobAdapter; the codec writes any Uint8Array.
    Payload: new Uint8Array(result.payload.buffer, result.payload.byteOffset, result.payload.byteLength) as unknown as InvokeCommandOutput["Payload"],
    ExecutedVersion: resolved.version,
    ...(result.functionError ? { FunctionError: result.functionError } : {}),
    ...(input.LogType === "Tail" ? { LogResult: tail(result.log) } : {}),
  };
});

/** Retry delays after a function error: 1 minute, then 2 (two retries). */
const ERROR_RETRY_MS = [60_000, 120_000];
const THROTTLE_MAX_AGE_MS = 6 * 3600_000;

const queueEvent = (runtime: ServiceRuntime, spec: ExecSpec, req: InvokeRequest, attempt: number, firstAt: number, throttleDelay = 1000): void => {
  void (async () => {
    try {
      const result = await runInvocation(runtime, spec, req);
      if (result.functionError && attempt < ERROR_RETRY_MS.length) {
        scheduleOn(runtime, runtime.clock.now() + ERROR_RETRY_MS[attempt], () => queueEvent(runtime, spec, req, attempt + 1, firstAt));
      }
    } catch (e) {
      const throttled = (e as { code?: string }).code === "TooManyRequestsException";
      if (throttled && runtime.clock.now() - firstAt < THROTTLE_MAX_AGE_MS) {
        const next = Math.min(throttleDelay * 2, 5 * 60_000);
        scheduleOn(runtime, runtime.clock.now() + throttleDelay, () => queueEvent(runtime, spec, req, attempt, firstAt, next));
      } else {
        runtime.log.warn(`lambda: event ${req.requestId} for ${spec.functionName} dropped: ${(e as Error).message}`);
      }
    }
  })();
};

