#!/usr/bin/env node
// The tests drive Cloudbox with the real AWS CLI v2. A Python environment may put an AWS CLI v1
// first on PATH, so the v2 binary is found by its version. When it is missing and we are root on
// Debian, it is installed from Debian's `awscli` package (version 2.x on bookworm).
import { execFileSync, spawnSync } from "node:child_process";

const candidates = () => {
  const onPath = spawnSync("which", ["-a", "aws"], { encoding: "utf8" }).stdout?.split("\n").filter(Boolean) ?? [];
  return ["/usr/bin/aws", "/usr/local/bin/aws", ...onPath];
};
const findV2 = () =>
  candidates().find((bin) => {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    return r.status === 0 && /^aws-cli\/2\./.test((r.stdout || r.stderr).trim());
  });

if (findV2()) process.exit(0);
const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync("which", ["apt-get"]).status === 0;
if (!isRoot || !hasApt) {
  console.error("AWS CLI v2 not found. Install it (Debian: apt-get install awscli) and run the tests again.");
  process.exit(1);
}
console.error("AWS CLI v2 not found: installing Debian's awscli package...");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "awscli"], { stdio: "inherit", env });
if (!findV2()) {
  console.error("awscli was installed but no AWS CLI v2 answers; check PATH.");
  process.exit(1);
}
