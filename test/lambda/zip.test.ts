/** The zip reader of src/services/lambda/zip.ts against our writer and Python's zipfile. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 as readerCrc, readZip, safeEntryPath, ZipError } from "../../src/services/lambda/zip.js";
import { crc32, makeZip } from "./zip.js";

test("CRC-32 of known strings", () => {
  assert.equal(crc32(Buffer.from("")), 0);
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  assert.equal(readerCrc(Buffer.from("The quick brown fox jumps over the lazy dog")), 0x414fa339);
});

test("reads stored and deflated entries with their Unix modes", () => {
  const big = Buffer.alloc(200_000, "abc");
  const zip = makeZip({
    "index.js": "exports.handler = async () => 1;",
    "lib/data.bin": { data: big, store: true },
    bootstrap: { data: "#!/bin/sh\n", mode: 0o755 },
    "ünïcode.txt": "ok",
  });
  const entries = readZip(zip);
  assert.deepEqual(entries.map((e) => e.name), ["index.js", "lib/data.bin", "bootstrap", "ünïcode.txt"]);
  assert.equal(entries[0].data.toString(), "exports.handler = async () => 1;");
  assert.ok(entries[1].data.equals(big));
  assert.equal(entries[2].unixMode, 0o755);
  assert.equal(entries[0].unixMode, 0o644);
});

test("refuses what is not a readable zip", () => {
  assert.throws(() => readZip(Buffer.from("not a zip at all, but long enough to look")), ZipError);
  assert.throws(() => readZip(Buffer.alloc(3)), ZipError);
  const zip = makeZip({ "a.txt": { data: "hello world", store: true } });
  const corrupt = Buffer.from(zip);
  corrupt[35] ^= 0xff; // inside the stored data: CRC mismatch
  assert.throws(() => readZip(corrupt), /CRC mismatch/);
  assert.throws(() => readZip(zip.subarray(0, zip.length - 10)), ZipError);
});

test("safe entry paths drop absolute and parent components", () => {
  assert.equal(safeEntryPath("a/b/c.js"), "a/b/c.js");
  assert.equal(safeEntryPath("/etc/passwd"), "etc/passwd");
  assert.equal(safeEntryPath("./x//y"), "x/y");
  assert.equal(safeEntryPath("../../evil"), undefined);
  assert.equal(safeEntryPath("a/../../evil"), undefined);
  assert.equal(safeEntryPath("dir/"), "dir");
});

test("reads a zip written by Python's zipfile (deflated, with a directory entry)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cloudbox-zip-"));
  const out = join(dir, "py.zip");
  try {
    execFileSync("python3", [
      "-c",
      `import zipfile\nwith zipfile.ZipFile(${JSON.stringify(out)}, "w", zipfile.ZIP_DEFLATED) as z:\n  z.writestr("pkg/", "")\n  z.writestr("pkg/mod.py", "x = 1\\n" * 100)\n  z.writestr("readme.txt", "hello")\n`,
    ]);
  } catch {
    t.skip("python3 is not installed");
    return;
  }
  const entries = readZip(readFileSync(out));
  assert.deepEqual(entries.map((e) => [e.name, e.isDirectory]), [["pkg/", true], ["pkg/mod.py", false], ["readme.txt", false]]);
  assert.equal(entries[1].data.toString(), "x = 1\n".repeat(100));
});
