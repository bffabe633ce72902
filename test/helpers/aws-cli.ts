/**
 * awsCli(endpoint, args): runs the AWS CLI v2 against Cloudbox with test credentials and no
 * user configuration, and parses its JSON output.
 *
 * A Python environment (pyenv, a virtualenv) may put an AWS CLI v1 first on PATH; we look at
 * every candidate and keep the first whose `--version` starts with `aws-cli/2`. Set
 * CLOUDBOX_AWS_CLI to force a binary.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when it is JSON. */
  json?: any;
}

let cachedBinary: string | null | undefined;

const versionOf = (bin: string): string => {
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 }).trim();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    // AWS CLI v1 prints its version on stderr.
    return `${err.stdout ?? ""}${err.stderr ?? ""}`.trim();
  }
};

/**
 * `aws --version` costs a Python start (about a second); every test file runs in its own process,
 * so the answer is also cached in a temp file, valid while the binary's path and mtime hold.
 */
const CACHE_FILE = join(tmpdir(), "cloudbox-aws-cli-v2.json");

const fromFileCache = (): string | undefined => {
  try {
    const { bin, mtimeMs, override } = JSON.parse(readFileSync(CACHE_FILE, "utf8")) as { bin: string; mtimeMs: number; override?: string };
    if (override !== (process.env.CLOUDBOX_AWS_CLI ?? "") || statSync(bin).mtimeMs !== mtimeMs) return undefined;
    return bin;
  } catch {
    return undefined;
  }
};

const toFileCache = (bin: string): void => {
  try {
    writeFileSync(CACHE_FILE, JSON.stringify({ bin, mtimeMs: statSync(bin).mtimeMs, override: process.env.CLOUDBOX_AWS_CLI ?? "" }));
  } catch {
    // a cache only
  }
};

/** The path of an AWS CLI v2 binary, or undefined if none is installed. */
export const findAwsCliV2 = (): string | undefined => {
  if (cachedBinary !== undefined) return cachedBinary ?? undefined;
  const cached = fromFileCache();
  if (cached) return (cachedBinary = cached);
  const candidates: string[] = [];
  if (process.env.CLOUDBOX_AWS_CLI) candidates.push(process.env.CLOUDBOX_AWS_CLI);
  candidates.push("/usr/local/bin/aws", "/usr/bin/aws", "/usr/local/aws-cli/v2/current/bin/aws");
  try {
    candidates.push(...execFileSync("which", ["-a", "aws"], { encoding: "utf8" }).split("\n").filter(Boolean));
  } catch {
    // which found nothing
  }
  for (const bin of [...new Set(candidates)]) {
    if (!existsSync(bin)) continue;
    if (versionOf(bin).startsWith("aws-cli/2")) {
      cachedBinary = bin;
      toFileCache(bin);
      return bin;
    }
  }
  cachedBinary = null;
  return undefined;
};

/**
 * The environment the AWS CLI (or a script that calls it) runs in: test credentials, us-east-1,
 * and no user configuration or instance metadata lookups. `extra` overrides or adds variables.
 */
export const awsCliEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: process.env.HOME ?? "/tmp",
  LANG: process.env.LANG ?? "C.UTF-8",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_PAGER: "",
  AWS_CONFIG_FILE: "/nonexistent/cloudbox-test/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/cloudbox-test/aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
  ...extra,
});

export const awsCli = (endpoint: string, args: string[], env: Record<string, string> = {}): Promise<AwsCliResult> => {
  const bin = findAwsCliV2();
  if (!bin) throw new Error("AWS CLI v2 not found (apt-get install -y awscli, or set CLOUDBOX_AWS_CLI)");
  const childEnv = awsCliEnv(env);
  return new Promise((resolve) => {
    execFile(
      bin,
      ["--endpoint-url", endpoint, "--output", "json", ...args],
      { env: childEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 1) : 0;
        let json: any;
        const text = stdout.trim();
        if (text) {
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON
          }
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
};
