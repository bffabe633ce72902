/**
 * RedriveExecution end to end with the SDK v3 client: a failed execution
 * continues from its failed state (the states before it are not run again), the redrive fields of
 * DescribeExecution and ListExecutions (redriveFilter), clientToken idempotency, and AWS's errors:
 * ExecutionNotRedrivable (RUNNING, SUCCEEDED, past the 14-day redrivable period),
 * ExecutionDoesNotExist, InvalidArn.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { expectAwsError } from "../helpers/errors.js";
import { eventOf, finished, history, sfnSuite, unique } from "./helpers.js";

const bucket = unique("redrive").toLowerCase();
const suite = sfnSuite({ bucket });

/** Reads an S3 object that does not exist yet: fails until the test writes it. */
const readLater = {
  StartAt: "Before",
  States: {
    Before: { Type: "Pass", Result: "ran", ResultPath: "$.before", Next: "Read" },
    Read: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:s3:getObject",
      Parameters: { "Bucket.$": "$.bucket", "Key.$": "$.key", "count.$": "$$.Execution.RedriveCount" },
      ResultSelector: { "ContentLength.$": "$.ContentLength" },
      ResultPath: "$.read",
      End: true,
    },
  },
};

const waitDef = { StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } };

test("a failed execution continues from its failed state; redrive fields and redriveFilter", async () => {
  const sm = await suite.machine({ ...readLater, States: { ...readLater.States, Read: { ...readLater.States.Read, Parameters: { "Bucket.$": "$.bucket", "Key.$": "$.key" } } } });
  const key = unique("later");
  const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ bucket, key }) }));
  const failed = await finished(suite.sfn, executionArn!);
  assert.equal(failed.status, "FAILED");
  assert.equal(failed.error, "S3.NoSuchKeyException");
  assert.equal(failed.redriveCount, 0);
  assert.equal(failed.redriveStatus, "REDRIVABLE");
  assert.equal(failed.redriveDate, undefined);
  const notYet = await suite.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, redriveFilter: "NOT_REDRIVEN" }));
  assert.deepEqual(notYet.executions!.map((e) => e.executionArn), [executionArn]);

  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "12345" }));
  const { redriveDate } = await suite.sfn.send(new RedriveExecutionCommand({ executionArn }));
  assert.ok(redriveDate instanceof Date);
  const d = await finished(suite.sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED", d.cause);
  assert.deepEqual(JSON.parse(d.output!), { bucket, key, before: "ran", read: { ContentLength: 5 } });
  assert.equal(d.redriveCount, 1);
  assert.equal(d.redriveDate?.getTime(), redriveDate!.getTime());
  assert.equal(d.redriveStatus, "NOT_REDRIVABLE");
  assert.equal(d.redriveStatusReason, "Execution is SUCCEEDED and cannot be redriven.");
  assert.equal(d.error, undefined);

  const h = await history(suite.sfn, executionArn!);
  const types = h.map((e) => e.type);
  const at = types.indexOf("ExecutionRedriven");
  assert.equal(types[at - 1], "ExecutionFailed");
  assert.deepEqual(h[at].executionRedrivenEventDetails, { redriveCount: 1 });
  assert.equal(h[at].previousEventId, h[at - 1].id);
  assert.deepEqual(types.slice(at + 1, at + 3), ["TaskStateEntered", "TaskScheduled"]);
  assert.equal(h[at + 1].previousEventId, h[at].id);
  // The Pass state before the failed one is not run again.
  assert.equal(types.filter((t) => t === "PassStateEntered").length, 1);

  const redriven = await suite.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, redriveFilter: "REDRIVEN" }));
  assert.deepEqual(redriven.executions!.map((e) => [e.executionArn, e.redriveCount, e.redriveDate?.getTime()]), [[executionArn, 1, redriveDate!.getTime()]]);
  assert.deepEqual((await suite.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, redriveFilter: "NOT_REDRIVEN" }))).executions, []);

  await expectAwsError(suite.sfn.send(new RedriveExecutionCommand({ executionArn })), "ExecutionNotRedrivable", 400, /SUCCEEDED and cannot be redriven/);
});

