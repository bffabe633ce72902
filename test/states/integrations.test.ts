/**
 * Integrations Cloudbox cannot call, and the `sync-` host prefix of StartSyncExecution / TestState.
 *  - Optimized integrations of services Cloudbox does not serve (SQS, SNS, EventBridge) fail their
 *    task with States.Runtime naming the resource; Retry on States.ALL does not retry it.
 *  - The SDKs and the CLI send StartSyncExecution to `sync-<endpoint host>` (the operation's
 *    hostPrefix). Against 127.0.0.1 that name does not resolve: the SDK v3 needs
 *    `disableHostPrefix: true`; the AWS CLI v2 works through Cloudbox as its HTTP proxy
 *    (HTTP_PROXY=<endpoint>), because a proxied request carries the whole URL and no DNS lookup of
 *    `sync-127.0.0.1` happens. See src/services/states/README.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StartExecutionCommand, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import { awsCli } from "../helpers/aws-cli.js";
import { ACCOUNT, finished, history, sfnClient, sfnSuite } from "./helpers.js";

const suite = sfnSuite();

for (const [resource, service] of [
  ["arn:aws:states:::sqs:sendMessage", "Amazon SQS"],
  ["arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Amazon SQS"],
  ["arn:aws:states:::sns:publish", "Amazon SNS"],
  ["arn:aws:states:::events:putEvents", "Amazon EventBridge"],
] as const) {
  test(`${resource} fails with States.Runtime naming the resource`, async () => {
    const sm = await suite.machine({
      StartAt: "Send",
      States: {
        Send: {
          Type: "Task",
          Resource: resource,
          Parameters: { ...(resource.endsWith(".waitForTaskToken") ? { "Token.$": "$$.Task.Token" } : {}), QueueUrl: "q", Message: "m" },
          Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 3 }],
          End: true,
        },
      },
    });
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{}" }));
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.Runtime");
    assert.ok(d.cause!.includes(`'${resource}'`), d.cause);
    assert.ok(d.cause!.includes(`${service}, which Cloudbox does not implement yet`), d.cause);
    // States.ALL does not match States.Runtime: one attempt only.
    const types = (await history(suite.sfn, executionArn!)).map((e) => e.type);
    assert.deepEqual(types, ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"]);
  });
}

test("an optimized integration of a service Cloudbox serves but not in that form names the aws-sdk alternative", async () => {
  const sm = await suite.machine({ StartAt: "Q", States: { Q: { Type: "Task", Resource: "arn:aws:states:::athena:startQueryExecution", End: true } } });
  const d = await finished(suite.sfn, (await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm }))).executionArn!);
  assert.equal(d.error, "States.Runtime");
  assert.match(d.cause!, /not implemented by Cloudbox; use arn:aws:states:::aws-sdk:/);
});

test("StartSyncExecution: the SDK v3 with disableHostPrefix, the AWS CLI v2 through Cloudbox as its HTTP proxy", async () => {
  const sm = await suite.machine({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "sum.$": "States.MathAdd($.a, $.b)" }, End: true } } }, { type: "EXPRESS" });
  const direct = sfnClient(suite.cb, { disableHostPrefix: true });
  const r = await direct.send(new StartSyncExecutionCommand({ stateMachineArn: sm, input: "{\"a\":1,\"b\":2}" }));
  direct.destroy();
  assert.deepEqual([r.status, r.output], ["SUCCEEDED", "{\"sum\":3}"]);

  const args = ["stepfunctions", "start-sync-execution", "--state-machine-arn", sm, "--input", "{\"a\":2,\"b\":3}"];
  const env = { AWS_ACCESS_KEY_ID: ACCOUNT };
  // Without a proxy the CLI resolves sync-127.0.0.1, which does not exist.
  const plain = await awsCli(suite.cb.endpoint, args, env);
  assert.notEqual(plain.code, 0);
  assert.match(plain.stderr, /sync-127\.0\.0\.1/);
  const proxied = await awsCli(suite.cb.endpoint, args, { ...env, HTTP_PROXY: suite.cb.endpoint, http_proxy: suite.cb.endpoint });
  assert.equal(proxied.code, 0, proxied.stderr);
  assert.deepEqual([proxied.json.status, proxied.json.output], ["SUCCEEDED", "{\"sum\":5}"]);

  // TestState carries the same prefix; the CLI installed here (2.9) predates it, so it is not run here.
});
