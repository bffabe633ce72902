/**
 * The `cloudbox` command as a child process (run from source with tsx: no build step needed):
 * start on a free port with a data directory, status, reset, and durability: state written
 * through a real SDK client (STS AssumeRole's temporary credentials) survives `kill -9` and a
 * restart on the same data directory.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { spawnCloudbox, startServer as startCloudboxProcess, stopServer } from "../helpers/server-process.js";


const children = new Set<ChildProcess>();
const dirs: string[] = [];
after(() => {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `cloudbox <args>`, killed when the file's tests end. */
const cloudbox = (args: string[], env: Record<string, string> = {}): ChildProcess => {
  const child = spawnCloudbox(args, env);
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
};

const startServer = (args: string[]) => startCloudboxProcess(args, cloudbox);

const run = (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolvePromise) => {
    const child = cloudbox(args, env);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d));
    child.stderr!.on("data", (d: Buffer) => (stderr += d));
    child.on("exit", (code) => resolvePromise({ code, stdout, stderr }));
  });

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "cloudbox-cli-"));
  dirs.push(d);
  return d;
};

describe("cloudbox CLI", () => {
  test("--help, unknown commands, status when nothing runs", async () => {
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /cloudbox <command>/);
    assert.match(help.stdout, /start/);
    const unknown = await run(["frobnicate"]);
    assert.equal(unknown.code, 2);
    const down = await run(["status", "--endpoint", "http://127.0.0.1:1"]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /not running/);
  });

  test("start, status, reset, SIGTERM", async () => {
    const { child, endpoint } = await startServer(["--ephemeral"]);
    const status = await run(["status", "--endpoint", endpoint]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Cloudbox \d+\.\d+\.\d+ running at/);
    assert.match(status.stdout, /sts/);
    const json = await run(["status", "--json"], { CLOUDBOX_ENDPOINT: endpoint });
    assert.equal(JSON.parse(json.stdout).name, "cloudbox");
    const reset = await run(["reset", "--endpoint", endpoint]);
    assert.equal(reset.code, 0, reset.stderr);
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });

  test("acknowledged state survives kill -9 and a restart on the same data directory", async () => {
    const dataDir = join(tempDir(), "data");
    const first = await startServer(["--data-dir", dataDir]);
    const caller = { region: "us-east-1", maxAttempts: 1 };
    const base = new STSClient({ ...caller, endpoint: first.endpoint, credentials: { accessKeyId: "111111111111", secretAccessKey: "test" } });
    const assumed = await base.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::222222222222:role/durable-test", RoleSessionName: "durability" }),
    );
    const creds = assumed.Credentials!;
    assert.ok(creds.AccessKeyId && creds.SecretAccessKey && creds.SessionToken);
    const asRole = (endpoint: string) =>
      new STSClient({
        ...caller,
        endpoint,
        credentials: { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! },
      });
    const before = await asRole(first.endpoint).send(new GetCallerIdentityCommand({}));
    assert.equal(before.Account, "222222222222");
    assert.match(before.Arn ?? "", /assumed-role\/durable-test\/durability/);

    await stopServer(first.child);

    const second = await startServer(["--data-dir", dataDir]);
    const afterRestart = await asRole(second.endpoint).send(new GetCallerIdentityCommand({}));
    assert.equal(afterRestart.Account, "222222222222");
    assert.equal(afterRestart.Arn, before.Arn);
    // One log line per request: service operation account region status ms.
    assert.match(second.output(), /sts GetCallerIdentity 222222222222 us-east-1 200 [\d.]+ms/);
    await stopServer(second.child);
  });
});