test("$$.Execution.RedriveCount counts the redrives; an ABORTED Wait is entered again; clientToken is idempotent", async () => {
  const sm = await suite.machine(readLater);
  const key = unique("count");
  const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ bucket, key }) }));
  await finished(suite.sfn, executionArn!);
  // The first redrive fails again (still no object): redriveCount 1, FAILED and redrivable again.
  await suite.sfn.send(new RedriveExecutionCommand({ executionArn }));
  await eventOf(suite.sfn, executionArn!, "ExecutionFailed", 2);
  const again = await suite.sfn.send(new DescribeExecutionCommand({ executionArn }));
  assert.deepEqual([again.status, again.redriveCount, again.redriveStatus], ["FAILED", 1, "REDRIVABLE"]);
  const scheduled = (await history(suite.sfn, executionArn!)).filter((e) => e.type === "TaskScheduled").map((e) => JSON.parse(e.taskScheduledEventDetails!.parameters!).count);
  assert.deepEqual(scheduled, [0, 1]);

  const w = await suite.machine(waitDef);
  const started = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: w }));
  await eventOf(suite.sfn, started.executionArn!, "WaitStateEntered");
  await expectAwsError(suite.sfn.send(new RedriveExecutionCommand({ executionArn: started.executionArn })), "ExecutionNotRedrivable", 400, /RUNNING and cannot be redriven/);
  await suite.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
  assert.equal((await finished(suite.sfn, started.executionArn!)).status, "ABORTED");
  const first = await suite.sfn.send(new RedriveExecutionCommand({ executionArn: started.executionArn, clientToken: "same-token" }));
  const second = await suite.sfn.send(new RedriveExecutionCommand({ executionArn: started.executionArn, clientToken: "same-token" }));
  assert.equal(second.redriveDate!.getTime(), first.redriveDate!.getTime());
  const d = await suite.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
  assert.deepEqual([d.status, d.redriveCount], ["RUNNING", 1]);
  const types = (await history(suite.sfn, started.executionArn!)).map((e) => e.type);
  assert.deepEqual(types, ["ExecutionStarted", "WaitStateEntered", "WaitStateAborted", "ExecutionAborted", "ExecutionRedriven", "WaitStateEntered"]);
  await suite.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
});

test("errors: ExecutionDoesNotExist, InvalidArn", async () => {
  const sm = await suite.machine(waitDef);
  await expectAwsError(suite.sfn.send(new RedriveExecutionCommand({ executionArn: `${sm.replace(":stateMachine:", ":execution:")}:nope` })), "ExecutionDoesNotExist", 400);
  await expectAwsError(suite.sfn.send(new RedriveExecutionCommand({ executionArn: sm })), "InvalidArn", 400);

  // (The AWS CLI installed here, 2.9, predates RedriveExecution: its model has no redrive-execution.)
});

// Last in this file: it moves the shared clock 15 days on.
test("an execution that ended more than 14 days ago is no longer redrivable", async () => {
  const sm = await suite.machine(waitDef);
  const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
  await eventOf(suite.sfn, executionArn!, "WaitStateEntered");
  await suite.sfn.send(new StopExecutionCommand({ executionArn }));
  await finished(suite.sfn, executionArn!);
  suite.cb.clock.advance(15 * 24 * 3600 * 1000);
  const d = await suite.sfn.send(new DescribeExecutionCommand({ executionArn }));
  assert.equal(d.redriveStatus, "NOT_REDRIVABLE");
  assert.equal(d.redriveStatusReason, "Execution redrivable period exceeded.");
  await expectAwsError(suite.sfn.send(new RedriveExecutionCommand({ executionArn })), "ExecutionNotRedrivable", 400, /redrivable period exceeded/);
});
