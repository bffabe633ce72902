/**
 * Distributed Map end to end with the real SDK v3 clients (Step Functions and S3): ItemReader from
 * S3 (JSON, CSV, an S3 Inventory manifest, listObjectsV2), ItemSelector, ItemBatcher, STANDARD and
 * EXPRESS child executions, tolerated failures, ResultWriter's files, ListMapRuns / DescribeMapRun /
 * UpdateMapRun, ListExecutions by mapRunArn, the MapRun* history events, StopExecution aborting a
 * Map Run, the redrive of a failed Map Run, and a Map Run that survives a restart.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineForExecutionCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateMapRunCommand,
} from "@aws-sdk/client-sfn";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expectAwsError } from "../helpers/errors.js";
import { ACCOUNT, createMachine, eventOf, finished, history, sfnClient, sfnSuite, startCloudbox, unique, until } from "./helpers.js";

const bucket = unique("dmap").toLowerCase();
const suite = sfnSuite({ bucket });

const put = (Key: string, Body: string | Buffer) => suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
const get = async (Key: string) => (await suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToString();

/** A Map state in DISTRIBUTED mode over `states` (a child state machine) with extra fields. */
const dmap = (extra: object, states: object, executionType = "STANDARD") => ({
  Type: "Map",
  ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: executionType }, StartAt: Object.keys(states)[0], States: states },
  End: true,
  ...extra,
});

const run = async (sm: string, input: object) => {
  const { executionArn } = await suite.sfn.send(new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify(input) }));
  return executionArn!;
};

