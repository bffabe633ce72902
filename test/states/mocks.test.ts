/**
 * Mocked service responses in Step Functions Local's mock configuration format, chosen with
 * "<state machine ARN>#<TestCaseName>" in StartExecution: Return and Throw, ranges ("1-2"), a
 * Retry that consumes the mocked failures, and unmocked states calling the real integration.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { ACCOUNT, eventOf, finished, history, sfnSuite, unique } from "./helpers.js";

const name = unique("LambdaSQSIntegration");

// The example of https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html, adapted.
const mockConfig = {
  StateMachines: {
    [name]: {
      TestCases: {
        HappyPath: { LambdaState: "MockedLambdaSuccess", SQSState: "MockedSQSSuccess" },
        RetryPath: { LambdaState: "MockedLambdaRetry", SQSState: "MockedSQSSuccess" },
        HybridPath: { LambdaState: "MockedLambdaSuccess" },
      },
    },
  },
  MockedResponses: {
    MockedLambdaSuccess: { "0": { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: "Hello from Lambda!" } } } },
    MockedSQSSuccess: { "0": { Return: { MD5OfMessageBody: "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", MessageId: "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51" } } },
    MockedLambdaRetry: {
      "0": { Throw: { Error: "Lambda.ResourceNotReadyException", Cause: "Lambda resource is not ready." } },
      "1-2": { Throw: { Error: "Lambda.TimeoutException", Cause: "Lambda timed out." } },
      "3": { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: "Hello from Lambda!" } } },
    },
  },
};

const definition = {
  StartAt: "LambdaState",
  States: {
    LambdaState: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { "Payload.$": "$", FunctionName: "HelloWorldFunction" },
      Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Next: "SQSState",
    },
    SQSState: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:sts:getCallerIdentity",
      Parameters: {},
      End: true,
    },
  },
};

let arn: string;
const suite = sfnSuite({
  setup: async () => {
    (suite.cb.runtime.settings as Record<string, unknown>).sfnMockConfig = mockConfig;
    arn = await suite.machine(definition, { name });
  },
});

test("HappyPath: both states mocked", async () => {
  const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#HappyPath`, input: "{}" }));
  assert.match(executionArn!, new RegExp(`:execution:${name}:`));
  const d = await finished(suite.sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(d.output!), mockConfig.MockedResponses.MockedSQSSuccess["0"].Return);
});

test("RetryPath: mocked failures 0, 1-2 are retried; the fourth call succeeds", async () => {
  const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#RetryPath`, input: "{}" }));
  for (const [n, wait] of [[1, 2000], [2, 4000], [3, 8000]] as const) {
    await eventOf(suite.sfn, executionArn!, "TaskFailed", n);
    suite.cb.clock.advance(wait);
  }
  const d = await finished(suite.sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED");
  const failed = (await history(suite.sfn, executionArn!)).filter((e) => e.type === "TaskFailed").map((e) => e.taskFailedEventDetails!.error);
  assert.deepEqual(failed, ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]);
});

test("HybridPath: the unmocked state calls the real integration", async () => {
  const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#HybridPath`, input: "{}" }));
  const d = await finished(suite.sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED", d.cause);
  assert.equal(JSON.parse(d.output!).Account, ACCOUNT);
});

test("an unknown test case is rejected", async () => {
  await assert.rejects(suite.sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#NoSuchCase` })), /NoSuchCase/);
});
