/**
 * S3 tables: buckets (names are global across accounts, so the name is the key), objects, and
 * multipart uploads with their parts. Object and part bytes live either in the row (`data`, a
 * BLOB: small objects, and every object when Cloudbox runs without a data directory) or in a
 * file under <dataDir>/s3/ (`file`, a path relative to the data directory); see blobs.ts.
 */
import type { StorePort } from "../../core/index.js";

export const s3Migrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS s3_buckets (
     name TEXT PRIMARY KEY,
     account_id TEXT NOT NULL,
     region TEXT NOT NULL,
     created_at INTEGER NOT NULL,      -- epoch milliseconds
     tags TEXT                         -- JSON [{Key, Value}] or NULL (no tag set)
   )`,
  `CREATE INDEX IF NOT EXISTS s3_buckets_account ON s3_buckets (account_id, name)`,
  `CREATE TABLE IF NOT EXISTS s3_objects (
     bucket TEXT NOT NULL,
     key TEXT NOT NULL,
     size INTEGER NOT NULL,
     etag TEXT NOT NULL,               -- quoted, as S3 returns it
     content_type TEXT,
     metadata TEXT NOT NULL,           -- JSON of the x-amz-meta-* map
     headers TEXT NOT NULL,            -- JSON: ContentEncoding, ContentDisposition, CacheControl, ContentLanguage
     checksums TEXT NOT NULL,          -- JSON: {ChecksumCRC32: "...", ..., ChecksumType}
     parts_count INTEGER,
     last_modified INTEGER NOT NULL,   -- epoch milliseconds
     data BLOB,
     file TEXT,
     PRIMARY KEY (bucket, key)
   )`,
  `CREATE TABLE IF NOT EXISTS s3_uploads (
     upload_id TEXT PRIMARY KEY,
     bucket TEXT NOT NULL,
     key TEXT NOT NULL,
     account_id TEXT NOT NULL,
     initiated INTEGER NOT NULL,
     content_type TEXT,
     metadata TEXT NOT NULL,
     headers TEXT NOT NULL,
     checksum_algorithm TEXT
   )`,
  `CREATE INDEX IF NOT EXISTS s3_uploads_bucket ON s3_uploads (bucket, key)`,
  `CREATE TABLE IF NOT EXISTS s3_parts (
     upload_id TEXT NOT NULL,
     part_number INTEGER NOT NULL,
     size INTEGER NOT NULL,
     etag TEXT NOT NULL,
     checksums TEXT NOT NULL,
     last_modified INTEGER NOT NULL,
     data BLOB,
     file TEXT,
     PRIMARY KEY (upload_id, part_number)
   )`,
];

export interface BucketRow {
  name: string;
  account_id: string;
  region: string;
  created_at: number;
  tags: string | null;
}

export interface ObjectRow {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  content_type: string | null;
  metadata: string;
  headers: string;
  checksums: string;
  parts_count: number | null;
  last_modified: number;
  data: Buffer | null;
  file: string | null;
}

export type ObjectMeta = Omit<ObjectRow, "data">;

export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  account_id: string;
  initiated: number;
  content_type: string | null;
  metadata: string;
  headers: string;
  checksum_algorithm: string | null;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  checksums: string;
  last_modified: number;
  data: Buffer | null;
  file: string | null;
}

// Buckets -------------------------------------------------------------------------------------

export const getBucket = (store: StorePort, name: string): BucketRow | undefined =>
  store.get<BucketRow>(`SELECT * FROM s3_buckets WHERE name = ?`, [name]);

export const insertBucket = (store: StorePort, row: BucketRow): void => {
  store.run(`INSERT INTO s3_buckets (name, account_id, region, created_at, tags) VALUES (?, ?, ?, ?, ?)`, [
    row.name, row.account_id, row.region, row.created_at, row.tags,
  ]);
};

export const deleteBucketRow = (store: StorePort, name: string): void => {
  store.run(`DELETE FROM s3_buckets WHERE name = ?`, [name]);
  for (const u of store.all<{ upload_id: string }>(`SELECT upload_id FROM s3_uploads WHERE bucket = ?`, [name])) {
    store.run(`DELETE FROM s3_parts WHERE upload_id = ?`, [u.upload_id]);
  }
  store.run(`DELETE FROM s3_uploads WHERE bucket = ?`, [name]);
};

export const listBucketRows = (store: StorePort, accountId: string, after: string, prefix: string, limit: number): BucketRow[] =>
  store.all<BucketRow>(
    `SELECT * FROM s3_buckets WHERE account_id = ? AND name > ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?`,
    [accountId, after, prefix.length, prefix, limit],
  );

export const setBucketTags = (store: StorePort, name: string, tags: string | null): void => {
  store.run(`UPDATE s3_buckets SET tags = ? WHERE name = ?`, [tags, name]);
};

export const bucketHasObjects = (store: StorePort, name: string): boolean =>
  store.get(`SELECT 1 AS x FROM s3_objects WHERE bucket = ? LIMIT 1`, [name]) !== undefined;

// Objects -------------------------------------------------------------------------------------

const META_COLUMNS = `bucket, key, size, etag, content_type, metadata, headers, checksums, parts_count, last_modified, file`;

export const getObjectMeta = (store: StorePort, bucket: string, key: string): ObjectMeta | undefined =>
  store.get<ObjectMeta>(`SELECT ${META_COLUMNS} FROM s3_objects WHERE bucket = ? AND key = ?`, [bucket, key]);

export const getObjectData = (store: StorePort, bucket: string, key: string): Buffer | null =>
  store.get<{ data: Buffer | null }>(`SELECT data FROM s3_objects WHERE bucket = ? AND key = ?`, [bucket, key])?.data ?? null;

/** Inserts or replaces an object; returns the file of the replaced version, if it had one. */
export const putObjectRow = (store: StorePort, row: ObjectRow): string | null => {
  const old = store.get<{ file: string | null }>(`SELECT file FROM s3_objects WHERE bucket = ? AND key = ?`, [row.bucket, row.key]);
  store.run(
    `INSERT OR REPLACE INTO s3_objects (bucket, key, size, etag, content_type, metadata, headers, checksums, parts_count, last_modified, data, file)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.bucket, row.key, row.size, row.etag, row.content_type, row.metadata, row.headers, row.checksums, row.parts_count,
      row.last_modified, row.data, row.file,
    ],
  );
  return old?.file && old.file !== row.file ? old.file : null;
};