const mapRunOf = async (executionArn: string) => (await suite.sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns![0];

describe("ItemReader and child executions", () => {
  test("JSON from S3 with ItemSelector: STANDARD children, outputs in item order, map runs and children listed", async () => {
    await put("in/items.json", JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }]));
    const name = unique("json");
    const sm = await suite.machine(
      {
        StartAt: "Fan",
        States: {
          Fan: dmap(
            {
              Label: "Items",
              ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON" }, Parameters: { "Bucket.$": "$.bucket", "Key.$": "$.key" } },
              ItemSelector: { "n.$": "$$.Map.Item.Value.n", "i.$": "$$.Map.Item.Index" },
            },
            { Double: { Type: "Pass", Parameters: { "double.$": "States.MathAdd($.n, $.n)", "i.$": "$.i" }, End: true } },
          ),
        },
      },
      { name },
    );
    const arn = await run(sm, { bucket, key: "in/items.json" });
    const d = await finished(suite.sfn, arn);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!), [{ double: 2, i: 0 }, { double: 4, i: 1 }, { double: 6, i: 2 }]);

    const h = await history(suite.sfn, arn);
    assert.deepEqual(
      h.map((e) => e.type),
      ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"],
    );
    // With an ItemReader the items are not known when the state starts (length 0).
    assert.deepEqual(h[2].mapStateStartedEventDetails, { length: 0 });
    const mapRunArn = h[3].mapRunStartedEventDetails!.mapRunArn!;
    assert.match(mapRunArn, new RegExp(`^arn:aws:states:us-east-1:${ACCOUNT}:mapRun:${name}/Items:[0-9a-f-]{36}$`));

    const runs = await suite.sfn.send(new ListMapRunsCommand({ executionArn: arn }));
    assert.equal(runs.mapRuns!.length, 1);
    assert.equal(runs.mapRuns![0].mapRunArn, mapRunArn);
    assert.equal(runs.mapRuns![0].stateMachineArn, `${sm}/Items`);
    assert.ok(runs.mapRuns![0].stopDate);

    const mr = await suite.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    assert.equal(mr.status, "SUCCEEDED");
    assert.equal(mr.executionArn, arn);
    assert.equal(mr.maxConcurrency, 0);
    assert.equal(mr.toleratedFailureCount, 0);
    assert.equal(mr.toleratedFailurePercentage, 0);
    const counts = { pending: 0, running: 0, succeeded: 3, failed: 0, timedOut: 0, aborted: 0, total: 3, resultsWritten: 3, failuresNotRedrivable: 0, pendingRedrive: 0 };
    assert.deepEqual(mr.itemCounts, counts);
    assert.deepEqual(mr.executionCounts, counts);

    const children = (await suite.sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
    assert.equal(children.length, 3);
    for (const c of children) {
      assert.match(c.executionArn!, new RegExp(`:execution:${name}/Items:[0-9a-f-]{36}$`));
      assert.equal(c.stateMachineArn, `${sm}/Items`);
      assert.equal(c.mapRunArn, mapRunArn);
      assert.equal(c.itemCount, 1);
      assert.equal(c.status, "SUCCEEDED");
    }
    const child = await suite.sfn.send(new DescribeExecutionCommand({ executionArn: children[0].executionArn }));
    assert.equal(child.mapRunArn, mapRunArn);
    assert.equal(child.redriveStatus, "NOT_REDRIVABLE");
    const childSm = await suite.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: children[0].executionArn }));
    assert.equal(childSm.mapRunArn, mapRunArn);
    assert.equal(childSm.label, "Items");
    assert.equal(childSm.stateMachineArn, `${sm}/Items`);
    assert.deepEqual(Object.keys(JSON.parse(childSm.definition!)), ["StartAt", "States"]);

    await expectAwsError(suite.sfn.send(new ListExecutionsCommand({ mapRunArn, stateMachineArn: sm })), "ValidationException", 400);
    await expectAwsError(suite.sfn.send(new ListExecutionsCommand({ mapRunArn: `${mapRunArn}x` })), "ResourceNotFound", 400);
    await expectAwsError(suite.sfn.send(new DescribeMapRunCommand({ mapRunArn: sm })), "InvalidArn", 400);
  });

  test("CSV with MaxItems, ItemBatcher with BatchInput, EXPRESS children (not listed by ListExecutions)", async () => {
    await put("in/people.csv", "id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n");
    const sm = await suite.machine({
      StartAt: "Fan",
      States: {
        Fan: dmap(
          {
            ItemReader: {
              Resource: "arn:aws:states:::s3:getObject",
              ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", MaxItems: 4 },
              Parameters: { Bucket: bucket, "Key.$": "$.key" },
            },
            ItemBatcher: { MaxItemsPerBatch: 3, BatchInput: { "source.$": "$.key" } },
          },
          { Count: { Type: "Pass", Parameters: { "count.$": "States.ArrayLength($.Items)", "source.$": "$.BatchInput.source", "first.$": "$.Items[0].name" }, End: true } },
          "EXPRESS",
        ),
      },
    });
    const arn = await run(sm, { key: "in/people.csv" });
    const d = await finished(suite.sfn, arn);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!), [
      { count: 3, source: "in/people.csv", first: "a" },
      { count: 1, source: "in/people.csv", first: "d" },
    ]);
    const { mapRunArn } = await mapRunOf(arn);
    const mr = await suite.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    assert.equal(mr.itemCounts!.total, 4);
    assert.equal(mr.itemCounts!.succeeded, 4);
    assert.equal(mr.executionCounts!.total, 2);
    assert.deepEqual((await suite.sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions, []);
  });

  test("listObjectsV2 items and an S3 Inventory manifest (gzipped CSV data files)", async () => {
    await put("imgs/a.jpg", "aaaa");
    await put("imgs/b.jpg", "bb");
    const list = await suite.machine({
      StartAt: "Fan",
      States: {
        Fan: dmap(
          { ItemReader: { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: bucket, Prefix: "imgs/" } } },
          { Pick: { Type: "Pass", Parameters: { "key.$": "$.Key", "size.$": "$.Size", "lm.$": "$.LastModified", "etag.$": "$.Etag" }, End: true } },
        ),
      },
    });
    const d = await finished(suite.sfn, await run(list, {}));
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!) as { key: string; size: number; lm: number; etag: string }[];
    assert.deepEqual(out.map((o) => [o.key, o.size]), [["imgs/a.jpg", 4], ["imgs/b.jpg", 2]]);
    // LastModified in epoch seconds (input-output-itemreader.html).
    assert.ok(Number.isInteger(out[0].lm) && Math.abs(out[0].lm - Math.floor(suite.cb.clock.now() / 1000)) < 120);
    assert.match(out[0].etag, /^"[0-9a-f]{32}"$/);

    await put("inv/data/1.csv.gz", gzipSync('"src","k1","10"\n"src","k2","20"\n'));
    await put(
      "inv/manifest.json",
      JSON.stringify({ sourceBucket: "src", destinationBucket: `arn:aws:s3:::${bucket}`, fileFormat: "CSV", fileSchema: "Bucket, Key, Size", files: [{ key: "inv/data/1.csv.gz", size: 40, MD5checksum: "x" }] }),
    );
    const inv = await suite.machine({
      StartAt: "Fan",
      States: {
        Fan: dmap(
          { ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "MANIFEST" }, Parameters: { Bucket: bucket, Key: "inv/manifest.json" } } },
          { Echo: { Type: "Pass", End: true } },
        ),
      },
    });
    const m = await finished(suite.sfn, await run(inv, {}));
    assert.equal(m.status, "SUCCEEDED", m.cause);
    assert.deepEqual(JSON.parse(m.output!), [{ Bucket: "src", Key: "k1", Size: "10" }, { Bucket: "src", Key: "k2", Size: "20" }]);
  });
});

