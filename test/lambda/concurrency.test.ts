/**
 * Scaling and throttling: 50 concurrent invocations use several environments; reserved
 * concurrency 1 throttles a second concurrent call with TooManyRequestsException (429, Reason
 * ReservedFunctionConcurrentInvocationLimitExceeded); 0 throttles everything; Event invocations
 * answer 202 and run in the background; idle environments are reaped on clock time.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { environmentCount } from "../../src/services/lambda/environments.js";
import { createNode, decode, lambdaSuite, logMessages, unique, waitForLogs } from "./helpers.js";

const suite = lambdaSuite();

describe("concurrency", () => {
  test("50 concurrent invocations run in several environments", async () => {
    const name = unique("fanout");
    await createNode(suite.lambda, name, {
      "index.mjs": `
        import { randomUUID } from "node:crypto";
        const envId = randomUUID();
        export const handler = async (e) => { await new Promise((r) => setTimeout(r, 50)); return { envId, i: e.i }; };`,
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ i })) }))),
    );
    const outs = results.map((r) => decode(r.Payload));
    assert.deepEqual(outs.map((o) => o.i).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    const envs = new Set(outs.map((o) => o.envId));
    assert.ok(envs.size > 1, `only ${envs.size} environment(s)`);
    assert.ok(envs.size <= 10, `${envs.size} environments, more than the local default of 10`);
  });

  test("reserved concurrency 1 throttles the second concurrent call; 0 throttles all", async () => {
    const name = unique("reserved");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => { await new Promise((r) => setTimeout(r, 700)); return 'done'; };" });
    const put = await suite.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }));
    assert.equal(put.ReservedConcurrentExecutions, 1);
    assert.equal((await suite.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions, 1);
    const first = suite.lambda.send(new InvokeCommand({ FunctionName: name }));
    await new Promise((r) => setTimeout(r, 100));
    try {
      await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
      assert.fail("expected TooManyRequestsException");
    } catch (e) {
      assert.ok(e instanceof TooManyRequestsException, String(e));
      assert.equal(e.$metadata.httpStatusCode, 429);
      assert.equal(e.Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
      assert.equal(e.message, "Rate Exceeded.");
    }
    assert.equal(decode((await first).Payload), "done");
    await suite.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
    await assert.rejects(suite.lambda.send(new InvokeCommand({ FunctionName: name })), (e: Error) => e instanceof TooManyRequestsException);
    await assert.rejects(suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event" })), (e: Error) => e instanceof TooManyRequestsException);
    await suite.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    assert.equal((await suite.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions, undefined);
    assert.equal(decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "done");
  });

  test("Event answers 202 and runs; DryRun answers 204; idle environments are reaped on clock time", async () => {
    const name = unique("event");
    await createNode(suite.lambda, name, { "index.js": "let n = 0; exports.handler = async (e) => { n++; console.log('event', JSON.stringify(e)); return n; };" });
    const dry = await suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "DryRun" }));
    assert.equal(dry.StatusCode, 204);
    const ev = await suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"async":true}') }));
    assert.equal(ev.StatusCode, 202);
    // The event runs in the background: the next synchronous call sees it counted.
    let n = 0;
    for (let i = 0; i < 50 && n < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      n = decode((await suite.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload);
    }
    assert.ok(n >= 2, `the event did not run (n=${n})`);
    const before = environmentCount(suite.cb.runtime);
    assert.ok(before >= 1);
    suite.cb.clock.advance(6 * 60_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(environmentCount(suite.cb.runtime), 0);
  });

  test("a failing Event invocation is retried twice, after 1 and 2 minutes of clock time", async () => {
    const name = unique("retry");
    await createNode(suite.lambda, name, {
      "index.js": "exports.handler = async (e) => { console.log('attempt', e.k); throw new Error('always'); };",
    });
    await suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"k":1}') }));
    // Each attempt logs "attempt 1" (the function's console.log line, in CloudWatch Logs).
    const count = (messages: string[]) => messages.filter((m) => m.includes("\tINFO\tattempt 1")).length;
    const attempts = async () => count((await logMessages(suite.cb, name)).map((e) => e.message));
    const waitFor = async (n: number) => count(await waitForLogs(suite.cb, name, (m) => count(m) >= n, 3000));
    assert.equal(await waitFor(1), 1);
    suite.cb.clock.advance(59_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await attempts(), 1);
    suite.cb.clock.advance(1_000);
    assert.equal(await waitFor(2), 2);
    suite.cb.clock.advance(120_000);
    assert.equal(await waitFor(3), 3);
    suite.cb.clock.advance(600_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await attempts(), 3);
  });
});
