#!/usr/bin/env node
// Runs every *.test.ts under test/ and src/ with Node's test runner (Node 20 has no glob support
// in --test). Extra arguments are passed on, e.g. `npm test -- --test-name-pattern=ec2`; a
// path argument narrows the run to the test files under it.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    return statSync(path).isDirectory() ? walk(path) : name.endsWith(".test.ts") ? [path] : [];
  });

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-"));
const files = (roots.length ? roots : ["test", "src"]).flatMap((r) => (statSync(r).isDirectory() ? walk(r) : [r])).sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=300000", ...flags, ...files],
  { stdio: "inherit", env },
);
process.exit(result.status ?? 1);
