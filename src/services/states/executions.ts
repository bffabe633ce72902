/**
 * Step Functions executions and task callbacks: StartExecution, StartSyncExecution,
 * DescribeExecution, ListExecutions, StopExecution, GetExecutionHistory,
 * DescribeStateMachineForExecution, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.
 * The runner (runner.ts) does the work; these handlers validate, answer and hand events over.
 * RedriveExecution is in redrive.ts, Map Runs in map-runs.ts; ListExecutions with mapRunArn lists a
 * Map Run's STANDARD children.
 * Does not do: includeExecutionData=false (history always carries the data).
 */
import { AwsError, opDefiner, type OperationContext } from "../../core/index.js";
import type { Json, JsonObject } from "../../engines/asl/index.js";
import { checkName, decodeToken, encodeToken, executionArnOf, pageSize, parseSfnArn, storeOf } from "./common.js";
import { sfnErrors } from "./errors.js";
import { hasTestCase, loadMockConfig } from "./mocks.js";
import { findTaskToken, runnerFor, send, start, whenFinished } from "./runner.js";
import { mapRunOf } from "./map-runs.js";
import { redriveStatusOf } from "./redrive.js";
import { resolveMachine } from "./state-machines.js";
import type { ExecutionRow } from "./store.js";
import { tokenStore } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sfn")>();

const runtimeOf = (ctx: OperationContext) => {
  if (!ctx.runtime) throw new AwsError("InternalFailure", "The Step Functions runner is not available (no runtime).", { status: 500 });
  return ctx.runtime;
};

const parseInput = (input: string | undefined): Json => {
  if (input === undefined) return {};
  try {
    return JSON.parse(input) as Json;
  } catch (e) {
    throw sfnErrors.invalidExecutionInput(`Invalid State Machine Execution Input: '${(e as Error).message}'`);
  }
};

/** Step Functions Local's test-case selection: "<state machine arn>#<TestCaseName>" (sfn-local-test-sm-exec.html). */
const splitTestCase = (arn: string | undefined): { arn: string | undefined; testCase?: string } => {
  if (!arn || !arn.includes("#")) return { arn };
  const i = arn.lastIndexOf("#");
  return { arn: arn.slice(0, i), testCase: arn.slice(i + 1) };
};

export const startExecutionOp = defineOp("StartExecution", async (input, ctx) => {
  const rt = runtimeOf(ctx);
  const { arn: smArnIn, testCase } = splitTestCase(input.stateMachineArn);
  const r = resolveMachine(ctx, smArnIn);
  const m = r.machine;
  if (testCase && !hasTestCase(loadMockConfig(ctx.settings), m.name, testCase))
    throw sfnErrors.validation(`Test case ${testCase} was not found for state machine ${m.name} in the mock configuration`);
  const name = checkName(input.name ?? crypto.randomUUID());
  const parsed = parseInput(input.input);
  const express = m.type === "EXPRESS";
  const arn = express ? `${executionArnOf(m.arn, name, "express")}:${crypto.randomUUID()}` : executionArnOf(m.arn, name);
  const w = runnerFor(rt);
  const s = storeOf(ctx);
  // Idempotent on name with the same input (API_StartExecution: "StartExecution is idempotent for
  // STANDARD workflows ... if called with the same name and input as a running execution").
  const idempotent = () => {
    const ex = s.executionSummary(arn);
    if (!ex) return undefined;
    if (ex.status === "RUNNING" && ex.input === (input.input ?? "{}")) return { executionArn: arn, startDate: new Date(ex.start_ms) };
    throw sfnErrors.executionAlreadyExists(arn);
  };
  if (!express) {
    const same = idempotent();
    if (same) return same;
  }
  const now = ctx.clock.now();
  await start(w, {
    arn,
    account: ctx.accountId,
    region: ctx.region,
    def: JSON.parse(r.definition) as JsonObject,
    input: parsed,
    name,
    smArn: m.arn,
    smName: m.name,
    roleArn: r.roleArn,
    express,
    testCase,
    row: express
      ? undefined
      : {
          arn, account_id: ctx.accountId, region: ctx.region, machine_arn: m.arn, version_arn: r.versionArn ?? null, alias_arn: r.aliasArn ?? null,
          name, input: input.input ?? "{}", start_ms: now, definition: r.definition, test_case: testCase ?? null, parent: null,
          trace_header: input.traceHeader ?? null,
        },
    inTransaction: () => {
      if (s.executionSummary(arn)) throw sfnErrors.executionAlreadyExists(arn);
    },
  });
  return { executionArn: arn, startDate: new Date(now) };
});

