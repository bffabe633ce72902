/**
 * Function logs in CloudWatch Logs and asynchronous invocation settings, with the real SDK v3
 * clients of Lambda and CloudWatch Logs: group /aws/lambda/<name>, one stream per execution
 * environment named YYYY/MM/DD/[$LATEST]<32 hex>, START / output / END / REPORT as events, a
 * deleted group made again; Put/Get/Update/Delete/ListFunctionEventInvokeConfigs with their
 * limits and errors; Event invocations that honour MaximumRetryAttempts and
 * MaximumEventAgeInSeconds and deliver AWS's invocation record to Lambda function destinations
 * (OnSuccess "Success", OnFailure "RetriesExhausted" / "EventAgeExceeded").
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { CloudWatchLogsClient, DeleteLogGroupCommand, DescribeLogGroupsCommand, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { expectAwsError } from "../helpers/errors.js";
import { ACCOUNT, createNode, lambdaSuite, logMessages, unique, waitForLogs } from "./helpers.js";

let logs: CloudWatchLogsClient;

const suite = lambdaSuite({
  setup: () => {
    logs = new CloudWatchLogsClient({ ...suite.cb.clientConfig, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "x" }, maxAttempts: 1 });
  },
  teardown: () => logs.destroy(),
});

const arnOf = (name: string, q?: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${q ? `:${q}` : ""}`;

describe("function logs in CloudWatch Logs", () => {
  test("one stream per environment, Lambda's stream names, START / output / END / REPORT events", async () => {
    const name = unique("logged");
    await createNode(suite.lambda, name, {
      "index.js": "exports.handler = async (e) => { console.log('working on', e.n); await new Promise((r) => setTimeout(r, 150)); return e.n; };",
    });
    // Two at once: two environments, two streams.
    await Promise.all([1, 2].map((n) => suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ n })) }))));
    const group = `/aws/lambda/${name}`;
    const messages = await waitForLogs(suite.cb, name, (m) => m.filter((l) => l.startsWith("REPORT ")).length >= 2);
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    assert.deepEqual(groups.logGroups?.map((g) => g.logGroupName), [group]);
    const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    assert.equal(streams.length, 2);
    const today = new Date(suite.cb.clock.now()).toISOString().slice(0, 10).replace(/-/g, "/");
    for (const s of streams) assert.match(s.logStreamName!, new RegExp(`^${today}/\\[\\$LATEST\\][0-9a-f]{32}$`));
    for (const n of [1, 2]) assert.ok(messages.some((m) => new RegExp(`\\tINFO\\tworking on ${n}$`).test(m)), messages.join("\n"));
    // Each stream reads like Lambda's: START, the function's lines, END, REPORT.
    const events = await logMessages(suite.cb, name);
    for (const s of streams) {
      const mine = events.filter((e) => e.logStreamName === s.logStreamName).map((e) => e.message);
      assert.match(mine[0], /^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
      assert.match(mine[1], /\tINFO\tworking on [12]$/);
      assert.match(mine[2], /^END RequestId: /);
      assert.match(mine[3], /^REPORT RequestId: .*\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/);
    }
  });

  test("a deleted log group is made again; LogType Tail still answers the invocation's lines", async () => {
    const name = unique("regroup");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async (e) => { console.log('run', e.k); return 1; };" });
    await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"k":1}') }));
    await waitForLogs(suite.cb, name, (m) => m.some((l) => l.endsWith("run 1")));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: `/aws/lambda/${name}` }));
    const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"k":2}'), LogType: "Tail" }));
    assert.match(Buffer.from(r.LogResult ?? "", "base64").toString(), /\tINFO\trun 2\n/);
    const after = await waitForLogs(suite.cb, name, (m) => m.some((l) => l.endsWith("run 2")));
    assert.ok(after.some((l) => l.endsWith("run 2")), after.join("\n"));
    assert.ok(!after.some((l) => l.endsWith("run 1")), "the old group's events went with it");
  });
});

test("LoggingConfig.LogGroup names the group the logs go to", async () => {
  const name = unique("custom-group");
  const group = `/custom/${name}`;
  const created = await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => { console.log('to my group'); return process.env.AWS_LAMBDA_LOG_GROUP_NAME; };" }, {
    LoggingConfig: { LogGroup: group },
  });
  assert.equal(created.LoggingConfig?.LogGroup, group);
  const r = await suite.lambda.send(new InvokeCommand({ FunctionName: name }));
  assert.equal(JSON.parse(Buffer.from(r.Payload!).toString()), group);
  let found = false;
  for (let i = 0; i < 60 && !found; i++) {
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group })).catch(() => ({ logStreams: [] }));
    found = (streams.logStreams ?? []).length === 1;
    if (!found) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(found, `no stream in ${group}`);
});

describe("event invoke configs", () => {
  test("put, get, update, list, delete, per qualifier", async () => {
    const name = unique("eic");
    const dest = unique("eic-dest");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => 1;" });
    await createNode(suite.lambda, dest, { "index.js": "exports.handler = async () => 1;" });
    await suite.lambda.send(new PublishVersionCommand({ FunctionName: name }));
    const put = await suite.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 1 }));
    assert.equal(put.FunctionArn, arnOf(name, "$LATEST"));
    assert.equal(put.MaximumRetryAttempts, 1);
    assert.equal(put.MaximumEventAgeInSeconds, undefined);
    assert.ok(put.LastModified instanceof Date);
    assert.deepEqual(put.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
    const updated = await suite.lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumEventAgeInSeconds: 3600, DestinationConfig: { OnFailure: { Destination: arnOf(dest) } } }),
    );
    assert.equal(updated.MaximumRetryAttempts, 1, "Update keeps what it is not given");
    assert.equal(updated.MaximumEventAgeInSeconds, 3600);
    assert.deepEqual(updated.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: arnOf(dest) } });
    // Put replaces the whole config.
    const replaced = await suite.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumEventAgeInSeconds: 120 }));
    assert.equal(replaced.MaximumRetryAttempts, undefined);
    assert.deepEqual(replaced.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
    await suite.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: "1", MaximumRetryAttempts: 0 }));
    const got = await suite.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: `${name}:1` }));
    assert.equal(got.FunctionArn, arnOf(name, "1"));
    assert.equal(got.MaximumRetryAttempts, 0);
    const list = await suite.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name }));
    assert.deepEqual(list.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn).sort(), [arnOf(name, "$LATEST"), arnOf(name, "1")].sort());
    const page = await suite.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name, MaxItems: 1 }));
    assert.equal(page.FunctionEventInvokeConfigs?.length, 1);
    assert.ok(page.NextMarker);
    await suite.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: "1" }));
    await expectAwsError(
      suite.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: "1" })),
      "ResourceNotFoundException",
      404,
      new RegExp(`^The function ${arnOf(name, "1").replace(/\$/g, "\\$")} doesn't have an EventInvokeConfig$`),
    );
    await expectAwsError(suite.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: "1" })), "ResourceNotFoundException", 404);
  });

  test("bad input: limits, nothing to set, unknown qualifier, destinations", async () => {
    const name = unique("eic-bad");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => 1;" });
    const put = (input: object) => suite.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, ...input }));
    await expectAwsError(put({ MaximumRetryAttempts: 3 }), "ValidationException", 400, /'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2/);
    await expectAwsError(put({ MaximumEventAgeInSeconds: 59 }), "ValidationException", 400, /'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60/);
    await expectAwsError(put({}), "InvalidParameterValueException", 400, /^You must specify at least one of error handling or destination setting\.$/);
    await expectAwsError(put({ Qualifier: "7", MaximumRetryAttempts: 1 }), "ResourceNotFoundException", 404, /^The function doesn't exist\.$/);
    await expectAwsError(
      suite.lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 1 })),
      "ResourceNotFoundException",
      404,
      /doesn't have an EventInvokeConfig$/,
    );
    const dest = (Destination: string, kind = "OnFailure") => put({ DestinationConfig: { [kind]: { Destination } } });
    await expectAwsError(dest(arnOf(name)), "InvalidParameterValueException", 400, /^You can't specify the function as a destination for itself\.$/);
    await expectAwsError(dest(arnOf(unique("ghost"))), "InvalidParameterValueException", 400, /^The destination ARN .* is invalid\.$/);
    await expectAwsError(dest(`arn:aws:sqs:us-east-1:${ACCOUNT}:queue`), "InvalidParameterValueException", 400, /^Cloudbox does not support Amazon SQS queue destinations yet/);
    await expectAwsError(dest(`arn:aws:sns:us-east-1:${ACCOUNT}:topic`, "OnSuccess"), "InvalidParameterValueException", 400, /Amazon SNS topic destinations/);
    await expectAwsError(dest(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`), "InvalidParameterValueException", 400, /EventBridge event bus destinations/);
    await expectAwsError(dest(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`), "InvalidParameterValueException", 400, /^The provided destination config DestinationConfig\(onSuccess=null, onFailure=OnFailure\(destination=arn:aws:dynamodb/);
    await expectAwsError(dest("not-an-arn"), "ValidationException", 400, /destinationConfig\.onFailure\.destination/);
    await expectAwsError(suite.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: unique("ghost") })), "ResourceNotFoundException", 404);
    // Nothing was stored by the failures.
    assert.deepEqual((await suite.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name }))).FunctionEventInvokeConfigs, []);
  });
});

describe("Event invocations: retries, event age, destinations", () => {
  /** A destination function that logs each record it gets as one JSON line. */
  const recorder = async () => {
    const name = unique("recorder");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async (record) => { process.stdout.write('RECORD ' + JSON.stringify(record) + '\\n'); };" });
    const records = async (n: number) =>
      (await waitForLogs(suite.cb, name, (m) => m.filter((l) => l.startsWith("RECORD ")).length >= n, 4000))
        .filter((l) => l.startsWith("RECORD "))
        .map((l) => JSON.parse(l.slice(7)));
    return { name, records };
  };

  test("OnSuccess gets AWS's invocation record", async () => {
    const rec = await recorder();
    const name = unique("succeeds");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async (e) => ({ doubled: e.x * 2 });" });
    await suite.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, DestinationConfig: { OnSuccess: { Destination: arnOf(rec.name) } } }));
    const sent = await suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"x":21}') }));
    assert.equal(sent.StatusCode, 202);
    const [record] = await rec.records(1);
    assert.ok(record, "no record arrived");
    assert.equal(record.version, "1.0");
    assert.match(record.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(record.requestContext, { requestId: sent.$metadata.requestId, functionArn: arnOf(name, "$LATEST"), condition: "Success", approximateInvokeCount: 1 });
    assert.deepEqual(record.requestPayload, { x: 21 });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: "$LATEST" });
    assert.deepEqual(record.responsePayload, { doubled: 42 });
  });

  test("MaximumRetryAttempts bounds the retries; OnFailure gets RetriesExhausted with the error", async () => {
    const rec = await recorder();
    const name = unique("fails");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async (e) => { console.log('attempt'); throw new TypeError('nope ' + e.k); };" });
    await suite.lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: arnOf(rec.name) } } }),
    );
    await suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"k":7}') }));
    const attempts = (m: string[]) => m.filter((l) => l.endsWith("\tINFO\tattempt")).length;
    assert.equal(attempts(await waitForLogs(suite.cb, name, (m) => attempts(m) >= 1)), 1);
    // The one retry comes a minute later (clock time); then the record goes to OnFailure.
    suite.cb.clock.advance(60_000);
    assert.equal(attempts(await waitForLogs(suite.cb, name, (m) => attempts(m) >= 2)), 2);
    const [record] = await rec.records(1);
    assert.ok(record, "no record arrived");
    assert.equal(record.requestContext.condition, "RetriesExhausted");
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" });
    assert.equal(record.responsePayload.errorType, "TypeError");
    assert.equal(record.responsePayload.errorMessage, "nope 7");
    // No third attempt.
    suite.cb.clock.advance(180_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(attempts((await logMessages(suite.cb, name)).map((e) => e.message)), 2);
  });

  test("MaximumRetryAttempts 0: one attempt only", async () => {
    const name = unique("once");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async () => { console.log('attempt'); throw new Error('x'); };" });
    await suite.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 0 }));
    await suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event" }));
    const attempts = (m: string[]) => m.filter((l) => l.endsWith("\tINFO\tattempt")).length;
    assert.equal(attempts(await waitForLogs(suite.cb, name, (m) => attempts(m) >= 1)), 1);
    suite.cb.clock.advance(200_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(attempts((await logMessages(suite.cb, name)).map((e) => e.message)), 1);
  });

  test("an event throttled past MaximumEventAgeInSeconds goes to OnFailure as EventAgeExceeded", async () => {
    const rec = await recorder();
    const name = unique("aged");
    await createNode(suite.lambda, name, { "index.js": "exports.handler = async (e) => { if (e.hold) await new Promise((r) => setTimeout(r, 1500)); return 'ran'; };" }, { Timeout: 5 });
    await suite.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }));
    await suite.lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: arnOf(rec.name) } } }),
    );
    // The one slot is busy: the event is throttled and waits in the queue.
    const busy = suite.lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"hold":true}') }));
    await new Promise((r) => setTimeout(r, 300));
    await suite.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"late":true}') }));
    await new Promise((r) => setTimeout(r, 100));
    suite.cb.clock.advance(61_000);
    const [record] = await rec.records(1);
    assert.ok(record, "no record arrived");
    assert.equal(record.requestContext.condition, "EventAgeExceeded");
    assert.equal(record.requestContext.approximateInvokeCount, 0);
    assert.deepEqual(record.requestPayload, { late: true });
    assert.equal(record.responseContext, undefined);
    // (Advancing the clock a minute also timed the busy invocation out.)
    await busy;
  });
});
