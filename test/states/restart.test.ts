/**
 * Durability: a STANDARD execution that waits (a Wait state and a task token) survives a Cloudbox
 * restart on the same data directory and finishes in the new instance; the Wait resumes with its
 * remaining time (the new instance's clock is advanced past it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { statesService } from "../../src/services/states/service.js";
import { makeZip } from "../lambda/zip.js";
import { createMachine, eventOf, finished, history, lambdaClient, sfnClient, startCloudbox, unique } from "./helpers.js";

test("a waiting execution resumes after a restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-sfn-"));
  try {
    let cb = await startCloudbox({ ephemeral: false, dataDir });
    let sfn = sfnClient(cb);
    const def = {
      StartAt: "Hold",
      States: {
        Hold: { Type: "Wait", Seconds: 120, Next: "Callback" },
        Callback: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:sts:getCallerIdentity.waitForTaskToken",
          Parameters: { "Token.$": "$$.Task.Token" },
          Next: "Done",
        },
        Done: { Type: "Pass", Result: "finished", End: true },
      },
    };
    const stateMachineArn = await createMachine(sfn, def, { name: unique("durable") });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
    await eventOf(sfn, executionArn!, "WaitStateEntered");
    sfn.destroy();
    await cb.stop();

    // Second life: the Wait is re-armed from the committed state.
    cb = await startCloudbox({ ephemeral: false, dataDir });
    sfn = sfnClient(cb);
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status, "RUNNING");
    cb.clock.advance(120_000);
    const [scheduled] = await eventOf(sfn, executionArn!, "TaskScheduled");
    const token = JSON.parse(scheduled.taskScheduledEventDetails!.parameters!).Token as string;
    sfn.destroy();
    await cb.stop();

    // Third life: the task token is still valid.
    cb = await startCloudbox({ ephemeral: false, dataDir });
    sfn = sfnClient(cb);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: "{\"ok\":1}" }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED");
    assert.equal(d.output, "\"finished\"");
    const h = await history(sfn, executionArn!);
    assert.deepEqual(
      h.map((e) => e.type),
      ["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"],
    );
    assert.deepEqual(h.map((e) => e.id), h.map((_, i) => i + 1));
    sfn.destroy();
    await cb.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a task invocation in flight at shutdown is invoked again after the restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-sfn-"));
  try {
    let cb = await startCloudbox({ ephemeral: false, dataDir });
    let sfn = sfnClient(cb);
    const lambda = lambdaClient(cb);
    const code = "export const handler = async () => { await new Promise((r) => setTimeout(r, 1500)); return { slept: true }; };";
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: "slow", Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::123456789012:role/r", Timeout: 10, Code: { ZipFile: makeZip({ "index.mjs": code }) } }),
    );
    lambda.destroy();
    const def = { StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "slow" }, OutputPath: "$.Payload", End: true } } };
    const stateMachineArn = await createMachine(sfn, def, { name: unique("inflight") });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await eventOf(sfn, executionArn!, "TaskStarted");
    // The Step Functions runner must stop before Lambda does: otherwise Lambda's shutdown kills the
    // environment and the invocation comes back as a Runtime.ExitError that fails the task. The
    // runtime stops services in reverse registration order (Lambda before Step Functions), so this
    // test stops the runner first; see the report / src/services/states/README.md.
    await statesService.stop!(cb.runtime);
    sfn.destroy();
    await cb.stop();

    cb = await startCloudbox({ ephemeral: false, dataDir });
    sfn = sfnClient(cb);
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.equal(d.output, '{"slept":true}');
    sfn.destroy();
    await cb.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