export const startSyncExecution = defineOp("StartSyncExecution", async (input, ctx) => {
  const rt = runtimeOf(ctx);
  const { arn: smArnIn, testCase } = splitTestCase(input.stateMachineArn);
  const r = resolveMachine(ctx, smArnIn);
  const m = r.machine;
  if (m.type !== "EXPRESS") throw sfnErrors.stateMachineTypeNotSupported("This operation is not supported by this type of state machine");
  const name = checkName(input.name ?? crypto.randomUUID());
  const parsed = parseInput(input.input);
  const arn = `${executionArnOf(m.arn, name, "express")}:${crypto.randomUUID()}`;
  const w = runnerFor(rt);
  const now = ctx.clock.now();
  await start(w, {
    arn, account: ctx.accountId, region: ctx.region, def: JSON.parse(r.definition) as JsonObject, input: parsed, name,
    smArn: m.arn, smName: m.name, roleArn: r.roleArn, express: true, testCase,
  });
  const f = await whenFinished(w, arn);
  const st = f.state;
  const status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" = st.status === "SUCCEEDED" || st.status === "TIMED_OUT" ? st.status : "FAILED";
  const stop = ctx.clock.now();
  return {
    executionArn: arn,
    stateMachineArn: m.arn,
    name,
    startDate: new Date(now),
    stopDate: new Date(stop),
    status,
    input: input.input ?? "{}",
    inputDetails: { included: true },
    ...(st.status === "SUCCEEDED" ? { output: JSON.stringify(st.output ?? null), outputDetails: { included: true } } : {}),
    ...(st.error !== undefined ? { error: st.error } : {}),
    ...(st.cause !== undefined ? { cause: st.cause } : {}),
    ...(input.traceHeader ? { traceHeader: input.traceHeader } : {}),
    billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((stop - now) / 100) * 100) },
  };
});

export const executionOf = (ctx: OperationContext, arn: string | undefined): ExecutionRow => {
  const p = parseSfnArn(arn);
  if (!p || (p.kind !== "execution" && p.kind !== "express") || p.rest.length < 2) throw sfnErrors.invalidArn(arn ?? "");
  const row = storeOf(ctx).execution(arn!);
  if (!row || row.account_id !== ctx.accountId || row.region !== ctx.region) throw sfnErrors.executionDoesNotExist(arn!);
  return row;
};

type Status = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";

/** What DescribeExecution and ListExecutions' ExecutionListItem both say of an execution. */
const executionFields = (e: ExecutionRow) => ({
  executionArn: e.arn,
  stateMachineArn: e.machine_arn,
  name: e.name,
  status: e.status as Status,
  startDate: new Date(e.start_ms),
  ...(e.stop_ms !== null ? { stopDate: new Date(e.stop_ms) } : {}),
  ...(e.version_arn ? { stateMachineVersionArn: e.version_arn } : {}),
  ...(e.alias_arn ? { stateMachineAliasArn: e.alias_arn } : {}),
  redriveCount: e.redrive_count ?? 0,
  ...(e.redrive_ms ? { redriveDate: new Date(e.redrive_ms) } : {}),
});

