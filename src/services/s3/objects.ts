/**
 * S3 objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject.
 *
 * - ETag is the quoted MD5 hex of the bytes (multipart: see multipart.ts); Content-MD5 and the
 *   flexible checksums are verified (checksums.ts).
 * - User metadata (x-amz-meta-*), Content-Type and the representation headers (Content-Encoding,
 *   -Disposition, -Language, Cache-Control) are kept and returned; GetObject's response-* query
 *   parameters override them on the way out.
 * - Range: one `bytes=a-b | a- | -n` range answers that slice with Content-Range; a range that
 *   starts past the end is InvalidRange (416). Several ranges answer the whole object, as S3
 *   does (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Range": "Amazon S3
 *   doesn't support retrieving multiple ranges of data per GET request"). The rest-xml codec's
 *   override table answers 206 when ContentRange is set (the model has no status member).
 * - Conditional requests follow RFC 7232 as S3 documents
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html):
 *   If-Match false → 412; else If-Unmodified-Since false → 412; If-None-Match true → 304; else
 *   If-Modified-Since false → 304.
 * No versioning, object lock, ACLs, SSE or storage classes other than STANDARD.
 */
import { opDefiner, type OperationContext } from "../../core/index.js";
import { readBytes, releaseFiles, storeBytes } from "./blobs.js";
import { ownedBucket } from "./buckets.js";
import { verifyChecksums, verifyContentMd5, quotedMd5, type Checksums, CHECKSUM_MEMBERS } from "./checksums.js";
import { s3Errors } from "./errors.js";
import { deleteObjectRow, getObjectData, getObjectMeta, putObjectRow, type ObjectMeta } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-s3")>();

export interface RepresentationHeaders {
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
}

export const representationHeaders = (input: RepresentationHeaders): RepresentationHeaders => {
  const out: RepresentationHeaders = {};
  if (input.ContentEncoding !== undefined) out.ContentEncoding = input.ContentEncoding;
  if (input.ContentDisposition !== undefined) out.ContentDisposition = input.ContentDisposition;
  if (input.ContentLanguage !== undefined) out.ContentLanguage = input.ContentLanguage;
  if (input.CacheControl !== undefined) out.CacheControl = input.CacheControl;
  return out;
};

/** Keys are at most 1024 bytes of UTF-8 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
export const checkKey = (key: string | undefined): string => {
  if (key === undefined || key === "") throw s3Errors.invalidArgument("A key must be specified", "key", "");
  if (Buffer.byteLength(key, "utf8") > 1024) throw s3Errors.keyTooLong();
  return key;
};

export const bodyBuffer = (body: unknown): Buffer => {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  throw new TypeError("unsupported body");
};

/** S3 compares Last-Modified at one-second resolution (it is an HTTP date). */
const seconds = (ms: number) => Math.floor(ms / 1000);

const etagMatches = (condition: string, etag: string): boolean =>
  condition
    .split(",")
    .map((s) => s.trim())
    .some((c) => c === "*" || c === etag || `"${c}"` === etag || c.replace(/^W\//, "") === etag);

interface Conditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

export const checkConditions = (c: Conditions, obj: { etag: string; last_modified: number }, names = { match: "If-Match", unmodified: "If-Unmodified-Since" }): void => {
  const lm = seconds(obj.last_modified);
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch, obj.etag)) throw s3Errors.preconditionFailed(names.match);
  } else if (c.IfUnmodifiedSince && lm > seconds(c.IfUnmodifiedSince.getTime())) {
    throw s3Errors.preconditionFailed(names.unmodified);
  }
  const notModified = () => {
    const e = s3Errors.notModified();
    e.headers.etag = obj.etag;
    e.headers["last-modified"] = new Date(obj.last_modified).toUTCString();
    return e;
  };
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch, obj.etag)) throw notModified();
  } else if (c.IfModifiedSince && lm <= seconds(c.IfModifiedSince.getTime())) {
    throw notModified();
  }
};

/** Parses one `bytes=` range against a size; undefined = whole object. */
export const parseRange = (range: string | undefined, size: number): { start: number; end: number } | undefined => {
  if (!range) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined; // unparsable or several ranges: ignored, as S3 does
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) throw s3Errors.invalidRange(size, range);
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return undefined; // syntactically invalid: ignored (RFC 7233)
  if (start >= size) throw s3Errors.invalidRange(size, range);
  return { start, end };
};

