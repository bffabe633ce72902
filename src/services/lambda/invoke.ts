/**
 * Invoke: RequestResponse (runs the function and answers its result), Event (written to the
 * durable queue, answers 202 at once and runs in the background with the retries, event age limit
 * and destinations of the qualifier's event invoke config: async-invoke.ts), and DryRun
 * (validation only, 204).
 * Qualifier: $LATEST, a version or an alias (RoutingConfig weights pick the version); the version
 * that ran comes back as X-Amz-Executed-Version. LogType Tail: the last 4 KB of the invocation's
 * log, base64, in X-Amz-Log-Result. A function error answers 200 with X-Amz-Function-Error:
 * Unhandled and the error document ({errorType, errorMessage, trace}) as the payload.
 * Not done: dead-letter queues (no SQS/SNS yet), InvokeWithResponseStream, durable executions,
 * tenant ids.
 */
import type { InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { commonErrors, opDefiner } from "../../core/index.js";
import { acceptEvent } from "./async-invoke.js";
import { runInvocation, type InvokeRequest } from "./environments.js";
import { lambdaErrors } from "./errors.js";
import { execSpec } from "./exec-spec.js";
import { functionArn, parseFunctionName, resolveQualified, runtimeOf, scopeOf } from "./model.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-lambda")>();

/** Invocation payload quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024; // 6291456: "Request must be smaller than 6291456 bytes..."
export const MAX_ASYNC_PAYLOAD = 256 * 1024;

/** LogType Tail: the last 4 KB of the invocation's log, base64 (API_Invoke.html, LogType). */
const TAIL_BYTES = 4096;
const tail = (lines: readonly string[]): string => {
  const b = Buffer.from(lines.join("\n") + "\n", "utf8");
  return (b.length > TAIL_BYTES ? b.subarray(b.length - TAIL_BYTES) : b).toString("base64");
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

const EMPTY_EVENT = Buffer.from("{}");

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
    payload: payload.length ? payload : EMPTY_EVENT,
    invokedArn,
    ...(clientContext ? { clientContext } : {}),
  };
  if (type === "Event") {
    if (resolved.fn.reserved_concurrency === 0) {
      // With reserved concurrency 0 the function is throttled, asynchronous calls included.
      throw lambdaErrors.tooManyRequests("ReservedFunctionConcurrentInvocationLimitExceeded");
    }
    // Written to the queue table before the 202 (async-invoke.ts): it survives a restart or a kill.
    acceptEvent(runtime, ctx.store, { scope: s, functionName: ref.name, ...(qualifier ? { qualifier } : {}), req, acceptedAt: ctx.clock.now() });
    return { StatusCode: 202 };
  }
  const result = await runInvocation(runtime, execSpec(runtime, s, ref.name, resolved), req);
  return {
    StatusCode: 200,
    // The SDK's output type is its Uint8ArrayBlobAdapter; the codec writes any Uint8Array.
    Payload: new Uint8Array(result.payload.buffer, result.payload.byteOffset, result.payload.byteLength) as unknown as InvokeCommandOutput["Payload"],
    ExecutedVersion: resolved.version,
    ...(result.functionError ? { FunctionError: result.functionError } : {}),
    ...(input.LogType === "Tail" ? { LogResult: tail(result.lines) } : {}),
  };
});

