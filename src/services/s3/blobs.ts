/**
 * Where object bytes live. With a data directory (a persistent Cloudbox), an object larger than
 * INLINE_LIMIT is written to <dataDir>/s3/blobs/<xx>/<uuid> and fsynced before its row commits,
 * so an acknowledged PutObject survives a restart; smaller objects, and every object of an
 * ephemeral Cloudbox, stay in the row as a BLOB. Files are immutable: an overwrite writes a new
 * file and the old one is unlinked after the request, once no row refers to it.
 */
import { randomUUID } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { StorePort } from "../../core/index.js";
import { fileReferenced } from "./store.js";

export const INLINE_LIMIT = 256 * 1024;

export interface StoredBytes {
  data: Buffer | null;
  file: string | null;
}

const dataDirOf = (settings: Readonly<Record<string, unknown>>): string | undefined =>
  typeof settings.dataDir === "string" && settings.dataDir ? settings.dataDir : undefined;

export const storeBytes = (settings: Readonly<Record<string, unknown>>, bytes: Buffer): StoredBytes => {
  const dir = dataDirOf(settings);
  if (!dir || bytes.length <= INLINE_LIMIT) return { data: bytes, file: null };
  const id = randomUUID();
  const rel = join("s3", "blobs", id.slice(0, 2), id);
  const abs = join(dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  const fd = openSync(abs, "w");
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { data: null, file: rel };
};

export const readBytes = (settings: Readonly<Record<string, unknown>>, stored: StoredBytes): Buffer => {
  if (stored.file) {
    const dir = dataDirOf(settings);
    if (!dir) throw new Error(`S3 object file ${stored.file} without a data directory`);
    return readFileSync(join(dir, stored.file));
  }
  return stored.data ?? Buffer.alloc(0);
};

/** Unlinks files no row refers to any more, after the current request's transaction. */
export const releaseFiles = (settings: Readonly<Record<string, unknown>>, store: StorePort, files: (string | null)[]): void => {
  const list = files.filter((f): f is string => !!f);
  const dir = dataDirOf(settings);
  if (!list.length || !dir) return;
  setImmediate(() => {
    for (const f of list) {
      try {
        if (!fileReferenced(store, f)) unlinkSync(join(dir, f));
      } catch {
        // already gone, or the store closed: a leftover file is harmless
      }
    }
  });
};