/** A child that fails with Error "Bad" when its item has fail: true. */
const failing = {
  Check: { Type: "Choice", Choices: [{ Variable: "$.fail", IsPresent: true, Next: "Bad" }], Default: "Good" },
  Bad: { Type: "Fail", Error: "Bad", Cause: "item failed" },
  Good: { Type: "Pass", End: true },
};

describe("failures and results", () => {
  test("ResultWriter: manifest.json, SUCCEEDED_0.json and FAILED_0.json under <Prefix>/<map run id>/; a tolerated failure", async () => {
    const sm = await suite.machine({
      StartAt: "Fan",
      States: {
        Fan: dmap({ ToleratedFailurePercentage: 50, ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: bucket, Prefix: "results" } } }, failing),
      },
    });
    const arn = await run(sm, [{ v: 1 }, { v: 2, fail: true }, { v: 3 }, { v: 4 }]);
    const d = await finished(suite.sfn, arn);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const { mapRunArn } = await mapRunOf(arn);
    const id = mapRunArn!.split(":").pop();
    const manifestKey = `results/${id}/manifest.json`;
    assert.deepEqual(JSON.parse(d.output!), { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } });

    const manifest = JSON.parse(await get(manifestKey));
    assert.equal(manifest.DestinationBucket, bucket);
    assert.equal(manifest.MapRunArn, mapRunArn);
    assert.deepEqual(manifest.ResultFiles.PENDING, []);
    assert.equal(manifest.ResultFiles.SUCCEEDED[0].Key, `results/${id}/SUCCEEDED_0.json`);
    assert.equal(manifest.ResultFiles.FAILED[0].Key, `results/${id}/FAILED_0.json`);
    const succeeded = JSON.parse(await get(`results/${id}/SUCCEEDED_0.json`));
    assert.equal(manifest.ResultFiles.SUCCEEDED[0].Size, Buffer.byteLength(await get(`results/${id}/SUCCEEDED_0.json`)));
    assert.equal(succeeded.length, 3);
    assert.deepEqual(
      succeeded.map((r: { Input: string; Output: string; Status: string }) => [JSON.parse(r.Input).v, JSON.parse(r.Output).v, r.Status]),
      [[1, 1, "SUCCEEDED"], [3, 3, "SUCCEEDED"], [4, 4, "SUCCEEDED"]],
    );
    assert.match(succeeded[0].ExecutionArn, /:execution:/);
    assert.equal(succeeded[0].InputDetails.Included, true);
    const failed = JSON.parse(await get(`results/${id}/FAILED_0.json`));
    assert.deepEqual([failed.length, failed[0].Status, failed[0].Error, failed[0].Cause], [1, "FAILED", "Bad", "item failed"]);

    const mr = await suite.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    assert.equal(mr.toleratedFailurePercentage, 50);
    assert.deepEqual([mr.itemCounts!.succeeded, mr.itemCounts!.failed, mr.itemCounts!.total], [3, 1, 4]);
  });

  test("without tolerance a failed child fails the Map Run (States.ExceedToleratedFailureThreshold); reader and writer errors", async () => {
    const sm = await suite.machine({ StartAt: "Fan", States: { Fan: dmap({ MaxConcurrency: 1 }, failing) } });
    const arn = await run(sm, [{ fail: true }, { v: 2 }, { v: 3 }]);
    const d = await finished(suite.sfn, arn);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.ExceedToleratedFailureThreshold");
    const h = await history(suite.sfn, arn);
    assert.deepEqual(h.slice(-4).map((e) => e.type), ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"]);
    assert.equal(h.at(-3)!.mapRunFailedEventDetails!.error, "States.ExceedToleratedFailureThreshold");
    const mr = await suite.sfn.send(new DescribeMapRunCommand({ mapRunArn: (await mapRunOf(arn)).mapRunArn }));
    assert.equal(mr.status, "FAILED");
    // MaxConcurrency 1: the other items never started.
    assert.deepEqual([mr.itemCounts!.failed, mr.itemCounts!.pending, mr.itemCounts!.total], [1, 2, 3]);

    const lateKey = `${unique("late")}.json`;
    const missing = await suite.machine({
      StartAt: "Fan",
      States: { Fan: dmap({ ItemReader: { Resource: "arn:aws:states:::s3:getObject", Parameters: { Bucket: bucket, Key: lateKey } } }, { P: { Type: "Pass", End: true } }) },
    });
    const missingArn = await run(missing, {});
    const r = await finished(suite.sfn, missingArn);
    assert.equal(r.error, "States.ItemReaderFailed");
    assert.match(r.cause!, /NoSuchKey/);
    // Redriven once the object exists: the Map Run reads its items this time.
    await put(lateKey, "[\"a\",\"b\"]");
    await suite.sfn.send(new RedriveExecutionCommand({ executionArn: missingArn }));
    await until("the redriven execution", async () => (await history(suite.sfn, missingArn)).some((e) => e.type === "MapRunRedriven"));
    const redriven = await finished(suite.sfn, missingArn);
    assert.equal(redriven.status, "SUCCEEDED", redriven.cause);
    assert.deepEqual(JSON.parse(redriven.output!), ["a", "b"]);

    // A ResultWriter that cannot write fails the Map Run with States.ResultWriterFailed, which a Catch sees.
    const writerDef = {
      StartAt: "Fan",
      States: {
        Fan: {
          ...dmap({ ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "no-such-bucket-for-results", Prefix: "x" } } }, { P: { Type: "Pass", End: true } }),
          End: undefined,
          Next: "Done",
          Catch: [{ ErrorEquals: ["States.ResultWriterFailed"], Next: "Done" }],
        },
        Done: { Type: "Pass", End: true },
      },
    };
    const w = await finished(suite.sfn, await run(await suite.machine(writerDef), [1]));
    assert.equal(w.status, "SUCCEEDED");
    assert.equal(JSON.parse(w.output!).Error, "States.ResultWriterFailed");
    assert.match(JSON.parse(w.output!).Cause, /NoSuchBucket/);
  });
});

