/**
 * Distributed Map and redrive in the engine: the pure helpers (tables), whole machines from
 * cases/distributed.json through the in-memory driver, and redriveExecution scenarios.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  batchItems,
  csvItems,
  listingItems,
  parseCsv,
  parseItemFile,
  parseManifest,
  resultFiles,
  toleranceExceeded,
  transformResults,
  type ChildResult,
} from "./distributed.js";
import { runExecution, type DriverOptions } from "./driver.js";
import { StatesError, type Json, type JsonObject } from "./types.js";

// ------------------------------------------------------------------------------------------ helpers

const csvCases: { name: string; text: string; delimiter?: string; rows: string[][] }[] = [
  { name: "plain rows, LF", text: "a,b\n1,2\n", rows: [["a", "b"], ["1", "2"]] },
  { name: "CRLF and a last line without newline", text: "a,b\r\n1,2", rows: [["a", "b"], ["1", "2"]] },
  { name: "quoted fields keep delimiters, newlines and doubled quotes", text: 'x,"a,b","say ""hi""","l1\nl2"\n', rows: [["x", "a,b", 'say "hi"', "l1\nl2"]] },
  { name: "empty fields and blank lines", text: "a,,c\n\n,b,\n", rows: [["a", "", "c"], ["", "b", ""]] },
  { name: "pipe delimiter", text: "a|b\n1|2\n", delimiter: "|", rows: [["a", "b"], ["1", "2"]] },
];
for (const c of csvCases) test(`parseCsv: ${c.name}`, () => assert.deepEqual(parseCsv(c.text, c.delimiter), c.rows));

const fileCases: { name: string; text: string; config: JsonObject; items?: Json[]; error?: string }[] = [
  { name: "JSON array", text: '[{"a":1},2]', config: { InputType: "JSON" }, items: [{ a: 1 }, 2] },
  { name: "JSON is the default InputType", text: "[1]", config: {}, items: [1] },
  { name: "JSON that is not an array", text: '{"a":1}', config: { InputType: "JSON" }, error: "States.ItemReaderFailed" },
  { name: "invalid JSON", text: "[1,", config: { InputType: "JSON" }, error: "States.ItemReaderFailed" },
  { name: "JSON Lines", text: '{"a":1}\n{"a":2}\n', config: { InputType: "JSONL" }, items: [{ a: 1 }, { a: 2 }] },
  { name: "CSV FIRST_ROW: values stay strings", text: "id,n\n1,x\n", config: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, items: [{ id: "1", n: "x" }] },
  { name: "CSV GIVEN headers", text: "1,x\n2,y\n", config: { InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: ["id", "n"] }, items: [{ id: "1", n: "x" }, { id: "2", n: "y" }] },
  { name: "CSV GIVEN without CSVHeaders", text: "1\n", config: { InputType: "CSV", CSVHeaderLocation: "GIVEN" }, error: "States.ItemReaderFailed" },
  { name: "CSV with CSVDelimiter SEMICOLON", text: "a;b\n1;2\n", config: { InputType: "CSV", CSVDelimiter: "SEMICOLON" }, items: [{ a: "1", b: "2" }] },
];
for (const c of fileCases)
  test(`parseItemFile: ${c.name}`, () => {
    if (c.error) assert.throws(() => parseItemFile(c.text, c.config), (e: unknown) => e instanceof StatesError && e.error === c.error);
    else assert.deepEqual(parseItemFile(c.text, c.config), c.items);
  });

test("csvItems: short rows fill missing columns with empty strings", () => {
  assert.deepEqual(csvItems("a,b,c\n1\n", {}), [{ a: "1", b: "", c: "" }]);
});

test("parseManifest: an S3 Inventory manifest names the bucket, the data files and their columns", () => {
  const m = parseManifest(JSON.stringify({ sourceBucket: "src", fileFormat: "CSV", fileSchema: "Bucket, Key, Size", files: [{ key: "inv/data/1.csv.gz", size: 10 }] }));
  assert.deepEqual(m, { bucket: "src", files: ["inv/data/1.csv.gz"], columns: ["Bucket", "Key", "Size"], format: "CSV" });
  assert.throws(() => parseManifest(JSON.stringify({ fileFormat: "ORC", files: [] })), (e: unknown) => e instanceof StatesError && e.error === "States.ItemReaderFailed");
});

test("listingItems: S3 objects as AWS's listObjectsV2 reader gives them (LastModified in epoch seconds)", () => {
  assert.deepEqual(listingItems([{ Key: "a.jpg", ETag: '"e1"', LastModified: new Date("2022-11-17T15:44:41Z"), Size: 34910, StorageClass: "STANDARD" }]), [
    { Etag: '"e1"', Key: "a.jpg", LastModified: 1668699881, Size: 34910, StorageClass: "STANDARD" },
  ]);
});

const batchCases: { name: string; items: Json[]; batcher: Parameters<typeof batchItems>[1]; sizes?: number[]; error?: string }[] = [
  { name: "no batcher: one child per item", items: [1, 2, 3], batcher: undefined, sizes: [1, 1, 1] },
  { name: "MaxItemsPerBatch 2 over 5 items", items: [1, 2, 3, 4, 5], batcher: { maxItems: 2 }, sizes: [2, 2, 1] },
  // {"Items":[]} is 12 bytes; "aaaa" items are 6 bytes plus a comma from the second on.
  { name: "MaxInputBytesPerBatch closes a batch before it would pass the size", items: ["aaaa", "aaaa", "aaaa"], batcher: { maxBytes: 25 }, sizes: [2, 1] },
  { name: "both limits: the first reached wins", items: [1, 2, 3, 4], batcher: { maxItems: 3, maxBytes: 1000 }, sizes: [3, 1] },
  { name: "an item larger than MaxInputBytesPerBatch", items: ["x".repeat(100)], batcher: { maxBytes: 50 }, error: "States.Runtime" },
];
for (const c of batchCases)
  test(`batchItems: ${c.name}`, () => {
    if (c.error) return assert.throws(() => batchItems(c.items, c.batcher), (e: unknown) => e instanceof StatesError && e.error === c.error);
    const b = batchItems(c.items, c.batcher);
    assert.deepEqual(b.map((x) => x.items), c.sizes);
    if (c.batcher) for (const x of b) assert.ok(Buffer.byteLength(JSON.stringify(x.input)) <= (c.batcher.maxBytes ?? 256 * 1024));
  });

const toleranceCases: [failed: number, total: number, count: number | undefined, pct: number | undefined, exceeded: boolean][] = [
  [0, 10, undefined, undefined, false],
  [1, 10, undefined, undefined, true],
  [1, 10, 1, undefined, false],
  [2, 10, 1, undefined, true],
  [1, 10, undefined, 10, false],
  [2, 10, undefined, 10, true],
  // Both set: the Map Run fails only when both are exceeded.
  [2, 10, 1, 50, false],
  [6, 10, 1, 50, true],
];
for (const [failed, total, count, pct, exceeded] of toleranceCases)
  test(`toleranceExceeded(${failed}/${total}, count ${count}, pct ${pct}) = ${exceeded}`, () => assert.equal(toleranceExceeded(failed, total, count, pct), exceeded));

const child = (status: string, output?: Json): ChildResult => ({
  executionArn: `arn:aws:states:us-east-1:1:execution:M/L:${status}`, name: status, stateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:M/L",
  status, input: { in: 1 }, output, error: status === "SUCCEEDED" ? undefined : "E", cause: status === "SUCCEEDED" ? undefined : "C", startMs: 0, stopMs: 1000,
});

test("transformResults: COMPACT outputs, FLATTEN spreads arrays, NONE keeps the records; failures stay records", () => {
  const cs = [child("SUCCEEDED", [1, 2]), child("FAILED")];
  const compact = transformResults(cs);
  assert.deepEqual(compact[0], [1, 2]);
  assert.equal((compact[1] as JsonObject).Status, "FAILED");
  assert.deepEqual(transformResults(cs, "FLATTEN").slice(0, 2), [1, 2]);
  const none = transformResults(cs, "NONE")[0] as JsonObject;
  assert.equal(none.Output, "[1,2]");
  assert.equal(none.Input, '{"in":1}');
  assert.equal(none.StartDate, "1970-01-01T00:00:00.000Z");
});

test("resultFiles: files by status under <Prefix>/<map run id>/, a manifest listing them, the Map's output", () => {
  const arn = "arn:aws:states:us-east-1:1:mapRun:M/L:run-uuid";
  const r = resultFiles(arn, { resource: "arn:aws:states:::s3:putObject", parameters: { Bucket: "out", Prefix: "jobs" } }, [child("SUCCEEDED", 1), child("TIMED_OUT")], [{ p: 1 }]);
  assert.deepEqual(r.objects.map((o) => o.key), ["jobs/run-uuid/SUCCEEDED_0.json", "jobs/run-uuid/FAILED_0.json", "jobs/run-uuid/PENDING_0.json", "jobs/run-uuid/manifest.json"]);
  assert.deepEqual(r.output, { MapRunArn: arn, ResultWriterDetails: { Bucket: "out", Key: "jobs/run-uuid/manifest.json" } });
  const manifest = JSON.parse(r.objects.at(-1)!.body);
  assert.equal(manifest.DestinationBucket, "out");
  assert.equal(manifest.MapRunArn, arn);
  assert.deepEqual(manifest.ResultFiles.SUCCEEDED, [{ Key: "jobs/run-uuid/SUCCEEDED_0.json", Size: Buffer.byteLength(r.objects[0].body) }]);
  const succeeded = JSON.parse(r.objects[0].body);
  assert.equal(succeeded[0].Status, "SUCCEEDED");
  assert.equal(succeeded[0].Output, "1");
  assert.equal(JSON.parse(r.objects[1].body)[0].Error, "E");
  const jsonl = resultFiles(arn, { resource: "x", parameters: { Bucket: "out" }, outputType: "JSONL" }, [child("SUCCEEDED", 1)], []);
  assert.deepEqual(jsonl.objects.map((o) => o.key), ["run-uuid/SUCCEEDED_0.jsonl", "run-uuid/manifest.json"]);
});

// ------------------------------------------------------------------------------------------ machines

interface MachineCase {
  name: string;
  definition: JsonObject;
  input: Json;
  tasks?: Record<string, ({ output: Json } | { error: string; cause?: string } | "pending")[]>;
  readItems?: string;
  expected: {
    status: string; output?: Json; error?: string; children?: number; childInputs?: Json[]; outputLength?: number;
    failedRecordAt?: number; writerKeys?: string[]; readerParameters?: JsonObject;
  };
  history?: string[];
}
const machines = (JSON.parse(readFileSync(new URL("./cases/distributed.json", import.meta.url), "utf8")) as { cases: MachineCase[] }).cases;
for (const c of machines)
  test(`distributed: ${c.name}`, async () => {
    // Children count their calls separately; answers are taken in order across the whole run.
    const used: Record<string, number> = {};
    const run = await runExecution(c.definition, c.input, {
      handler: ({ effect }) => {
        const n = (used[effect.stateName] = (used[effect.stateName] ?? 0) + 1);
        const answer = c.tasks?.[effect.stateName]?.[n - 1];
        assert.ok(answer !== undefined, `no answer #${n} for ${effect.stateName}`);
        return answer;
      },
      readItems: c.readItems !== undefined ? (r) => parseItemFile(c.readItems!, r.config) : undefined,
    });
    const e = c.expected;
    assert.equal(run.state.status, e.status, `${run.state.error}: ${run.state.cause}`);
    if ("output" in e) assert.deepEqual(run.state.output, e.output);
    if (e.error) assert.equal(run.state.error, e.error);
    const mr = run.mapRuns[0];
    if (e.children !== undefined) assert.equal(mr.children.length, e.children);
    if (e.childInputs) assert.deepEqual(mr.children.map((x) => x.input), e.childInputs);
    if (e.outputLength !== undefined) assert.equal((run.state.output as Json[]).length, e.outputLength);
    if (e.failedRecordAt !== undefined) assert.equal(((run.state.output as JsonObject[])[e.failedRecordAt]).Status, "FAILED");
    if (e.readerParameters) assert.deepEqual(mr.spec.reader?.parameters, e.readerParameters);
    if (e.writerKeys) {
      assert.deepEqual(mr.written!.map((o) => o.key.split("/").pop()), e.writerKeys);
      const out = run.state.output as JsonObject;
      assert.equal(out.MapRunArn, mr.spec.mapRunArn);
      assert.match(mr.spec.mapRunArn, /^arn:aws:states:us-east-1:000000000000:mapRun:Machine\/[^:]+:[0-9a-f-]+$/);
      assert.equal((out.ResultWriterDetails as JsonObject).Key, `runs/${mr.spec.mapRunArn.split(":").pop()}/manifest.json`);
    }
    if (c.history) assert.deepEqual(run.history.map((h) => h.type), c.history);
  });

// ------------------------------------------------------------------------------------------ redrive

/** Runs to the end, then redrives; answers come from per-state queues shared by both runs. */
const twice = async (def: JsonObject, input: Json, answers: Record<string, ({ output: Json } | { error: string } | "pending")[]>, extra: Partial<DriverOptions> = {}) => {
  const calls: string[] = [];
  const handler: DriverOptions["handler"] = ({ effect }) => {
    calls.push(`${effect.stateName}:${JSON.stringify(effect.input)}`);
    const a = answers[effect.stateName]?.shift();
    assert.ok(a !== undefined, `no answer for ${effect.stateName}`);
    return a;
  };
  const first = await runExecution(def, input, { handler, ...extra });
  const firstCalls = calls.splice(0);
  const second = await runExecution(def, input, { handler, redriveFrom: first.state, ...extra });
  return { first, second, firstCalls, secondCalls: calls };
};

