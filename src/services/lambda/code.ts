/**
 * Function code: validating and storing zips (a BLOB in the store, or a file under
 * `<dataDir>/lambda/zips` when Cloudbox has a data directory), and unpacking them for execution
 * environments into a cache directory (`<dataDir>/lambda/code`, or a temporary directory per
 * Cloudbox instance). The cache is disposable: the stored zip is the source of truth.
 *
 * The cache root holds a `node_modules` symlink to Cloudbox's own node_modules, so that a Node.js
 * handler in `<root>/<sha>/index.mjs` can `import "@aws-sdk/client-sts"` without bundling it, as
 * Lambda's Node.js 18+ runtimes ship the SDK v3 (ES module resolution ignores NODE_PATH and walks
 * up the parent directories instead; the function's own node_modules still wins, being nearer).
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { StorePort } from "../../core/index.js";
import { lambdaErrors } from "./errors.js";
import { getCodeRow, putCodeRow, type Scope } from "./store.js";
import { readZip, safeEntryPath, ZipError, type ZipEntry } from "./zip.js";

/** Lambda's limit for a zip uploaded directly (50 MB), https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
export const MAX_DIRECT_ZIP_BYTES = 50 * 1024 * 1024;

let cachedRoot: string | undefined;
/**
 * Cloudbox's package root: the nearest directory above this module with a package.json named
 * "cloudbox". Works from src/services/lambda (tsx) and dist/src/services/lambda (compiled).
 */
export const packageRoot = (): string => {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "cloudbox") return (cachedRoot = dir);
      } catch {
        // keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find Cloudbox's package root (package.json named cloudbox)");
    dir = up;
  }
};

export const runtimesDir = (): string => join(packageRoot(), "lambda-runtimes");

export const sha256Base64 = (buf: Buffer): string => createHash("sha256").update(buf).digest("base64");
const shaHex = (shaB64: string): string => Buffer.from(shaB64, "base64").toString("hex");

/** Validates a zip as CreateFunction/UpdateFunctionCode do; returns its entries. */
export const validateZip = (zip: Buffer): ZipEntry[] => {
  let entries: ZipEntry[];
  try {
    entries = readZip(zip);
  } catch (e) {
    if (e instanceof ZipError) throw lambdaErrors.invalidZipFile();
    throw e;
  }
  // Real Lambda's answer to an empty archive (seen in CloudFormation events).
  if (!entries.some((e) => !e.isDirectory)) throw lambdaErrors.invalidParameterValue("Uploaded file must be a non-empty zip");
  return entries;
};

/** Stores a zip (idempotent per content); returns CodeSha256 and CodeSize. */
export const storeZip = (store: StorePort, scope: Scope, zip: Buffer, dataDir: string | undefined): { sha256: string; size: number } => {
  const sha256 = sha256Base64(zip);
  if (!getCodeRow(store, scope, sha256)) {
    if (dataDir) {
      const dir = join(dataDir, "lambda", "zips");
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${scope.accountId}-${scope.region}-${shaHex(sha256)}.zip`);
      if (!existsSync(path)) writeFileSync(path, zip);
      putCodeRow(store, scope, { sha256, size: zip.length, zip: null, path });
    } else {
      putCodeRow(store, scope, { sha256, size: zip.length, zip, path: null });
    }
  }
  return { sha256, size: zip.length };
};

export const loadZip = (store: StorePort, scope: Scope, sha256: string): Buffer => {
  const row = getCodeRow(store, scope, sha256);
  if (!row) throw lambdaErrors.serviceException(`The code of this function (${sha256}) is missing from the store.`);
  if (row.zip) return Buffer.from(row.zip);
  if (row.path) return readFileSync(row.path);
  throw lambdaErrors.serviceException(`The code of this function (${sha256}) is missing from the store.`);
};

/** Makes the cache root with its node_modules link. */
export const prepareCacheRoot = (root: string): void => {
  mkdirSync(root, { recursive: true });
  const link = join(root, "node_modules");
  if (!existsSync(link)) {
    try {
      symlinkSync(join(packageRoot(), "node_modules"), link, "dir");
    } catch {
      // a concurrent creator won; or the filesystem has no symlinks (NODE_PATH still serves require)
    }
  }
};

/**
 * Writes a zip's entries under `base` (no absolute paths, no '..'). An entry replaces whatever is
 * in its way (a file where a directory goes, or the reverse): layers are extracted one over the
 * other, later ones winning.
 */
const extractInto = (base: string, zip: Buffer): void => {
  for (const e of readZip(zip)) {
    const rel = safeEntryPath(e.name);
    if (!rel) continue;
    const target = resolve(base, rel);
    if (!target.startsWith(base + "/")) continue;
    if (e.isDirectory) {
      makeDir(base, target);
      continue;
    }
    makeDir(base, dirname(target));
    if (existsSync(target) && statSync(target).isDirectory()) rmSync(target, { recursive: true, force: true });
    writeFileSync(target, e.data);
    // Lambda keeps the permissions of the zip; an executable `bootstrap` must stay executable.
    const mode = e.unixMode ?? (rel === "bootstrap" || rel.startsWith("bin/") ? 0o755 : 0o644);
    try {
      chmodSync(target, mode | 0o400);
    } catch {
      // best effort
    }
  }
};

/** mkdir -p, replacing a file that stands where a directory of the path must be. */
const makeDir = (base: string, dir: string): void => {
  try {
    mkdirSync(dir, { recursive: true });
    return;
  } catch {
    // a file is in the way
  }
  let cur = base;
  for (const part of dir.slice(base.length + 1).split("/")) {
    cur = join(cur, part);
    if (existsSync(cur) && !statSync(cur).isDirectory()) rmSync(cur, { force: true });
  }
  mkdirSync(dir, { recursive: true });
};

/**
 * Builds a directory once (in a temporary sibling, renamed into place, with a `.complete` marker
 * next to it so that a half-built one from a crash is rebuilt); returns it.
 */
const buildOnce = (dir: string, fill: (tmp: string) => void): string => {
  // The marker sits next to the directory, not in it: LAMBDA_TASK_ROOT holds the zip's files only.
  if (existsSync(`${dir}.complete`)) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  fill(resolve(tmp));
  try {
    rmSync(dir, { recursive: true, force: true }); // a partial build from a crash
    renameSync(tmp, dir);
    writeFileSync(`${dir}.complete`, "");
  } catch {
    // another environment built it first
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
};

/** Unpacks a stored zip into `<root>/<account>-<sha hex>` once; returns that directory. */
export const unpackedCodeDir = (root: string, scope: Scope, sha256: string, zip: () => Buffer): string =>
  buildOnce(join(root, `${scope.accountId}-${shaHex(sha256)}`), (tmp) => extractInto(tmp, zip()));

/**
 * The function's /opt: its layers' zips extracted in order into one directory, later layers
 * overwriting earlier files ("Lambda extracts the layers into the /opt directory ... in the order
 * that you add them", https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html). One
 * directory per distinct list of layer zips, under `root`, built once.
 */
export const mergedOptDir = (root: string, layers: ReadonlyArray<{ scope: Scope; sha256: string }>, zip: (l: { scope: Scope; sha256: string }) => Buffer): string => {
  const key = createHash("sha256")
    .update(layers.map((l) => `${l.scope.accountId}/${l.scope.region}/${l.sha256}`).join("\n"))
    .digest("hex")
    .slice(0, 32);
  return buildOnce(join(root, key), (tmp) => {
    for (const l of layers) extractInto(tmp, zip(l));
  });
};
