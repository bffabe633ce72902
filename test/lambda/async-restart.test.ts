/**
 * The asynchronous invocation queue is durable: an Event invocation acknowledged with 202 is in
 * the store, so a retry waiting when Cloudbox stops runs after the restart (with its attempt
 * count and the record to its destination), an event that aged out meanwhile goes to OnFailure as
 * EventAgeExceeded, and an event accepted right before a `kill -9` runs after the restart.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, LambdaClient, PutFunctionEventInvokeConfigCommand } from "@aws-sdk/client-lambda";
import { getAsyncEvent } from "../../src/services/lambda/store.js";
import { startServer, stopServer } from "../helpers/server-process.js";
import { ACCOUNT, createNode, lambdaClient, startCloudbox, unique, type Cloudbox } from "./helpers.js";

const arnOf = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

const waitFor = async <T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A destination function that writes each record it gets to <record.requestPayload.dir>/record.json. */
const RECORDER = `const fs = require("fs");
exports.handler = async (record) => { fs.writeFileSync(record.requestPayload.dir + "/record.json", JSON.stringify(record)); };`;

/** Fails on its first attempt (a marker file remembers it), succeeds after. */
const FLAKY = `const fs = require("fs");
exports.handler = async (e) => {
  const marker = e.dir + "/attempted";
  if (!fs.existsSync(marker)) { fs.writeFileSync(marker, "1"); throw new Error("first attempt fails"); }
  fs.writeFileSync(e.dir + "/done", "1");
  return { ok: true };
};`;

const start = (dataDir: string) => startCloudbox({ ephemeral: false, dataDir });

interface Restartable {
  /** The first Cloudbox, on a fresh data directory, and its Lambda client. */
  cb: Cloudbox;
  lambda: LambdaClient;
  /** A directory the functions write to (RECORDER its records). */
  work: string;
  /** The name of a RECORDER function, already created. */
  recorder: string;
  /** Stops the first Cloudbox, runs `whileDown`, then starts and answers a second one on the same data directory. */
  restart(whileDown?: () => void): Promise<Cloudbox>;
}