export const describeExecution = defineOp("DescribeExecution", (input, ctx) => {
  const e = executionOf(ctx, input.executionArn);
  return {
    ...executionFields(e),
    input: e.input,
    inputDetails: { included: true },
    ...(e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
    ...(e.error !== null ? { error: e.error } : {}),
    ...(e.cause !== null ? { cause: e.cause } : {}),
    ...(e.trace_header ? { traceHeader: e.trace_header } : {}),
    ...(e.map_run_arn ? { mapRunArn: e.map_run_arn } : {}),
    ...redriveStatusOf(e, ctx.clock.now()),
  };
});

export const listExecutions = defineOp("ListExecutions", (input, ctx) => {
  // "You can specify either a mapRunArn or a stateMachineArn, but not both" (API_ListExecutions).
  if (input.mapRunArn && input.stateMachineArn) throw sfnErrors.validation("Only one of stateMachineArn or mapRunArn can be specified");
  const byMapRun = !!input.mapRunArn;
  let target: string;
  if (byMapRun) target = mapRunOf(ctx, input.mapRunArn).arn;
  else {
    target = input.stateMachineArn!;
    const r = resolveMachine(ctx, target);
    if (r.machine.type === "EXPRESS") throw sfnErrors.stateMachineTypeNotSupported("This operation is not supported by this type of state machine");
  }
  const limit = pageSize(input.maxResults);
  const pos = decodeToken<{ t: number; a: string }>(input.nextToken, { t: Number.MAX_SAFE_INTEGER, a: "" });
  const redriven = input.redriveFilter === "REDRIVEN" ? 1 : input.redriveFilter === "NOT_REDRIVEN" ? 0 : null;
  const rows = storeOf(ctx).executions(target, input.statusFilter ?? null, pos.t, pos.a, limit + 1, { byMapRun, redriven });
  const page = rows.slice(0, limit);
  return {
    executions: page.map((e) => ({
      ...executionFields(e),
      // mapRunArn and itemCount only when listing by mapRunArn (ExecutionListItem).
      ...(byMapRun ? { mapRunArn: e.map_run_arn!, itemCount: e.item_count ?? 1 } : {}),
    })),
    ...(rows.length > limit ? { nextToken: encodeToken({ t: page[page.length - 1].start_ms, a: page[page.length - 1].arn }) } : {}),
  };
});

export const stopExecution = defineOp("StopExecution", async (input, ctx) => {
  const e = executionOf(ctx, input.executionArn);
  if (e.status === "RUNNING") {
    await send(runnerFor(runtimeOf(ctx)), e.arn, { type: "Stop", error: input.error, cause: input.cause });
    const after = storeOf(ctx).executionSummary(e.arn);
    return { stopDate: new Date(after?.stop_ms ?? ctx.clock.now()) };
  }
  return { stopDate: new Date(e.stop_ms ?? ctx.clock.now()) };
});

export const getExecutionHistory = defineOp("GetExecutionHistory", (input, ctx) => {
  const e = executionOf(ctx, input.executionArn);
  const limit = pageSize(input.maxResults);
  const reverse = !!input.reverseOrder;
  const after = decodeToken<number>(input.nextToken, reverse ? Number.MAX_SAFE_INTEGER : 0);
  const rows = storeOf(ctx).history(e.arn, reverse, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    events: page.map((ev) => ({ ...ev, timestamp: new Date(ev.timestamp as number) }) as never),
    ...(rows.length > limit ? { nextToken: encodeToken(page[page.length - 1].id) } : {}),
  };
});

export const describeStateMachineForExecution = defineOp("DescribeStateMachineForExecution", (input, ctx) => {
  const e = executionOf(ctx, input.executionArn);
  const m = storeOf(ctx).machine(e.machine_arn);
  // A Map Run's child: its state machine is the ItemProcessor, named <machine>/<label>, with the Map Run's ARN and label.
  const run = e.map_run_arn ? storeOf(ctx).mapRun(e.map_run_arn) : undefined;
  return {
    stateMachineArn: e.machine_arn,
    name: m?.name ?? e.machine_arn.split(":")[6],
    definition: e.definition,
    roleArn: m?.role_arn ?? run?.role_arn ?? "",
    ...(run ? { mapRunArn: run.arn, label: run.label } : {}),
    updateDate: new Date(m?.created_ms ?? e.start_ms),
    ...(m?.logging ? { loggingConfiguration: JSON.parse(m.logging) } : {}),
    ...(m?.tracing ? { tracingConfiguration: JSON.parse(m.tracing) } : {}),
    ...(m ? { revisionId: m.revision_id } : {}),
  };
});

// ------------------------------------------------------------------------------ task callbacks

/**
 * Finds the execution a token belongs to. Unknown token: TaskDoesNotExist; a token whose task is
 * finished (answered, timed out, or its execution ended): TaskTimedOut
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html, Errors).
 */
const tokenTarget = (ctx: OperationContext, token: string | undefined) => {
  // taskToken: 1-2048 characters (API_SendTaskSuccess, Request Parameters).
  if (!token || token.length > 2048) throw sfnErrors.invalidToken();
  const t = tokenStore(ctx.store).get(token);
  if (!t) throw sfnErrors.taskDoesNotExist();
  const w = runnerFor(runtimeOf(ctx));
  const open = findTaskToken(w, t.execution_arn, t.engine ? { token } : { taskId: t.task_id });
  if (!open) throw sfnErrors.taskTimedOut();
  return { w, arn: t.execution_arn, ref: t.engine ? { taskToken: token } : { taskId: t.task_id } };
};

export const sendTaskSuccess = defineOp("SendTaskSuccess", async (input, ctx) => {
  let output: Json;
  try {
    output = JSON.parse(input.output ?? "") as Json;
  } catch (e) {
    throw sfnErrors.invalidOutput(`Invalid Output: '${(e as Error).message}'`);
  }
  const { w, arn, ref } = tokenTarget(ctx, input.taskToken);
  const r = await send(w, arn, { type: "TaskSucceeded", output, ...ref } as never);
  if ("ignored" in r) throw sfnErrors.taskTimedOut();
  return {};
});

export const sendTaskFailure = defineOp("SendTaskFailure", async (input, ctx) => {
  const { w, arn, ref } = tokenTarget(ctx, input.taskToken);
  const r = await send(w, arn, { type: "TaskFailed", error: input.error, cause: input.cause, ...ref } as never);
  if ("ignored" in r) throw sfnErrors.taskTimedOut();
  return {};
});

export const sendTaskHeartbeat = defineOp("SendTaskHeartbeat", async (input, ctx) => {
  const { w, arn, ref } = tokenTarget(ctx, input.taskToken);
  await send(w, arn, { type: "TaskHeartbeat", ...ref } as never);
  return {};
});
