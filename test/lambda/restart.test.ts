/**
 * Functions survive a restart: with a data directory, configuration, versions, aliases and code
 * (zips under <dataDir>/lambda/zips) are in the store and on disk, and the function runs again;
 * the logs of the first run, delivered to CloudWatch Logs on stop, are still there.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateAliasCommand, InvokeCommand, PublishVersionCommand } from "@aws-sdk/client-lambda";
import { createCloudbox } from "../../src/runtime/index.js";
import { createNode, decode, lambdaClient, unique, waitForLogs } from "./helpers.js";

test("a function created before a restart still runs after it", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-lambda-restart-"));
  const name = unique("persist");
  try {
    const first = await createCloudbox({ port: 0, dataDir, logLevel: "silent" });
    const c1 = lambdaClient(first);
    await createNode(c1, name, { "index.js": "exports.handler = async (e) => ({ ok: true, e });" });
    await c1.send(new PublishVersionCommand({ FunctionName: name }));
    await c1.send(new CreateAliasCommand({ FunctionName: name, Name: "prod", FunctionVersion: "1" }));
    assert.deepEqual(decode((await c1.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from("1") }))).Payload), { ok: true, e: 1 });
    c1.destroy();
    await first.stop();
    assert.ok(readdirSync(join(dataDir, "lambda", "zips")).length >= 1);

    const second = await createCloudbox({ port: 0, dataDir, logLevel: "silent" });
    const c2 = lambdaClient(second);
    const r = await c2.send(new InvokeCommand({ FunctionName: name, Qualifier: "prod", Payload: Buffer.from("2") }));
    assert.equal(r.ExecutedVersion, "1");
    assert.deepEqual(decode(r.Payload), { ok: true, e: 2 });
    // Both runs' logs are in CloudWatch Logs: the first run's, delivered when the first Cloudbox
    // stopped, survived the restart with the rest of the store.
    const reports = (m: string[]) => m.filter((l) => l.startsWith("REPORT RequestId")).length;
    const logs = await waitForLogs(second, name, (m) => reports(m) >= 2);
    assert.ok(reports(logs) >= 2, `the log of both runs is kept: ${logs.join(" | ")}`);
    c2.destroy();
    await second.stop();
    assert.ok(existsSync(join(dataDir, "lambda", "code")));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
