/**
 * Step Functions executions end to end with the real SDK v3: StartExecution idempotency and
 * errors, DescribeExecution, ListExecutions (statusFilter, paging), StopExecution, GetExecutionHistory
 * (shapes, reverseOrder, paging), DescribeStateMachineForExecution, StartSyncExecution (EXPRESS),
 * task tokens (SendTaskSuccess/Failure/Heartbeat and their errors), activities, the aws-sdk
 * integration and its error names, nested states:startExecution.sync, Retry under the test clock.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateActivityCommand,
  DeleteActivityCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListActivitiesCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ACCOUNT, ROLE, eventOf, finished, history, sfnClient, sfnSuite, unique, until } from "./helpers.js";

const suite = sfnSuite();

const rejects = async (p: Promise<unknown>, name: string, message?: RegExp) =>
  assert.rejects(p, (e: any) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    if (message) assert.match(e.message, message);
    return true;
  });

const waitDef = { StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } };
const tokenDef = {
  StartAt: "Callback",
  States: {
    Callback: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:sts:getCallerIdentity.waitForTaskToken",
      Parameters: { "Token.$": "$$.Task.Token" },
      HeartbeatSeconds: 60,
      Next: "Done",
    },
    Done: { Type: "Pass", End: true },
  },
};

describe("StartExecution", () => {
  test("idempotent on name with the same input; ExecutionAlreadyExists otherwise; input must be JSON", async () => {
    const sm = await suite.machine(waitDef);
    const name = unique("run");
    const a = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name, input: "{\"a\":1}" }));
    assert.equal(a.executionArn, `${sm.replace(":stateMachine:", ":execution:")}:${name}`);
    const b = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name, input: "{\"a\":1}" }));
    assert.equal(b.executionArn, a.executionArn);
    assert.equal(b.startDate?.getTime(), a.startDate?.getTime());
    await rejects(suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name, input: "{\"a\":2}" })), "ExecutionAlreadyExists", /^Execution Already Exists: '/);
    await rejects(suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{oops" })), "InvalidExecutionInput");
    await rejects(suite.sfn.send(new StartExecutionCommand({ stateMachineArn: `${sm}-missing` })), "StateMachineDoesNotExist");
    await rejects(suite.sfn.send(new DescribeExecutionCommand({ executionArn: `${a.executionArn}-missing` })), "ExecutionDoesNotExist");
    await suite.sfn.send(new StopExecutionCommand({ executionArn: a.executionArn }));
  });

  test("StopExecution aborts; ListExecutions filters by status and pages", async () => {
    const sm = await suite.machine(waitDef);
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) arns.push((await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{}" }))).executionArn!);
    const stop = await suite.sfn.send(new StopExecutionCommand({ executionArn: arns[0], error: "Human", cause: "stopped by test" }));
    assert.ok(stop.stopDate instanceof Date);
    const d = await suite.sfn.send(new DescribeExecutionCommand({ executionArn: arns[0] }));
    assert.equal(d.status, "ABORTED");
    assert.equal(d.error, "Human");
    const h = await history(suite.sfn, arns[0]);
    assert.equal(h.at(-1)!.type, "ExecutionAborted");
    assert.deepEqual(h.at(-1)!.executionAbortedEventDetails, { error: "Human", cause: "stopped by test" });
    const running = await suite.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: "RUNNING" }));
    assert.equal(running.executions!.length, 4);
    const aborted = await suite.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: "ABORTED" }));
    assert.deepEqual(aborted.executions!.map((e) => e.executionArn), [arns[0]]);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await suite.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, maxResults: 2, nextToken }));
      seen.push(...page.executions!.map((e) => e.executionArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual([...seen].sort(), [...arns].sort());
    for (const arn of arns.slice(1)) await suite.sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });
});

describe("GetExecutionHistory", () => {
  test("AWS's event shapes, reverseOrder and paging", async () => {
    const sm = await suite.machine({ StartAt: "A", States: { A: { Type: "Pass", Result: { ok: true }, ResultPath: "$.r", Next: "B" }, B: { Type: "Succeed" } } });
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{\"in\":1}" }));
    const done = await finished(suite.sfn, executionArn!);
    assert.equal(done.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(done.output!), { in: 1, r: { ok: true } });
    const h = await history(suite.sfn, executionArn!);
    assert.deepEqual(h.map((e) => e.type), ["ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]);
    assert.deepEqual(h.map((e) => e.id), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(h.map((e) => e.previousEventId), [0, 1, 2, 3, 4, 5]);
    assert.ok(h[0].timestamp instanceof Date);
    assert.deepEqual(h[0].executionStartedEventDetails, { input: "{\"in\":1}", inputDetails: { truncated: false }, roleArn: ROLE });
    assert.equal(h[1].stateEnteredEventDetails?.name, "A");
    const rev = await suite.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 4 }));
    assert.deepEqual(rev.events!.map((e) => e.id), [6, 5, 4, 3]);
    const rest = await suite.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 4, nextToken: rev.nextToken }));
    assert.deepEqual(rest.events!.map((e) => e.id), [2, 1]);
    assert.equal(rest.nextToken, undefined);
    const forMachine = await suite.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    assert.equal(forMachine.stateMachineArn, sm);
    assert.match(forMachine.definition!, /"StartAt":"A"/);
  });

  test("a Fail state: FAILED with error and cause", async () => {
    const sm = await suite.machine({ StartAt: "F", States: { F: { Type: "Fail", Error: "Custom.Error", Cause: "because" } } });
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "Custom.Error");
    assert.equal(d.cause, "because");
  });
});

describe("StartSyncExecution", () => {
  test("runs an EXPRESS machine to completion in the request", async () => {
    const sm = await suite.machine({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)" }, End: true } } }, { type: "EXPRESS" });
    const client = sfnClient(suite.cb, { disableHostPrefix: true });
    const r = await client.send(new StartSyncExecutionCommand({ stateMachineArn: sm, input: "{\"n\":21}" }));
    assert.equal(r.status, "SUCCEEDED");
    assert.equal(r.output, "{\"doubled\":42}");
    assert.match(r.executionArn!, /:express:/);
    const std = await suite.machine(waitDef);
    await rejects(client.send(new StartSyncExecutionCommand({ stateMachineArn: std })), "StateMachineTypeNotSupported");
    const failing = await suite.machine({ StartAt: "F", States: { F: { Type: "Fail", Error: "E", Cause: "C" } } }, { type: "EXPRESS" });
    const f = await client.send(new StartSyncExecutionCommand({ stateMachineArn: failing }));
    assert.equal(f.status, "FAILED");
    assert.equal(f.error, "E");
    client.destroy();
  });
});

describe("task tokens", () => {
  test("SendTaskSuccess completes a .waitForTaskToken task; the token is then TaskTimedOut", async () => {
    const sm = await suite.machine(tokenDef);
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{}" }));
    const [scheduled] = await eventOf(suite.sfn, executionArn!, "TaskScheduled");
    const token = JSON.parse(scheduled.taskScheduledEventDetails!.parameters!).Token as string;
    assert.equal(scheduled.taskScheduledEventDetails!.resourceType, "aws-sdk:sts");
    await suite.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await suite.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: "{\"approved\":true}" }));
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED");
    assert.equal(d.output, "{\"approved\":true}");
    await rejects(suite.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })), "TaskTimedOut");
    await rejects(suite.sfn.send(new SendTaskSuccessCommand({ taskToken: "no-such-token", output: "{}" })), "TaskDoesNotExist");
  });

  test("SendTaskFailure fails the task; invalid output is InvalidOutput; heartbeat timeout", async () => {
    const sm = await suite.machine(tokenDef);
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const [scheduled] = await eventOf(suite.sfn, executionArn!, "TaskScheduled");
    const token = JSON.parse(scheduled.taskScheduledEventDetails!.parameters!).Token as string;
    await rejects(suite.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: "{bad" })), "InvalidOutput");
    await suite.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: "Rejected", cause: "no" }));
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "Rejected");

    const second = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    await eventOf(suite.sfn, second.executionArn!, "TaskStarted");
    suite.cb.clock.advance(61_000);
    const t = await finished(suite.sfn, second.executionArn!);
    assert.equal(t.status, "FAILED");
    assert.equal(t.error, "States.HeartbeatTimeout");
  });
});

describe("activities", () => {
  test("create, describe, list; GetActivityTask hands the task to a worker; SendTaskSuccess finishes it", async () => {
    const name = unique("act");
    const { activityArn } = await suite.sfn.send(new CreateActivityCommand({ name }));
    assert.equal(activityArn, `arn:aws:states:us-east-1:${ACCOUNT}:activity:${name}`);
    const d = await suite.sfn.send(new DescribeActivityCommand({ activityArn }));
    assert.equal(d.name, name);
    const list = await suite.sfn.send(new ListActivitiesCommand({}));
    assert.ok(list.activities!.some((a) => a.activityArn === activityArn));
    const sm = await suite.machine({ StartAt: "Work", States: { Work: { Type: "Task", Resource: activityArn, End: true } } });
    // The poll starts before the task exists: the long poll is answered when it is scheduled.
    const poll = suite.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: "w1" }));
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{\"job\":7}" }));
    const task = await poll;
    assert.equal(task.input, "{\"job\":7}");
    await eventOf(suite.sfn, executionArn!, "ActivityStarted");
    await suite.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{\"done\":7}" }));
    const done = await finished(suite.sfn, executionArn!);
    assert.equal(done.output, "{\"done\":7}");
    // Activities record Activity* events with their own details (HistoryEvent in the API reference).
    const h = await history(suite.sfn, executionArn!);
    assert.deepEqual(
      h.map((e) => e.type),
      ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"],
    );
    assert.deepEqual(h[2].activityScheduledEventDetails, { resource: activityArn, input: "{\"job\":7}", inputDetails: { truncated: false } });
    assert.deepEqual(h[3].activityStartedEventDetails, { workerName: "w1" });
    assert.deepEqual(h[4].activitySucceededEventDetails, { output: "{\"done\":7}", outputDetails: { truncated: false } });
    assert.equal(h[3].previousEventId, h[2].id);
    await suite.sfn.send(new DeleteActivityCommand({ activityArn }));
    await rejects(suite.sfn.send(new DescribeActivityCommand({ activityArn })), "ActivityDoesNotExist");
  });

  test("GetActivityTask returns no task after 60 s of the test clock", async () => {
    const { activityArn } = await suite.sfn.send(new CreateActivityCommand({ name: unique("idle") }));
    const poll = suite.sfn.send(new GetActivityTaskCommand({ activityArn }));
    await new Promise((r) => setTimeout(r, 100));
    suite.cb.clock.advance(60_000);
    const r = await poll;
    assert.equal(r.taskToken, undefined);
  });
});

describe("integrations", () => {
  test("aws-sdk:sts:getCallerIdentity answers as the execution's account; errors are <Service>.<Error>Exception", async () => {
    const sm = await suite.machine({
      StartAt: "Who",
      States: {
        Who: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sts:getCallerIdentity", Parameters: {}, ResultSelector: { "Account.$": "$.Account" }, Next: "Missing" },
        Missing: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:sfn:describeExecution",
          Parameters: { ExecutionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:nope:nope` },
          Catch: [{ ErrorEquals: ["Sfn.ExecutionDoesNotExistException"], ResultPath: "$.caught", Next: "Done" }],
          Next: "Done",
        },
        Done: { Type: "Pass", End: true },
      },
    });
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!);
    assert.equal(out.Account, ACCOUNT);
    assert.equal(out.caught.Error, "Sfn.ExecutionDoesNotExistException");
  });

  test("states:startExecution.sync:2 waits for the child and returns its output", async () => {
    const child = await suite.machine({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 30, Next: "P" }, P: { Type: "Pass", Result: { child: "done" }, End: true } } });
    const parent = await suite.machine({
      StartAt: "Run",
      States: {
        Run: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync:2",
          Parameters: { StateMachineArn: child, Input: { "from.$": "$.from" } },
          OutputPath: "$.Output",
          End: true,
        },
      },
    });
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: parent, input: "{\"from\":\"parent\"}" }));
    const runs = await until("the child execution", async () => {
      const l = await suite.sfn.send(new ListExecutionsCommand({ stateMachineArn: child }));
      return l.executions!.length > 0 && l.executions!;
    });
    await until("the child's Wait", async () => (await history(suite.sfn, runs[0].executionArn!)).some((e) => e.type === "WaitStateEntered"));
    suite.cb.clock.advance(30_000);
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!), { child: "done" });
    const childDesc = await suite.sfn.send(new DescribeExecutionCommand({ executionArn: runs[0].executionArn }));
    assert.equal(childDesc.input, "{\"from\":\"parent\"}");
    // .sync records TaskSubmitted with StartExecution's answer once the child is started.
    const h = await history(suite.sfn, executionArn!);
    assert.deepEqual(h.slice(2, 6).map((e) => e.type), ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]);
    assert.equal(JSON.parse(h[4].taskSubmittedEventDetails!.output!).ExecutionArn, runs[0].executionArn);
    assert.equal(h[4].taskSubmittedEventDetails!.resourceType, "states");
  });

  test("Retry with backoff follows the test clock (intervals 2 s and 4 s)", async () => {
    const sm = await suite.machine({
      StartAt: "Flaky",
      States: {
        Flaky: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:sfn:describeExecution",
          Parameters: { ExecutionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:nope:nope` },
          Retry: [{ ErrorEquals: ["Sfn.ExecutionDoesNotExistException"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 }],
          End: true,
        },
      },
    });
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    await eventOf(suite.sfn, executionArn!, "TaskFailed", 1);
    suite.cb.clock.advance(2000);
    await eventOf(suite.sfn, executionArn!, "TaskFailed", 2);
    suite.cb.clock.advance(4000);
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "Sfn.ExecutionDoesNotExistException");
    const scheduled = (await history(suite.sfn, executionArn!)).filter((e) => e.type === "TaskScheduled").map((e) => e.timestamp!.getTime());
    assert.equal(scheduled.length, 3);
    const gaps = [scheduled[1] - scheduled[0], scheduled[2] - scheduled[1]];
    assert.ok(gaps[0] >= 2000 && gaps[0] < 2500, `first interval ${gaps[0]}`);
    assert.ok(gaps[1] >= 4000 && gaps[1] < 4500, `second interval ${gaps[1]}`);
  });
});