describe("running Map Runs", () => {
  const waiting = { Hold: { Type: "Wait", Seconds: 60, End: true } };

  test("MaxConcurrency, UpdateMapRun, then StopExecution aborts the Map Run and its children", async () => {
    const sm = await suite.machine({ StartAt: "Fan", States: { Fan: dmap({ MaxConcurrency: 1 }, waiting) } });
    const arn = await run(sm, [1, 2, 3, 4]);
    const [started] = await eventOf(suite.sfn, arn, "MapRunStarted");
    const mapRunArn = started.mapRunStartedEventDetails!.mapRunArn!;
    const counts = (running: number, pending: number) =>
      until(`${running} running, ${pending} pending`, async () => {
        const mr = await suite.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
        return mr.executionCounts!.running === running && mr.executionCounts!.pending === pending && mr;
      });
    await counts(1, 3);
    await expectAwsError(suite.sfn.send(new UpdateMapRunCommand({ mapRunArn, toleratedFailurePercentage: 101 })), "ValidationException", 400);
    await expectAwsError(suite.sfn.send(new UpdateMapRunCommand({ mapRunArn: `${mapRunArn}0` })), "ResourceNotFound", 400);
    await suite.sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 3, toleratedFailureCount: 2 }));
    const mr = await counts(3, 1);
    assert.equal(mr.maxConcurrency, 3);
    assert.equal(mr.toleratedFailureCount, 2);
    assert.equal(mr.status, "RUNNING");

    await suite.sfn.send(new StopExecutionCommand({ executionArn: arn, error: "Enough", cause: "test" }));
    const d = await finished(suite.sfn, arn);
    assert.equal(d.status, "ABORTED");
    assert.deepEqual((await history(suite.sfn, arn)).slice(-3).map((e) => e.type), ["MapRunAborted", "MapStateAborted", "ExecutionAborted"]);
    const aborted = await until("the Map Run and its children to be aborted", async () => {
      const m = await suite.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      const kids = (await suite.sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
      return m.status === "ABORTED" && kids.every((k) => k.status === "ABORTED") && { m, kids };
    });
    assert.equal(aborted.kids.length, 3);
    assert.deepEqual([aborted.m.itemCounts!.aborted, aborted.m.itemCounts!.pending], [3, 1]);
    assert.ok(aborted.m.stopDate);
  });

  test("RedriveExecution redrives a failed Map Run: MapRunRedriven, only the failed children run again", async () => {
    const sm = await suite.machine({
      StartAt: "Fan",
      States: {
        Fan: dmap({ ItemSelector: { "Bucket": bucket, "Key.$": "$$.Map.Item.Value" } }, { Read: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:getObject", ResultSelector: { "ok": true }, End: true } }),
      },
    });
    const key = unique("later");
    await put("present.txt", "x");
    const arn = await run(sm, ["present.txt", key]);
    const d = await finished(suite.sfn, arn);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.ExceedToleratedFailureThreshold");
    const { mapRunArn } = await mapRunOf(arn);

    await put(key, "now it exists");
    await suite.sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    const again = await finished(suite.sfn, arn);
    assert.equal(again.status, "SUCCEEDED", again.cause);
    assert.deepEqual(JSON.parse(again.output!), [{ ok: true }, { ok: true }]);
    assert.equal(again.redriveCount, 1);
    const h = await history(suite.sfn, arn);
    const redriven = h.find((e) => e.type === "MapRunRedriven")!;
    assert.deepEqual(redriven.mapRunRedrivenEventDetails, { mapRunArn, redriveCount: 1 });
    const mr = await suite.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    assert.equal(mr.status, "SUCCEEDED");
    assert.equal(mr.redriveCount, 1);
    assert.ok(mr.redriveDate);
    assert.deepEqual([mr.itemCounts!.succeeded, mr.itemCounts!.total], [2, 2]);
    assert.equal((await suite.sfn.send(new ListMapRunsCommand({ executionArn: arn }))).mapRuns!.length, 1);
  });
});