/** Deletes an object; returns whether it existed and its file. */
export const deleteObjectRow = (store: StorePort, bucket: string, key: string): { existed: boolean; file: string | null } => {
  const old = store.get<{ file: string | null }>(`SELECT file FROM s3_objects WHERE bucket = ? AND key = ?`, [bucket, key]);
  if (!old) return { existed: false, file: null };
  store.run(`DELETE FROM s3_objects WHERE bucket = ? AND key = ?`, [bucket, key]);
  return { existed: true, file: old.file };
};

/** Object keys (with their metadata) in key order: key > after (or >= from), starting with prefix. */
export const scanObjects = (
  store: StorePort,
  bucket: string,
  prefix: string,
  bound: { after?: string; from?: string },
  limit: number,
): ObjectMeta[] => {
  const cond = bound.from !== undefined ? `key >= ?` : `key > ?`;
  const start = bound.from ?? bound.after ?? "";
  return store.all<ObjectMeta>(
    `SELECT ${META_COLUMNS} FROM s3_objects WHERE bucket = ? AND ${cond} AND substr(key, 1, ?) = ? ORDER BY key LIMIT ?`,
    [bucket, start, prefix.length, prefix, limit],
  );
};

export const fileReferenced = (store: StorePort, file: string): boolean =>
  store.get(`SELECT 1 AS x FROM s3_objects WHERE file = ? UNION ALL SELECT 1 FROM s3_parts WHERE file = ? LIMIT 1`, [file, file]) !== undefined;

// Multipart uploads ---------------------------------------------------------------------------

export const insertUpload = (store: StorePort, row: UploadRow): void => {
  store.run(
    `INSERT INTO s3_uploads (upload_id, bucket, key, account_id, initiated, content_type, metadata, headers, checksum_algorithm)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.upload_id, row.bucket, row.key, row.account_id, row.initiated, row.content_type, row.metadata, row.headers, row.checksum_algorithm],
  );
};

export const getUpload = (store: StorePort, uploadId: string): UploadRow | undefined =>
  store.get<UploadRow>(`SELECT * FROM s3_uploads WHERE upload_id = ?`, [uploadId]);

export const listUploadRows = (store: StorePort, bucket: string, prefix: string): UploadRow[] =>
  store.all<UploadRow>(`SELECT * FROM s3_uploads WHERE bucket = ? AND substr(key, 1, ?) = ? ORDER BY key, initiated`, [bucket, prefix.length, prefix]);

/** Deletes an upload and its parts; returns the parts' files. */
export const deleteUpload = (store: StorePort, uploadId: string): string[] => {
  const files = store
    .all<{ file: string | null }>(`SELECT file FROM s3_parts WHERE upload_id = ?`, [uploadId])
    .flatMap((r) => (r.file ? [r.file] : []));
  store.run(`DELETE FROM s3_parts WHERE upload_id = ?`, [uploadId]);
  store.run(`DELETE FROM s3_uploads WHERE upload_id = ?`, [uploadId]);
  return files;
};

/** Inserts or replaces a part; returns the replaced part's file. */
export const putPartRow = (store: StorePort, row: PartRow): string | null => {
  const old = store.get<{ file: string | null }>(`SELECT file FROM s3_parts WHERE upload_id = ? AND part_number = ?`, [row.upload_id, row.part_number]);
  store.run(
    `INSERT OR REPLACE INTO s3_parts (upload_id, part_number, size, etag, checksums, last_modified, data, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.upload_id, row.part_number, row.size, row.etag, row.checksums, row.last_modified, row.data, row.file],
  );
  return old?.file ?? null;
};

export const listPartRows = (store: StorePort, uploadId: string, after: number, limit: number): Omit<PartRow, "data">[] =>
  store.all<Omit<PartRow, "data">>(
    `SELECT upload_id, part_number, size, etag, checksums, last_modified, file FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?`,
    [uploadId, after, limit],
  );

export const getPartRow = (store: StorePort, uploadId: string, partNumber: number): PartRow | undefined =>
  store.get<PartRow>(`SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?`, [uploadId, partNumber]);
