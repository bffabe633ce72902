/** `cloudbox az-map`: run() directly (captured output) and through the CLI entry point. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { run, type AzMapIo } from "../../src/cli/az-map.js";

const capture = async (argv: string[], env: Record<string, string> = {}) => {
  let out = "";
  let err = "";
  const io: AzMapIo = { out: (t) => (out += t), err: (t) => (err += t), env };
  const code = await run(argv, io);
  return { code, out, err };
};

describe("cloudbox az-map", () => {
  it("prints one row per AZ ID and one column per account", async () => {
    const r = await capture(["--region", "us-east-1", "--account", "111111111111", "--account", "222222222222"]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split("\n");
    assert.match(lines[0], /independently/);
    assert.match(lines[1], /^AZ ID\s+111111111111\s+222222222222$/);
    assert.equal(lines.length, 2 + 6);
    assert.match(r.out, /^use1-az5\s+us-east-1a\s+us-east-1b$/m);
    assert.match(r.out, /^use1-az4\s+us-east-1d\s+us-east-1a$/m);
  });

  it("--json is machine-readable and agrees with the table", async () => {
    const r = await capture(["--region", "us-east-1", "--account", "111111111111,222222222222", "--json"]);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.region, "us-east-1");
    assert.equal(report.independentlyMappedAzNames, true);
    assert.deepEqual(report.accounts.map((a: { accountId: string }) => a.accountId), ["111111111111", "222222222222"]);
    assert.equal(report.zones.length, 6);
    const az5 = report.zones.find((z: { zoneId: string }) => z.zoneId === "use1-az5");
    assert.deepEqual(az5.names, { "111111111111": "us-east-1a", "222222222222": "us-east-1b" });
  });

  it("a Region without independent mapping shows the same names", async () => {
    const r = await capture(["--region", "eu-central-1", "--account", "111111111111", "--account", "222222222222", "--json"]);
    const report = JSON.parse(r.out);
    for (const z of report.zones) assert.equal(z.names["111111111111"], z.names["222222222222"]);
  });

  it("pins from --az-pins and from CLOUDBOX_AZ_PINS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cloudbox-az-pins-"));
    const file = join(dir, "pins.json");
    writeFileSync(file, JSON.stringify({ "111111111111": { AvailabilityZones: [
      { RegionName: "us-east-1", ZoneName: "us-east-1a", ZoneId: "use1-az6" }, { RegionName: "us-east-1", ZoneName: "us-east-1b", ZoneId: "use1-az1" },
    ] } }));
    for (const r of [
      await capture(["--region", "us-east-1", "--account", "111111111111", "--json", "--az-pins", file]),
      await capture(["--region", "us-east-1", "--account", "111111111111", "--json"], { CLOUDBOX_AZ_PINS: file }),
    ]) {
      assert.equal(r.code, 0, r.err);
      const report = JSON.parse(r.out);
      assert.equal(report.accounts[0].pinned, true);
      const names = Object.fromEntries(report.zones.map((z: { zoneId: string; names: Record<string, string | null> }) => [z.zoneId, z.names["111111111111"]]));
      assert.equal(names["use1-az6"], "us-east-1a");
      assert.equal(names["use1-az1"], "us-east-1b");
      assert.equal(names["use1-az2"], null);
    }
    writeFileSync(file, JSON.stringify({ "111111111111": { AvailabilityZones: [{ RegionName: "us-east-1", ZoneName: "us-east-1a", ZoneId: "euw1-az1" }] } }));
    const bad = await capture(["--region", "us-east-1", "--account", "111111111111", "--az-pins", file]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /not an AZ ID of us-east-1/);
  });

  it("usage errors exit 2", async () => {
    assert.equal((await capture(["--region", "us-east-1"])).code, 2);
    assert.equal((await capture(["--region", "xx-nowhere-1", "--account", "111111111111"])).code, 2);
    assert.equal((await capture(["--account", "1234"])).code, 2);
    assert.equal((await capture(["--bogus"])).code, 2);
  });

  it("works through the CLI entry point (node --import tsx src/cli/main.ts az-map ...)", async () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ["--import", "tsx", "src/cli/main.ts", "az-map", "--region", "us-east-1", "--account", "111111111111", "--account", "222222222222"],
        { cwd: root, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
        (e, stdout, stderr) => (e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve({ stdout })),
      ),
    );
    assert.match(stdout, /^use1-az5\s+us-east-1a\s+us-east-1b$/m);
  });
});
