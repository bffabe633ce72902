/**
 * Loads a service's model from a snapshot file when one matches, else from the SDK package (and
 * then writes the snapshot for the next process). A snapshot's file name carries the SDK
 * package's version and a digest of the adapter code that reads models, so a new SDK or a change
 * to model.ts / model-snapshot.ts makes a new file instead of reusing a stale one. Files are
 * written to a temporary name and renamed, so concurrent processes (parallel test files) never
 * read half a file. Any failure to read or write the cache falls back to the SDK: the cache is an
 * optimisation only.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceIdentity } from "../core/index.js";
import type { ServiceModel } from "../protocol/index.js";

type Protocol = typeof import("../protocol/index.js");

const require = createRequire(import.meta.url);

let adapterDigest: string | undefined;
/** A digest of the compiled (or, under tsx, source) files that turn SDK schemas into models. */
const digestOfAdapter = (): string => {
  if (adapterDigest) return adapterDigest;
  const hash = createHash("sha256");
  for (const name of ["model", "model-snapshot"]) {
    const url = new URL(`../protocol/${name}${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
    hash.update(readFileSync(fileURLToPath(url)));
  }
  return (adapterDigest = hash.digest("hex").slice(0, 12));
};

const snapshotFile = (dir: string, pkg: string): string => {
  const version = (require(`${pkg}/package.json`) as { version: string }).version;
  return join(dir, `${pkg.replace(/^@/, "").replace(/\//g, "__")}@${version}-${digestOfAdapter()}.json`);
};

export const loadModel = async (def: ServiceIdentity, protocol: Protocol, cacheDir: string | undefined): Promise<ServiceModel> => {
  let file: string | undefined;
  if (cacheDir) {
    try {
      file = snapshotFile(cacheDir, def.sdkPackage);
      return protocol.modelFromSnapshot(JSON.parse(readFileSync(file, "utf8")));
    } catch {
      // no snapshot yet (or an unreadable one): build from the SDK below
    }
  }
  const sdk = (await import(def.sdkPackage)) as Record<string, unknown>;
  const model = protocol.loadServiceModel({ name: def.name, protocol: def.protocol, sdk, clientClass: def.clientClass });
  if (file) {
    try {
      mkdirSync(cacheDir!, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(protocol.snapshotModel(model)));
      renameSync(tmp, file);
    } catch {
      // a read-only install: every process reads the SDK
    }
  }
  return model;
};
