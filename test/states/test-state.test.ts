/** TestState: one state in isolation: SUCCEEDED with nextState, a mock, CAUGHT_ERROR, RETRIABLE, FAILED, Choice. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TestStateCommand } from "@aws-sdk/client-sfn";
import { ACCOUNT, ROLE, sfnSuite } from "./helpers.js";

// TestState (like StartSyncExecution) has the "sync-" host prefix: disable it for an IP endpoint.
const suite = sfnSuite({ client: { disableHostPrefix: true } });

const run = (state: object, input: object, extra: Record<string, unknown> = {}) =>
  suite.sfn.send(new TestStateCommand({ definition: JSON.stringify(state), roleArn: ROLE, input: JSON.stringify(input), ...extra }));

test("a Pass state: output and nextState", async () => {
  const r = await run({ Type: "Pass", Parameters: { "sum.$": "States.MathAdd($.a, $.b)" }, ResultPath: "$.r", Next: "After" }, { a: 1, b: 2 });
  assert.equal(r.status, "SUCCEEDED");
  assert.equal(r.nextState, "After");
  assert.deepEqual(JSON.parse(r.output!), { a: 1, b: 2, r: { sum: 3 } });
});

test("a Task with a real integration, then with a mock", async () => {
  const real = await run({ Type: "Task", Resource: "arn:aws:states:::aws-sdk:sts:getCallerIdentity", Parameters: {}, ResultSelector: { "a.$": "$.Account" }, End: true }, {});
  assert.equal(real.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(real.output!), { a: ACCOUNT });
  const mocked = await run({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "nope" }, OutputPath: "$.Payload", End: true }, {}, { mock: { result: JSON.stringify({ Payload: { ok: 1 } }) } });
  assert.equal(mocked.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(mocked.output!), { ok: 1 });
});

test("errors: RETRIABLE when a retrier matches, CAUGHT_ERROR with a Catch, FAILED otherwise", async () => {
  const task = { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f" }, End: true };
  const mock = { mock: { errorOutput: { error: "Boom", cause: "bad" } } };
  const retriable = await run({ ...task, Retry: [{ ErrorEquals: ["Boom"], MaxAttempts: 3 }] }, {}, mock);
  assert.equal(retriable.status, "RETRIABLE");
  assert.equal(retriable.error, "Boom");
  const caught = await run({ ...task, Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.err", Next: "Handler" }] }, { x: 1 }, mock);
  assert.equal(caught.status, "CAUGHT_ERROR");
  assert.equal(caught.nextState, "Handler");
  assert.equal(caught.error, "Boom");
  assert.deepEqual(JSON.parse(caught.output!).err, { Error: "Boom", Cause: "bad" });
  const failed = await run(task, {}, mock);
  assert.equal(failed.status, "FAILED");
  assert.equal(failed.cause, "bad");
});

test("a Choice picks its next state; stateName tests a state of a full definition", async () => {
  const choice = { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 10, Next: "Big" }], Default: "Small" };
  assert.equal((await run(choice, { n: 11 })).nextState, "Big");
  assert.equal((await run(choice, { n: 1 })).nextState, "Small");
  const full = { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Result: "b", End: true } } };
  const r = await suite.sfn.send(new TestStateCommand({ definition: JSON.stringify(full), stateName: "B", roleArn: ROLE, input: "{}" }));
  assert.equal(r.status, "SUCCEEDED");
  assert.equal(r.output, "\"b\"");
});