/** Runs `body` with a Cloudbox it can restart (see Restartable); stops both and removes the data directory after. */
const withRestart = async (body: (box: Restartable) => Promise<void>) => {
  const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-lambda-async-"));
  const work = join(dataDir, "work");
  mkdirSync(work);
  const recorder = unique("recorder");
  let first: Cloudbox | undefined;
  let second: Cloudbox | undefined;
  let c1: LambdaClient | undefined;
  try {
    first = await start(dataDir);
    c1 = lambdaClient(first);
    await createNode(c1, recorder, { "index.js": RECORDER });
    await body({
      cb: first,
      lambda: c1,
      work,
      recorder,
      restart: async (whileDown) => {
        c1!.destroy();
        c1 = undefined;
        await first!.stop();
        first = undefined;
        whileDown?.();
        second = await start(dataDir);
        await second.ready;
        return second;
      },
    });
  } finally {
    c1?.destroy();
    await first?.stop();
    await second?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

describe("Event invocations survive a restart", () => {
  test("a retry waiting when Cloudbox stops runs after the restart, and its record reaches OnSuccess", () =>
    withRestart(async ({ cb: first, lambda: c1, work, recorder, restart }) => {
      const name = unique("flaky");
      await createNode(c1, name, { "index.js": FLAKY });
      await c1.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, DestinationConfig: { OnSuccess: { Destination: arnOf(recorder) } } }));
      const sent = await c1.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ dir: work })) }));
      assert.equal(sent.StatusCode, 202);
      const id = sent.$metadata.requestId!;
      // The first attempt failed and the retry waits a minute (clock time) in the queue table.
      const queued = await waitFor("the first attempt", () => {
        const row = getAsyncEvent(first.store, id);
        return row && row.attempts === 1 && row;
      });
      assert.equal(queued.outcome, null);
      assert.equal(queued.last_function_error, "Unhandled");
      assert.ok(queued.next_attempt_ms >= queued.received_ms + 60_000, "the retry is due a minute later");

      const second = await restart(() => assert.equal(existsSync(join(work, "done")), false));
      // Not before its time.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(existsSync(join(work, "done")), false);
      second.clock.advance(60_000);
      await waitFor("the retry", () => existsSync(join(work, "done")));
      const record = JSON.parse(await waitFor("the OnSuccess record", () => existsSync(join(work, "record.json")) && readFileSync(join(work, "record.json"), "utf8")));
      assert.equal(record.requestContext.condition, "Success");
      assert.equal(record.requestContext.requestId, id);
      assert.equal(record.requestContext.approximateInvokeCount, 2);
      assert.deepEqual(record.responsePayload, { ok: true });
      // Done with: the event left the queue.
      await waitFor("the event to leave the queue", () => !getAsyncEvent(second.store, id));
    }));

  test("an event that ages out while Cloudbox is down goes to OnFailure as EventAgeExceeded, with its last result", () =>
    withRestart(async ({ cb: first, lambda: c1, work, recorder, restart }) => {
      const name = unique("failing");
      await createNode(c1, name, { "index.js": "exports.handler = async (e) => { throw new RangeError('always ' + e.n); };" });
      await c1.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: arnOf(recorder) } } }),
      );
      const sent = await c1.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ dir: work, n: 3 })) }));
      const id = sent.$metadata.requestId!;
      await waitFor("the first attempt", () => getAsyncEvent(first.store, id)?.attempts === 1);

      const second = await restart();
      // The retry is due at +60 s; by then the event is older than MaximumEventAgeInSeconds.
      second.clock.advance(61_000);
      const record = JSON.parse(await waitFor("the OnFailure record", () => existsSync(join(work, "record.json")) && readFileSync(join(work, "record.json"), "utf8")));
      assert.equal(record.requestContext.condition, "EventAgeExceeded");
      assert.equal(record.requestContext.requestId, id);
      assert.equal(record.requestContext.approximateInvokeCount, 1);
      assert.deepEqual(record.requestPayload, { dir: work, n: 3 });
      assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" });
      assert.equal(record.responsePayload.errorType, "RangeError");
      assert.equal(record.responsePayload.errorMessage, "always 3");
      await waitFor("the event to leave the queue", () => !getAsyncEvent(second.store, id));
    }));
});

describe("Event invocations survive kill -9", () => {
  test("an event acknowledged right before kill -9 runs after the restart", async () => {
    const root = mkdtempSync(join(tmpdir(), "cloudbox-lambda-async-kill-"));
    const dataDir = join(root, "data");
    const work = join(root, "work");
    mkdirSync(work);
    const servers: ChildProcess[] = [];
    try {
      const first = await startServer(["--data-dir", dataDir]);
      servers.push(first.child);
      const client = (endpoint: string) =>
        new LambdaClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: ACCOUNT, secretAccessKey: "test" }, maxAttempts: 1 });
      const c1 = client(first.endpoint);
      const name = unique("killed");
      // The file is named after the function's parent process: the Cloudbox that ran it.
      await createNode(c1, name, {
        "index.js": `const fs = require("fs");
exports.handler = async (e) => { await new Promise((r) => setTimeout(r, 300)); fs.writeFileSync(e.dir + "/ran-" + process.ppid, String(e.n)); return "ok"; };`,
      });
      const sent = await c1.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ dir: work, n: 42 })) }));
      assert.equal(sent.StatusCode, 202);
      await stopServer(first.child, "SIGKILL");
      c1.destroy();
      assert.equal(existsSync(join(work, `ran-${first.child.pid}`)), false, "the event did not run before the kill");

      const second = await startServer(["--data-dir", dataDir]);
      servers.push(second.child);
      // Lambda loads at startup and resumes the queue: no request needed.
      const ran = join(work, `ran-${second.child.pid}`);
      await waitFor("the event to run after the restart", () => existsSync(ran), 20_000);
      assert.equal(readFileSync(ran, "utf8"), "42");
      await stopServer(second.child, "SIGTERM");
    } finally {
      for (const c of servers) await stopServer(c, "SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  });
});
