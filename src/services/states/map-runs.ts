/**
 * Map Runs of distributed Map states: ListMapRuns, DescribeMapRun, UpdateMapRun
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html).
 * The Map Runs themselves are run by map-run-runner.ts; ListExecutions with mapRunArn lists their
 * STANDARD children (executions.ts). UpdateMapRun takes effect at once: a higher MaxConcurrency
 * launches more children, a changed tolerance is checked against the failures so far.
 */
import { AwsError, opDefiner, type OperationContext } from "../../core/index.js";
import { decodeToken, encodeToken, pageSize, parseSfnArn, storeOf } from "./common.js";
import { sfnErrors } from "./errors.js";
import { mapRunCounts, nudgeMapRun } from "./map-run-runner.js";
import { runnerFor } from "./runner.js";
import type { MapRunRow } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sfn")>();

export const mapRunOf = (ctx: OperationContext, arn: string | undefined): MapRunRow => {
  const p = parseSfnArn(arn);
  if (!p || p.kind !== "mapRun" || p.rest.length < 2) throw sfnErrors.invalidArn(arn ?? "");
  const run = storeOf(ctx).mapRun(arn!);
  if (!run || run.account_id !== ctx.accountId || run.region !== ctx.region) throw sfnErrors.resourceNotFound(`Map Run Does Not Exist: '${arn}'`);
  return run;
};

export const listMapRuns = defineOp("ListMapRuns", (input, ctx) => {
  const p = parseSfnArn(input.executionArn);
  if (!p || p.kind !== "execution" || p.rest.length < 2) throw sfnErrors.invalidArn(input.executionArn ?? "");
  const e = storeOf(ctx).executionSummary(input.executionArn!);
  if (!e || e.account_id !== ctx.accountId || e.region !== ctx.region) throw sfnErrors.executionDoesNotExist(input.executionArn!);
  const limit = pageSize(input.maxResults);
  const after = decodeToken<string>(input.nextToken, "");
  const rows = storeOf(ctx).mapRunsOf(e.arn, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    mapRuns: page.map((r) => ({
      executionArn: r.execution_arn,
      mapRunArn: r.arn,
      stateMachineArn: r.machine_arn,
      startDate: new Date(r.start_ms),
      ...(r.stop_ms !== null ? { stopDate: new Date(r.stop_ms) } : {}),
    })),
    ...(rows.length > limit ? { nextToken: encodeToken(page[page.length - 1].arn) } : {}),
  };
});

export const describeMapRun = defineOp("DescribeMapRun", (input, ctx) => {
  const r = mapRunOf(ctx, input.mapRunArn);
  const counts = mapRunCounts(ctx.store, r);
  return {
    mapRunArn: r.arn,
    executionArn: r.execution_arn,
    status: r.status as "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED",
    startDate: new Date(r.start_ms),
    ...(r.stop_ms !== null ? { stopDate: new Date(r.stop_ms) } : {}),
    maxConcurrency: r.max_concurrency,
    toleratedFailurePercentage: r.tolerated_pct ?? 0,
    toleratedFailureCount: r.tolerated_count ?? 0,
    itemCounts: counts.itemCounts,
    executionCounts: counts.executionCounts,
    redriveCount: r.redrive_count,
    ...(r.redrive_ms !== null ? { redriveDate: new Date(r.redrive_ms) } : {}),
  };
});

const invalid = (value: unknown, field: string, constraint: string) =>
  sfnErrors.validation(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);

export const updateMapRun = defineOp("UpdateMapRun", async (input, ctx) => {
  const r = mapRunOf(ctx, input.mapRunArn);
  // Ranges from API_UpdateMapRun: maxConcurrency >= 0, toleratedFailurePercentage 0-100, toleratedFailureCount >= 0.
  if (input.maxConcurrency !== undefined && (!Number.isInteger(input.maxConcurrency) || input.maxConcurrency < 0))
    throw invalid(input.maxConcurrency, "maxConcurrency", "Member must have value greater than or equal to 0");
  if (input.toleratedFailurePercentage !== undefined && (input.toleratedFailurePercentage < 0 || input.toleratedFailurePercentage > 100))
    throw invalid(input.toleratedFailurePercentage, "toleratedFailurePercentage", "Member must have value less than or equal to 100");
  if (input.toleratedFailureCount !== undefined && (!Number.isInteger(input.toleratedFailureCount) || input.toleratedFailureCount < 0))
    throw invalid(input.toleratedFailureCount, "toleratedFailureCount", "Member must have value greater than or equal to 0");
  if (input.maxConcurrency === undefined && input.toleratedFailurePercentage === undefined && input.toleratedFailureCount === undefined)
    throw sfnErrors.validation("At least one of the parameters maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified");
  if (!ctx.runtime) throw new AwsError("InternalFailure", "The Step Functions runner is not available (no runtime).", { status: 500 });
  storeOf(ctx).setMapRun(r.arn, {
    ...(input.maxConcurrency !== undefined ? { max_concurrency: input.maxConcurrency } : {}),
    ...(input.toleratedFailurePercentage !== undefined ? { tolerated_pct: input.toleratedFailurePercentage } : {}),
    ...(input.toleratedFailureCount !== undefined ? { tolerated_count: input.toleratedFailureCount } : {}),
  });
  if (r.status === "RUNNING") void nudgeMapRun(runnerFor(ctx.runtime), r.arn);
  return {};
});
