/**
 * The seed article's patterns ("Design patterns for AWS Step Functions workflows"), run as written
 * from examples/step-functions/*.asl.json against real Lambda functions (examples/step-functions/functions):
 * 1. wait-for-callback with task tokens (the test, then the function itself, sends SendTaskSuccess),
 * 2. Map with MaxConcurrency 5, 3. Retry with backoff, and the combined image pipeline: Map over
 * 100 images, a Retry that succeeds on the third attempt after 2 s and 4 s of the test clock, and a
 * review callback completed from outside with SendTaskSuccess; and pattern 2 at scale, the
 * distributed Map example over images listed from S3.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateFunctionCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { ListExecutionsCommand, SendTaskSuccessCommand, StartExecutionCommand, type HistoryEvent } from "@aws-sdk/client-sfn";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { awsCli } from "../helpers/aws-cli.js";
import { makeZip } from "../lambda/zip.js";
import { ACCOUNT, eventOf, finished, history, lambdaClient, s3Client, sfnSuite, unique, until } from "./helpers.js";

const EXAMPLES = join(import.meta.dirname, "../../examples/step-functions");
const asl = (file: string) => readFileSync(join(EXAMPLES, file), "utf8");
const fn = (file: string) => readFileSync(join(EXAMPLES, "functions", file), "utf8");

let lambda: LambdaClient;

const createFunction = (name: string, file: string, env: Record<string, string> = {}) =>
  lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Role: `arn:aws:iam::${ACCOUNT}:role/lambda-role`,
      Code: { ZipFile: makeZip({ "index.mjs": fn(file) }) },
      Environment: { Variables: env },
      Timeout: 30,
    }),
  );

const suite = sfnSuite({
  setup: async () => {
    lambda = lambdaClient(suite.cb);
    await createFunction("MyCallbackFunction", "callback.mjs");
    await createFunction("ProcessResultFunction", "process-result.mjs");
    await createFunction("AggregateFunction", "process-result.mjs");
    await createFunction("ImageProcessorFunction", "image-processor.mjs");
    await createFunction("ExternalServiceFunction", "external-service.mjs");
    await createFunction("AutoApproveFunction", "callback.mjs", { AUTO_APPROVE: "1" });
  },
  teardown: () => lambda.destroy(),
});

const tokenOf = (e: HistoryEvent) => JSON.parse(e.taskScheduledEventDetails!.parameters!).Payload.TaskToken as string;

/** The largest number of Map iterations in flight at once, from the history. */
const maxInFlight = (h: HistoryEvent[]) => {
  let now = 0;
  let max = 0;
  for (const e of h) {
    if (e.type === "MapIterationStarted") max = Math.max(max, ++now);
    if (e.type === "MapIterationSucceeded" || e.type === "MapIterationFailed") now--;
  }
  return max;
};

describe("the seed's patterns", () => {
  test("Pattern 1: wait-for-callback; SendTaskSuccess with the token the Lambda received", async () => {
    const sm = await suite.machine(asl("waiter.asl.json"));
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ input: { order: 42 } }) }));
    const [scheduled] = await eventOf(suite.sfn, executionArn!, "TaskScheduled");
    assert.equal(scheduled.taskScheduledEventDetails!.resource, "invoke.waitForTaskToken");
    await suite.sfn.send(new SendTaskSuccessCommand({ taskToken: tokenOf(scheduled), output: JSON.stringify({ ready: true }) }));
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!);
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, "$LATEST");
    assert.deepEqual(out.Payload.review, { ready: true });
    assert.ok(out.SdkHttpMetadata.HttpStatusCode === 200);
  });

  test("Pattern 1 with the function completing its own token (SendTaskSuccess from inside Lambda)", async () => {
    const sm = await suite.machine(asl("waiter.asl.json").replace("MyCallbackFunction", "AutoApproveFunction"));
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ input: {} }) }));
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!).Payload.review, { approved: true, by: "lambda" });
  });

  test("Pattern 2: Map with MaxConcurrency 5", async () => {
    const sm = await suite.machine(asl("map.asl.json"));
    const images = Array.from({ length: 12 }, (_, i) => ({ key: `img-${i}.jpg` }));
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ images }) }));
    const d = await finished(suite.sfn, executionArn!, 60_000);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const h = await history(suite.sfn, executionArn!);
    assert.equal(h.filter((e) => e.type === "MapIterationSucceeded").length, 12);
    assert.equal(maxInFlight(h), 5);
  });

  test("Pattern 3: Retry with backoff (ServiceException twice, then success)", async () => {
    const sm = await suite.machine(
      // The function decides from $$.State.RetryCount (a function replacer: "$$" is special in replace strings).
      asl("retry.asl.json").replace('"Payload.$": "$"', () => '"Payload": { "attempt.$": "$$.State.RetryCount" }'),
    );
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{}" }));
    await eventOf(suite.sfn, executionArn!, "TaskFailed", 1);
    suite.cb.clock.advance(2000);
    await eventOf(suite.sfn, executionArn!, "TaskFailed", 2);
    suite.cb.clock.advance(4000);
    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const failures = (await history(suite.sfn, executionArn!)).filter((e) => e.type === "TaskFailed");
    assert.deepEqual(failures.map((e) => e.taskFailedEventDetails!.error), ["ServiceException", "ServiceException"]);
    assert.equal(JSON.parse(failures[0].taskFailedEventDetails!.cause!).errorType, "ServiceException");
  });
});