test("a Map Run in progress survives a restart: waiting children resume and the parent gets every result", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-dmap-"));
  try {
    let box = await startCloudbox({ ephemeral: false, dataDir });
    let client = sfnClient(box);
    const sm = await createMachine(
      client,
      { StartAt: "Fan", States: { Fan: dmap({ MaxConcurrency: 2 }, { Hold: { Type: "Wait", Seconds: 30, Next: "Out" }, Out: { Type: "Pass", Parameters: { "v.$": "$" }, End: true } }) } },
      { name: unique("durable-map") },
    );
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: sm, input: "[1,2,3]" }));
    const [started] = await eventOf(client, executionArn!, "MapRunStarted");
    const mapRunArn = started.mapRunStartedEventDetails!.mapRunArn!;
    await until("two children waiting", async () => (await client.send(new DescribeMapRunCommand({ mapRunArn }))).executionCounts!.running === 2);
    client.destroy();
    await box.stop();

    box = await startCloudbox({ ephemeral: false, dataDir });
    client = sfnClient(box);
    box.clock.advance(30_000);
    await until("the third child to start", async () => (await client.send(new DescribeMapRunCommand({ mapRunArn }))).executionCounts!.succeeded === 2);
    box.clock.advance(30_000);
    const d = await finished(client, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!), [{ v: 1 }, { v: 2 }, { v: 3 }]);
    assert.equal((await client.send(new DescribeMapRunCommand({ mapRunArn }))).status, "SUCCEEDED");
    client.destroy();
    await box.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
