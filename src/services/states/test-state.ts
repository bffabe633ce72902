/**
 * TestState: runs one state in isolation (https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html).
 * The state (or `stateName` of a full definition) becomes a one-state EXPRESS execution in memory:
 * its Next/Default/Choices/Catch targets become stub Succeed states, so the first stub entered is
 * `nextState` and its input is the state's output. Retry is not performed: an error that a retrier
 * matches answers RETRIABLE, as AWS does; an error a Catch handles answers CAUGHT_ERROR.
 * Tasks call their real integration unless `mock` gives a result or errorOutput.
 * Does not do: inspectionData beyond `input` (DEBUG/TRACE), `variables`, `context`, `stateConfiguration`.
 */
import { AwsError, opDefiner } from "../../core/index.js";
import { formatInvalidDefinition, validateDefinition, type Json, type JsonObject } from "../../engines/asl/index.js";
import { sfnErrors } from "./errors.js";
import { runnerFor, start, whenFinished } from "./runner.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sfn")>();

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

export const testState = defineOp("TestState", async (input, ctx) => {
  if (!ctx.runtime) throw new AwsError("InternalFailure", "The Step Functions runner is not available (no runtime).", { status: 500 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.definition ?? "");
  } catch {
    throw sfnErrors.invalidDefinition(formatInvalidDefinition(validateDefinition(input.definition ?? "")));
  }
  if (!isObj(parsed)) throw sfnErrors.invalidDefinition("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The definition must be an object'");
  const name = input.stateName ?? "TestState";
  let state: JsonObject;
  let top: JsonObject = {};
  if (input.stateName) {
    const states = parsed.States;
    if (!isObj(states) || !isObj(states[input.stateName])) throw sfnErrors.validation(`State ${input.stateName} is not in the definition`);
    state = structuredClone(states[input.stateName] as JsonObject);
    top = parsed;
  } else state = structuredClone(parsed);
  const retry = Array.isArray(state.Retry) ? (state.Retry as JsonObject[]) : [];
  delete state.Retry;
  const targets = new Set<string>();
  if (typeof state.Next === "string") targets.add(state.Next);
  if (typeof state.Default === "string") targets.add(state.Default);
  for (const c of [...((state.Choices as JsonObject[]) ?? []), ...((state.Catch as JsonObject[]) ?? [])]) if (typeof c.Next === "string") targets.add(c.Next);
  const catchTargets = new Set(((state.Catch as JsonObject[]) ?? []).map((c) => c.Next as string));
  const States: JsonObject = { [name]: state };
  for (const t of targets) if (t !== name) States[t] = { Type: "Succeed" };
  const def: JsonObject = { StartAt: name, States, ...(top.QueryLanguage ? { QueryLanguage: top.QueryLanguage } : {}) };
  const diags = validateDefinition(def).filter((d) => d.severity === "ERROR");
  if (diags.length) throw sfnErrors.invalidDefinition(formatInvalidDefinition(diags));
  let stateInput: Json = {};
  if (input.input !== undefined) {
    try {
      stateInput = JSON.parse(input.input) as Json;
    } catch (e) {
      throw sfnErrors.invalidExecutionInput(`Invalid State Machine Execution Input: '${(e as Error).message}'`);
    }
  }
  if (input.mock && !["Task", "Map", "Parallel"].includes(state.Type as string))
    throw sfnErrors.validation("A mock can only be specified for Task, Map, or Parallel states");
  const inlineMock = input.mock
    ? input.mock.errorOutput
      ? { error: input.mock.errorOutput.error ?? "States.TaskFailed", cause: input.mock.errorOutput.cause ?? "" }
      : { output: JSON.parse(input.mock.result ?? "null") as Json }
    : undefined;

  const w = runnerFor(ctx.runtime);
  const id = crypto.randomUUID();
  const smArn = `arn:aws:states:${ctx.region}:${ctx.accountId}:stateMachine:TestState`;
  const arn = `arn:aws:states:${ctx.region}:${ctx.accountId}:express:TestState:${id}:${id}`;
  await start(w, {
    arn, account: ctx.accountId, region: ctx.region, def, input: stateInput, name: id, smArn, smName: "TestState",
    roleArn: input.roleArn ?? `arn:aws:iam::${ctx.accountId}:role/TestState`, express: true, inlineMock,
  });
  const f = await whenFinished(w, arn);
  const h = f.history ?? [];
  const next = h.find((e) => e.type.endsWith("StateEntered") && (e.stateEnteredEventDetails as { name: string }).name !== name);
  const nextState = next ? (next.stateEnteredEventDetails as { name: string }).name : undefined;
  const nextInput = next ? ((next.stateEnteredEventDetails as { input?: string }).input ?? undefined) : undefined;
  const failure = h.find((e) => e.type.endsWith("Failed") && e.type !== "ExecutionFailed");
  const failDetails = failure ? (Object.values(failure).find((v) => isObj(v) && "error" in (v as object)) as { error?: string; cause?: string } | undefined) : undefined;
  const inspection = input.inspectionLevel && input.inspectionLevel !== "INFO" ? { inspectionData: { input: JSON.stringify(stateInput) } } : {};
  if (f.state.status === "SUCCEEDED") {
    if (nextState && catchTargets.has(nextState) && failDetails && state.Type !== "Choice")
      return { status: "CAUGHT_ERROR" as const, nextState, output: nextInput, error: failDetails.error, cause: failDetails.cause, ...inspection };
    return { status: "SUCCEEDED" as const, output: nextInput ?? JSON.stringify(f.state.output ?? null), ...(nextState ? { nextState } : {}), ...inspection };
  }
  const error = f.state.error ?? "States.Runtime";
  const retriable = retry.some((r) => Array.isArray(r.ErrorEquals) && (r.ErrorEquals.includes(error) || (r.ErrorEquals.includes("States.ALL") && error !== "States.Runtime")));
  return { status: retriable ? ("RETRIABLE" as const) : ("FAILED" as const), error, cause: f.state.cause ?? "", ...inspection };
});