describe("the combined image pipeline", () => {
  test("100 images, MaxConcurrency 5, Retry 2 s + 4 s under the test clock, review via SendTaskSuccess", async () => {
    const sm = await suite.machine(asl("image-pipeline.asl.json"));
    const images = Array.from({ length: 100 }, (_, i) => ({ key: `photos/${String(i).padStart(3, "0")}.jpg` }));
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ images }) }));

    // Retry: the external service fails twice; advance the clock by the intervals.
    await until("the first failure", async () => (await history(suite.sfn, executionArn!)).some((e) => e.type === "TaskFailed"), 120_000);
    suite.cb.clock.advance(2000);
    await eventOf(suite.sfn, executionArn!, "TaskFailed", 2);
    suite.cb.clock.advance(4000);

    // Callback: the reviewer answers with the token MyCallbackFunction received.
    const review = await until("the review task", async () => {
      const h = await history(suite.sfn, executionArn!);
      return h.find((e) => e.type === "TaskScheduled" && e.taskScheduledEventDetails!.resource === "invoke.waitForTaskToken");
    });
    await suite.sfn.send(new SendTaskSuccessCommand({ taskToken: tokenOf(review), output: JSON.stringify({ approved: true, reviewer: "alice" }) }));

    const d = await finished(suite.sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!);
    assert.equal(out.images, 100);
    assert.deepEqual(out.review, { approved: true, reviewer: "alice" });
    assert.deepEqual(out.external, { accepted: 100, attempt: 2 });

    const h = await history(suite.sfn, executionArn!);
    assert.equal(h.filter((e) => e.type === "MapIterationSucceeded").length, 100);
    assert.equal(maxInFlight(h), 5);
    // The external service's attempts, 2 s and then 4 s apart (the clock was advanced by exactly that).
    const attempts = h
      .filter((e) => e.type === "TaskScheduled" && JSON.parse(e.taskScheduledEventDetails!.parameters!).FunctionName === "ExternalServiceFunction")
      .map((e) => e.timestamp!.getTime());
    assert.equal(attempts.length, 3);
    const gaps = [attempts[1] - attempts[0], attempts[2] - attempts[1]];
    assert.ok(gaps[0] >= 2000 && gaps[0] < 3000, `first retry after ${gaps[0]} ms`);
    assert.ok(gaps[1] >= 4000 && gaps[1] < 5000, `second retry after ${gaps[1]} ms`);
  });
});

describe("pattern 2 at scale: the distributed Map example", () => {
  test("20 images listed from S3, 5 child executions at a time calling the function, results in S3; the AWS CLI reads the Map Run", async () => {
    const s3 = s3Client(suite.cb);
    const bucket = unique("photos").toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (let i = 0; i < 20; i++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `photos/${String(i).padStart(2, "0")}.jpg`, Body: `image ${i}` }));
    const sm = await suite.machine(asl("distributed-map.asl.json"));
    const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify({ bucket }) }));
    const d = await finished(suite.sfn, executionArn!, 120_000);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!);
    const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: out.ResultWriterDetails.Key }))).Body!.transformToString());
    const results = JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifest.ResultFiles.SUCCEEDED[0].Key }))).Body!.transformToString(),
    ) as { Output: string }[];
    assert.equal(results.length, 20);
    assert.deepEqual(JSON.parse(results[0].Output), { image: "photos/00.jpg", width: 640, height: 480, ok: true });

    // The children, five at a time: no more than five ran at any moment.
    const kids = (await suite.sfn.send(new ListExecutionsCommand({ mapRunArn: out.MapRunArn }))).executions!;
    assert.equal(kids.length, 20);
    const spans = kids.map((k) => [k.startDate!.getTime(), k.stopDate!.getTime()]);
    const overlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
    assert.ok(overlap <= 5, `${overlap} children ran at once`);

    const cli = await awsCli(suite.cb.endpoint, ["stepfunctions", "describe-map-run", "--map-run-arn", out.MapRunArn], { AWS_ACCESS_KEY_ID: ACCOUNT });
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual([cli.json.status, cli.json.maxConcurrency, cli.json.toleratedFailurePercentage, cli.json.itemCounts.succeeded], ["SUCCEEDED", 5, 10, 20]);
    const listed = await awsCli(suite.cb.endpoint, ["stepfunctions", "list-executions", "--map-run-arn", out.MapRunArn], { AWS_ACCESS_KEY_ID: ACCOUNT });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.json.executions.length, 20);
    const runs = await awsCli(suite.cb.endpoint, ["stepfunctions", "list-map-runs", "--execution-arn", executionArn!], { AWS_ACCESS_KEY_ID: ACCOUNT });
    assert.deepEqual(runs.json.mapRuns.map((r: { mapRunArn: string }) => r.mapRunArn), [out.MapRunArn]);
    s3.destroy();
  });
});