export const objectBytes = (ctx: OperationContext, meta: ObjectMeta): Buffer =>
  readBytes(ctx.settings, { file: meta.file, data: meta.file ? null : getObjectData(ctx.store, meta.bucket, meta.key) });

const existingObject = (ctx: OperationContext, bucket: string, key: string): ObjectMeta => {
  const meta = getObjectMeta(ctx.store, bucket, key);
  if (!meta) throw s3Errors.noSuchKey(key);
  return meta;
};

export const putObject = defineOp("PutObject", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const body = bodyBuffer(input.Body);
  verifyContentMd5(input.ContentMD5, body);
  const checksums = verifyChecksums(input as never, body);
  // Conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
  if (input.IfNoneMatch !== undefined || input.IfMatch !== undefined) {
    const current = getObjectMeta(ctx.store, bucket.name, key);
    if (input.IfNoneMatch === "*" && current) throw s3Errors.preconditionFailed("If-None-Match");
    if (input.IfMatch !== undefined) {
      if (!current) throw s3Errors.noSuchKey(key);
      if (!etagMatches(input.IfMatch, current.etag)) throw s3Errors.preconditionFailed("If-Match");
    }
  }
  const etag = quotedMd5(body);
  const stored = storeBytes(ctx.settings, body);
  const replaced = putObjectRow(ctx.store, {
    bucket: bucket.name,
    key,
    size: body.length,
    etag,
    content_type: input.ContentType ?? "binary/octet-stream",
    metadata: JSON.stringify(input.Metadata ?? {}),
    headers: JSON.stringify(representationHeaders(input)),
    checksums: JSON.stringify(checksums),
    parts_count: null,
    last_modified: ctx.clock.now(),
    ...stored,
  });
  releaseFiles(ctx.settings, ctx.store, [replaced]);
  return { ETag: etag, ...(checksums as Record<string, never>), Size: body.length };
});

const headersOf = (meta: ObjectMeta) => {
  const rep = JSON.parse(meta.headers) as RepresentationHeaders;
  return {
    ETag: meta.etag,
    LastModified: new Date(meta.last_modified),
    ContentType: meta.content_type ?? undefined,
    Metadata: JSON.parse(meta.metadata) as Record<string, string>,
    AcceptRanges: "bytes",
    ...rep,
    ...(meta.parts_count ? { PartsCount: meta.parts_count } : {}),
  };
};

const checksumHeaders = (meta: ObjectMeta, mode: string | undefined): Record<string, never> =>
  mode === "ENABLED" ? (JSON.parse(meta.checksums) as Record<string, never>) : {};

const responseOverrides = (input: {
  ResponseContentType?: string;
  ResponseContentDisposition?: string;
  ResponseContentEncoding?: string;
  ResponseContentLanguage?: string;
  ResponseCacheControl?: string;
  ResponseExpires?: Date;
}) => ({
  ...(input.ResponseContentType ? { ContentType: input.ResponseContentType } : {}),
  ...(input.ResponseContentDisposition ? { ContentDisposition: input.ResponseContentDisposition } : {}),
  ...(input.ResponseContentEncoding ? { ContentEncoding: input.ResponseContentEncoding } : {}),
  ...(input.ResponseContentLanguage ? { ContentLanguage: input.ResponseContentLanguage } : {}),
  ...(input.ResponseCacheControl ? { CacheControl: input.ResponseCacheControl } : {}),
  ...(input.ResponseExpires ? { ExpiresString: input.ResponseExpires.toUTCString() } : {}),
});

export const getObject = defineOp("GetObject", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const meta = existingObject(ctx, bucket.name, checkKey(input.Key));
  checkConditions(input, meta);
  const range = parseRange(input.Range, meta.size);
  const bytes = objectBytes(ctx, meta);
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  return {
    ...headersOf(meta),
    ...(range ? {} : checksumHeaders(meta, input.ChecksumMode)),
    ...responseOverrides(input),
    ContentLength: body.length,
    ...(range ? { ContentRange: `bytes ${range.start}-${range.end}/${meta.size}` } : {}),
    Body: body as never,
  };
});

