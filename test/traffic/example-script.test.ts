/**
 * examples/network-paths/run.sh, run with the AWS CLI v2 against an in-process Cloudbox: every
 * verdict it prints (Reachability Analyzer and probes, before and after removing the app ACL's
 * ephemeral-port entry) must be the expected one, and the flow log records must reach CloudWatch
 * Logs (two probes web -> db: one record of 2 packets, aggregated) (the script reads them back with filter-log-events).
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { findAwsCliV2 } from "../helpers/aws-cli.js";
import type { Cloudbox } from "../helpers/cloudbox.js";
import { startTrafficCloudbox } from "./helpers.js";

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), "../../examples/network-paths/run.sh");

const run = (cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((done) => {
    execFile(cmd, args, { env, encoding: "utf8", timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });

describe("examples/network-paths/run.sh", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTrafficCloudbox();
  });
  after(() => cb.stop());

  it("prints the expected verdicts and the REJECT flow log records", async () => {
    const cli = findAwsCliV2();
    assert.ok(cli, "AWS CLI v2 is required");
    const out = await run("bash", [SCRIPT], {
      PATH: `${dirname(cli)}:${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      HOME: process.env.HOME ?? "/tmp",
      LANG: process.env.LANG ?? "C.UTF-8",
      CLOUDBOX_ENDPOINT: cb.endpoint,
      AWS_ACCESS_KEY_ID: "000000000000",
      AWS_SECRET_ACCESS_KEY: "x",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/nonexistent/cloudbox-test/aws-config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/cloudbox-test/aws-credentials",
      AWS_EC2_METADATA_DISABLED: "true",
    });
    assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
    const v = Object.fromEntries(out.stdout.split("\n").filter((l) => /^(analysis|probe)_[a-z0-9_]+=/.test(l)).map((l) => l.split("=") as [string, string]));
    assert.deepEqual(v, {
      analysis_web_to_app_8080: "True",
      analysis_internet_to_app_8080: "False",
      analysis_app_to_db_3306: "True",
      analysis_web_to_db_3306: "False",
      probe_web_to_app_8080: "ACCEPT",
      probe_internet_to_app_8080: "REJECT",
      probe_app_to_db_3306: "ACCEPT",
      probe_web_to_db_3306: "REJECT",
      probe_web_to_app_without_ephemeral: "REJECT",
      analysis_web_to_app_without_ephemeral: "False",
    });
    assert.match(out.stdout, /blocked: SUBNET_ACL_RESTRICTION\tacl-/);
    assert.match(out.stdout, /blocked on the reply at network-acl acl-\S+ \(egress\): SUBNET_ACL_RESTRICTION/);
    assert.match(out.stdout, /eni-\S+-all\t2 000000000000 eni-\S+ 10\.0\.1\.\d+ 10\.0\.21\.\d+ 49152 3306 6 2 128 \d+ \d+ REJECT OK/);
  });
});
