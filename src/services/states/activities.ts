/**
 * Step Functions activities: CreateActivity, DescribeActivity, ListActivities, DeleteActivity,
 * GetActivityTask (long poll up to 60 s on runtime.clock; the runner queues a task when an
 * execution reaches a Task state whose Resource is the activity ARN). Workers answer with
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat and the token they received.
 */
import { AwsError, opDefiner, type OperationContext } from "../../core/index.js";
import { activityArn, checkName, decodeToken, encodeToken, pageSize, parseSfnArn, putTags, storeOf } from "./common.js";
import { sfnErrors } from "./errors.js";
import { pollActivity, runnerFor } from "./runner.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sfn")>();

const activityOf = (ctx: OperationContext, arn: string | undefined) => {
  const p = parseSfnArn(arn);
  if (!p || p.kind !== "activity" || p.rest.length !== 1) throw sfnErrors.invalidArn(arn ?? "");
  const a = storeOf(ctx).activity(arn!);
  if (!a || a.account_id !== ctx.accountId || a.region !== ctx.region) throw sfnErrors.activityDoesNotExist(arn!);
  return a;
};

export const createActivity = defineOp("CreateActivity", (input, ctx) => {
  const name = checkName(input.name);
  const arn = activityArn(ctx, name);
  const s = storeOf(ctx);
  const existing = s.activity(arn);
  // CreateActivity is idempotent (API_CreateActivity); tags are not compared.
  if (existing) return { activityArn: arn, creationDate: new Date(existing.created_ms) };
  const now = ctx.clock.now();
  s.insertActivity({ arn, account_id: ctx.accountId, region: ctx.region, name, created_ms: now });
  putTags(ctx, arn, input.tags);
  return { activityArn: arn, creationDate: new Date(now) };
});

export const describeActivity = defineOp("DescribeActivity", (input, ctx) => {
  const a = activityOf(ctx, input.activityArn);
  return { activityArn: a.arn, name: a.name, creationDate: new Date(a.created_ms) };
});

export const deleteActivity = defineOp("DeleteActivity", (input, ctx) => {
  const p = parseSfnArn(input.activityArn);
  if (!p || p.kind !== "activity") throw sfnErrors.invalidArn(input.activityArn ?? "");
  storeOf(ctx).deleteActivity(input.activityArn!);
  return {};
});

export const listActivities = defineOp("ListActivities", (input, ctx) => {
  const limit = pageSize(input.maxResults);
  const after = decodeToken<string>(input.nextToken, "");
  const rows = storeOf(ctx).activities(ctx.accountId, ctx.region, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    activities: page.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: new Date(a.created_ms) })),
    ...(rows.length > limit ? { nextToken: encodeToken(page[page.length - 1].arn) } : {}),
  };
});

export const getActivityTask = defineOp("GetActivityTask", async (input, ctx) => {
  activityOf(ctx, input.activityArn);
  if (!ctx.runtime) throw new AwsError("InternalFailure", "The Step Functions runner is not available (no runtime).", { status: 500 });
  // workerName is recorded in the ActivityStarted event (ActivityStartedEventDetails).
  return pollActivity(runnerFor(ctx.runtime), input.activityArn!, input.workerName);
});