export const headObject = defineOp("HeadObject", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const meta = existingObject(ctx, bucket.name, checkKey(input.Key));
  checkConditions(input, meta);
  const range = parseRange(input.Range, meta.size);
  return {
    ...headersOf(meta),
    ...(range ? {} : checksumHeaders(meta, input.ChecksumMode)),
    ...responseOverrides(input),
    ContentLength: range ? range.end - range.start + 1 : meta.size,
    ...(range ? { ContentRange: `bytes ${range.start}-${range.end}/${meta.size}` } : {}),
  };
});

/** Deleting a key that does not exist succeeds (204) as in S3. */
export const deleteObject = defineOp("DeleteObject", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  if (input.IfMatch !== undefined) {
    const current = getObjectMeta(ctx.store, bucket.name, key);
    if (current && !etagMatches(input.IfMatch, current.etag)) throw s3Errors.preconditionFailed("If-Match");
  }
  const { file } = deleteObjectRow(ctx.store, bucket.name, key);
  releaseFiles(ctx.settings, ctx.store, [file]);
  return {};
});

/** At most 1000 keys per request (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
export const deleteObjects = defineOp("DeleteObjects", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const objects = input.Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > 1000) throw s3Errors.malformedXml();
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  const files: (string | null)[] = [];
  for (const o of objects) {
    const key = o.Key ?? "";
    if (!key || Buffer.byteLength(key, "utf8") > 1024) {
      errors.push({ Key: key, Code: "InvalidArgument", Message: "Invalid key" });
      continue;
    }
    files.push(deleteObjectRow(ctx.store, bucket.name, key).file);
    deleted.push({ Key: key });
  }
  releaseFiles(ctx.settings, ctx.store, files);
  return { ...(input.Delete?.Quiet ? {} : { Deleted: deleted }), ...(errors.length ? { Errors: errors } : {}) };
});

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=...]`, the key URL-encoded. */
const parseCopySource = (source: string): { bucket: string; key: string } => {
  const s = source.replace(/^\//, "").split("?")[0]!;
  const slash = s.indexOf("/");
  if (slash <= 0 || slash === s.length - 1) throw s3Errors.invalidArgument("Invalid copy source object key", "x-amz-copy-source", source);
  try {
    return { bucket: decodeURIComponent(s.slice(0, slash)), key: decodeURIComponent(s.slice(slash + 1)) };
  } catch {
    throw s3Errors.invalidArgument("Invalid copy source encoding", "x-amz-copy-source", source);
  }
};

export const copyObject = defineOp("CopyObject", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const src = parseCopySource(input.CopySource ?? "");
  const srcBucket = ownedBucket(ctx, src.bucket);
  const meta = existingObject(ctx, srcBucket.name, src.key);
  checkConditions(
    {
      IfMatch: input.CopySourceIfMatch,
      IfNoneMatch: input.CopySourceIfNoneMatch,
      IfModifiedSince: input.CopySourceIfModifiedSince,
      IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
    },
    meta,
    { match: "x-amz-copy-source-If-Match", unmodified: "x-amz-copy-source-If-Unmodified-Since" },
  );
  const replace = input.MetadataDirective === "REPLACE";
  if (srcBucket.name === bucket.name && src.key === key && !replace) {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html ("copy an object to itself").
    throw s3Errors.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const bytes = objectBytes(ctx, meta);
  const now = ctx.clock.now();
  const checksums: Checksums = {};
  const kept = JSON.parse(meta.checksums) as Checksums;
  if (!meta.parts_count) for (const m of CHECKSUM_MEMBERS) if (kept[m]) checksums[m] = kept[m];
  if (Object.keys(checksums).length) checksums.ChecksumType = "FULL_OBJECT";
  const stored = storeBytes(ctx.settings, bytes);
  const etag = meta.parts_count ? quotedMd5(bytes) : meta.etag;
  const replaced = putObjectRow(ctx.store, {
    bucket: bucket.name,
    key,
    size: meta.size,
    etag,
    content_type: replace ? (input.ContentType ?? "binary/octet-stream") : meta.content_type,
    metadata: replace ? JSON.stringify(input.Metadata ?? {}) : meta.metadata,
    headers: replace ? JSON.stringify(representationHeaders(input)) : meta.headers,
    checksums: JSON.stringify(checksums),
    parts_count: null,
    last_modified: now,
    ...stored,
  });
  releaseFiles(ctx.settings, ctx.store, [replaced]);
  return { CopyObjectResult: { ETag: etag, LastModified: new Date(now), ...(checksums as Record<string, never>) } };
});
