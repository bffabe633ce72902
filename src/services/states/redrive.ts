/**
 * RedriveExecution and the redrive fields of DescribeExecution / ListExecutions
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html).
 * A STANDARD execution that FAILED, TIMED_OUT or was ABORTED in the last 14 days can be redriven:
 * the engine continues it from its unsuccessful states (engines/asl redriveExecution), under the
 * same ARN, definition and input; redriveCount counts the redrives. The reasons an execution
 * cannot be redriven are AWS's redriveStatusReason texts (API_DescribeExecution).
 * Children of a Map Run are redriven with their parent (REDRIVABLE_BY_MAP_RUN).
 */
import { AwsError, opDefiner } from "../../core/index.js";
import { executionOf } from "./executions.js";
import { sfnErrors } from "./errors.js";
import { redrive, runnerFor } from "./runner.js";
import type { ExecutionRow } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sfn")>();

/** The redrivable period starts when the execution ends (redrive-executions.html, "Redrive eligibility"). */
export const REDRIVABLE_MS = 14 * 24 * 3600 * 1000;
/** An execution's history holds at most 25,000 events. */
const MAX_HISTORY = 25_000;

/** Why RedriveExecution would refuse this execution, or undefined when it may be redriven. */
export const notRedrivable = (e: Pick<ExecutionRow, "status" | "stop_ms" | "map_run_arn"> & { state?: string }, now: number): string | undefined => {
  if (e.status === "RUNNING") return "Execution is RUNNING and cannot be redriven.";
  if (e.status === "SUCCEEDED") return "Execution is SUCCEEDED and cannot be redriven.";
  if (e.map_run_arn) return "Execution is a child workflow execution of a Map Run: redrive its parent execution.";
  if (e.stop_ms !== null && now - e.stop_ms > REDRIVABLE_MS) return "Execution redrivable period exceeded.";
  if (e.state && (JSON.parse(e.state) as { lastEventId: number }).lastEventId >= MAX_HISTORY) return "Execution history event limit exceeded.";
  return undefined;
};

/** DescribeExecution's redriveStatus and redriveStatusReason. */
export const redriveStatusOf = (e: Pick<ExecutionRow, "status" | "stop_ms" | "map_run_arn">, now: number) => {
  if (e.map_run_arn && e.status !== "SUCCEEDED" && e.status !== "RUNNING") return { redriveStatus: "REDRIVABLE_BY_MAP_RUN" as const };
  const reason = notRedrivable(e, now);
  return reason ? { redriveStatus: "NOT_REDRIVABLE" as const, redriveStatusReason: reason } : { redriveStatus: "REDRIVABLE" as const };
};

export const redriveExecutionOp = defineOp("RedriveExecution", async (input, ctx) => {
  if (!ctx.runtime) throw new AwsError("InternalFailure", "The Step Functions runner is not available (no runtime).", { status: 500 });
  const e = executionOf(ctx, input.executionArn);
  // Idempotent on clientToken: the same token answers the redrive it started (API_RedriveExecution, clientToken).
  if (input.clientToken && e.redrive_token === input.clientToken && e.redrive_ms) return { redriveDate: new Date(e.redrive_ms) };
  const refuse = (row: ExecutionRow) => notRedrivable(row, ctx.clock.now());
  const first = refuse(e);
  if (first) throw sfnErrors.executionNotRedrivable(`Execution Not Redrivable: ${first} (${e.arn})`);
  const r = await redrive(runnerFor(ctx.runtime), e.arn, input.clientToken, refuse);
  if ("reason" in r) throw sfnErrors.executionNotRedrivable(`Execution Not Redrivable: ${r.reason} (${e.arn})`);
  return { redriveDate: new Date(r.date) };
});
