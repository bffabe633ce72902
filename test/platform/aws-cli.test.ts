/** The AWS CLI v2 helper: it finds v2 even when a v1 comes first on PATH, and talks to Cloudbox. */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { awsCli, findAwsCliV2 } from "../helpers/aws-cli.js";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";

describe("awsCli helper", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox();
  });
  after(() => cb.stop());

  test("finds an AWS CLI v2 binary", () => {
    const bin = findAwsCliV2();
    assert.ok(bin, "AWS CLI v2 must be installed (apt-get install -y awscli)");
    assert.match(execFileSync(bin, ["--version"], { encoding: "utf8" }), /^aws-cli\/2\./);
  });

  test("runs with test credentials and parses JSON; env overrides apply", async () => {
    const plain = await awsCli(cb.endpoint, ["sts", "get-caller-identity"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.json.Account, "000000000000");
    const other = await awsCli(cb.endpoint, ["sts", "get-caller-identity"], { AWS_ACCESS_KEY_ID: "111111111111" });
    assert.equal(other.json.Account, "111111111111");
  });

  test("reports a failing command's exit code and stderr", async () => {
    const res = await awsCli(cb.endpoint, ["ec2", "describe-ipam-pools"]);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /NotImplemented|501/);
  });
});