const lambdaTask = (extra: JsonObject = {}): JsonObject => ({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", ...extra });

test("redrive: a failed Task runs again (its retries start over); the states before it do not", async () => {
  const def: JsonObject = {
    StartAt: "Before",
    States: {
      Before: { Type: "Pass", Result: { n: 1 }, Next: "T" },
      T: lambdaTask({ Parameters: { "count.$": "$$.Execution.RedriveCount" }, Retry: [{ ErrorEquals: ["E"], MaxAttempts: 1 }], End: true }),
    },
  };
  const { first, second, firstCalls, secondCalls } = await twice(def, {}, { T: [{ error: "E" }, { error: "E" }, { output: "ok" }] });
  assert.equal(first.state.status, "FAILED");
  assert.deepEqual(firstCalls, ['T:{"count":0}', 'T:{"count":0}']);
  assert.equal(second.state.status, "SUCCEEDED");
  assert.deepEqual(secondCalls, ['T:{"count":1}']);
  assert.equal(second.state.exec.redriveCount, 1);
  assert.deepEqual(second.history.slice(0, 3).map((h) => h.type), ["ExecutionRedriven", "TaskStateEntered", "TaskScheduled"]);
  assert.deepEqual(second.history[0].executionRedrivenEventDetails, { redriveCount: 1 });
  assert.equal(second.history[0].id, first.history.at(-1)!.id + 1);
  assert.equal(second.history[1].previousEventId, second.history[0].id);
});

test("redrive: an inline Map runs again only the iteration that failed", async () => {
  const def: JsonObject = { StartAt: "M", States: { M: { Type: "Map", MaxConcurrency: 1, ItemProcessor: { StartAt: "T", States: { T: lambdaTask({ End: true }) } }, End: true } } };
  const { first, second, secondCalls } = await twice(def, [1, 2, 3], { T: [{ output: "a" }, { error: "E" }, { output: "b" }, { output: "c" }] });
  assert.equal(first.state.status, "FAILED");
  assert.equal(second.state.status, "SUCCEEDED");
  // Item 1 runs again; item 2 had never started (MaxConcurrency 1) and starts now; item 0 keeps "a".
  assert.deepEqual(secondCalls, ["T:2", "T:3"]);
  assert.deepEqual(second.state.output, ["a", "b", "c"]);
});

test("redrive: a Parallel state runs again only the failed branch; the other keeps its result", async () => {
  const def: JsonObject = {
    StartAt: "P",
    States: {
      P: {
        Type: "Parallel",
        End: true,
        Branches: [
          { StartAt: "A", States: { A: lambdaTask({ End: true }) } },
          { StartAt: "B", States: { B: lambdaTask({ End: true }) } },
        ],
      },
    },
  };
  const { first, second, secondCalls } = await twice(def, {}, { A: [{ output: "a" }], B: [{ error: "E" }, { output: "b" }] });
  assert.equal(first.state.status, "FAILED");
  assert.deepEqual(secondCalls, ["B:{}"]);
  assert.deepEqual(second.state.output, ["a", "b"]);
  assert.deepEqual(second.history.slice(0, 3).map((h) => h.type), ["ExecutionRedriven", "ParallelStateEntered", "ParallelStateStarted"]);
});

test("redrive: a timed-out execution re-enters the aborted Wait; TimeoutSeconds starts over", async () => {
  const def: JsonObject = { StartAt: "W", TimeoutSeconds: 100, States: { W: { Type: "Wait", Seconds: 60, Next: "T" }, T: lambdaTask({ End: true }) } };
  // The first run times out only if the Wait is longer: make it so with a state whose Wait ends after the timeout.
  const slow: JsonObject = { ...def, TimeoutSeconds: 30 };
  const first = await runExecution(slow, {}, { handler: () => ({ output: 1 }) });
  assert.equal(first.state.status, "TIMED_OUT");
  const second = await runExecution(def, {}, { handler: () => ({ output: "done" }), redriveFrom: first.state });
  assert.equal(second.state.status, "SUCCEEDED");
  assert.deepEqual(second.history.slice(0, 2).map((h) => h.type), ["ExecutionRedriven", "WaitStateEntered"]);
  assert.deepEqual(second.timers.map((t) => [t.reason, t.delayMs]), [["ExecutionTimeout", 100_000], ["Wait", 60_000]]);
});

test("redrive: a distributed Map redrives its Map Run under the same ARN (MapRunRedriven)", async () => {
  const def: JsonObject = {
    StartAt: "M",
    States: { M: { Type: "Map", ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "T", States: { T: lambdaTask({ End: true }) } }, End: true } },
  };
  const { first, second } = await twice(def, [1], { T: [{ error: "E" }, { output: "ok" }] });
  assert.equal(first.state.status, "FAILED");
  assert.equal(second.state.status, "SUCCEEDED");
  const arn = first.mapRuns[0].spec.mapRunArn;
  assert.equal(second.mapRuns[0].spec.mapRunArn, arn);
  assert.equal(second.mapRuns[0].spec.redrive, true);
  const redriven = second.history.find((h) => h.type === "MapRunRedriven")!;
  assert.deepEqual(redriven.mapRunRedrivenEventDetails, { mapRunArn: arn, redriveCount: 1 });
  assert.ok(!second.history.some((h) => h.type === "MapRunStarted"));
});

test("redrive refuses RUNNING and SUCCEEDED executions", async () => {
  const ok = await runExecution({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }, {}, { handler: () => ({ output: 1 }) });
  await assert.rejects(runExecution({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }, {}, { handler: () => ({ output: 1 }), redriveFrom: ok.state }), /cannot be redriven/);
});
