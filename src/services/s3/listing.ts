/**
 * ListObjectsV2 and ListObjects (v1): keys in UTF-8 binary order (SQLite's BINARY collation
 * compares the UTF-8 bytes, which is S3's order), Prefix, Delimiter rolling keys up into
 * CommonPrefixes (each prefix counts as one entry against MaxKeys), MaxKeys (default and cap
 * 1000), paging by an opaque ContinuationToken (v2) or Marker/NextMarker (v1), StartAfter, and
 * EncodingType=url, which the AWS CLI always sends: then Key, Prefix, Delimiter, StartAfter,
 * Marker, NextMarker and CommonPrefixes come back URL-encoded
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html, "EncodingType").
 */
import { opDefiner, type OperationContext } from "../../core/index.js";
import { canonicalUserId, ownedBucket } from "./buckets.js";
import type { Checksums } from "./checksums.js";
import { s3Errors } from "./errors.js";
import { scanObjects, type ObjectMeta } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-s3")>();

/** Past every key that starts with `p` (U+10FFFF is the largest UTF-8 sequence). */
const pastPrefix = (p: string) => `${p}\u{10FFFF}`;

type Entry = { kind: "object"; meta: ObjectMeta } | { kind: "prefix"; prefix: string };

interface Listing {
  entries: Entry[];
  truncated: boolean;
  /** The "after" bound that continues this listing. */
  next?: string;
}

const list = (ctx: OperationContext, bucket: string, prefix: string, delimiter: string, after: string, maxKeys: number): Listing => {
  const entries: Entry[] = [];
  let bound = after;
  let lastPrefix: string | undefined;
  for (;;) {
    const rows = scanObjects(ctx.store, bucket, prefix, { after: bound }, 1000);
    if (rows.length === 0) break;
    let jumped = false;
    for (const row of rows) {
      if (entries.length > maxKeys) break;
      if (delimiter) {
        const i = row.key.indexOf(delimiter, prefix.length);
        if (i >= 0) {
          const cp = row.key.slice(0, i + delimiter.length);
          if (cp !== lastPrefix) entries.push({ kind: "prefix", prefix: cp });
          lastPrefix = cp;
          bound = pastPrefix(cp);
          jumped = true;
          break;
        }
      }
      entries.push({ kind: "object", meta: row });
      bound = row.key;
    }
    if (entries.length > maxKeys) break;
    if (!jumped && rows.length < 1000) break;
  }
  const truncated = entries.length > maxKeys;
  const page = entries.slice(0, maxKeys);
  const last = page[page.length - 1];
  return {
    entries: page,
    truncated,
    ...(truncated && last ? { next: last.kind === "object" ? last.meta.key : pastPrefix(last.prefix) } : {}),
  };
};

const encoder = (encodingType: string | undefined) => {
  if (encodingType !== undefined && encodingType !== "url") {
    throw s3Errors.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType);
  }
  return encodingType === "url" ? (s: string) => encodeURIComponent(s).replace(/%2F/g, "/") : (s: string) => s;
};

const maxKeysOf = (n: number | undefined): number => {
  if (n === undefined) return 1000;
  if (!Number.isInteger(n) || n < 0) throw s3Errors.invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", String(n));
  return Math.min(n, 1000);
};

const contents = (entries: Entry[], enc: (s: string) => string, owner?: string) =>
  entries.flatMap((e) => {
    if (e.kind !== "object") return [];
    const m = e.meta;
    const sums = JSON.parse(m.checksums) as Checksums;
    const algos = Object.keys(sums)
      .filter((k) => k !== "ChecksumType")
      .map((k) => k.slice("Checksum".length));
    return [
      {
        Key: enc(m.key),
        LastModified: new Date(m.last_modified),
        ETag: m.etag,
        Size: m.size,
        StorageClass: "STANDARD" as const,
        ...(algos.length ? { ChecksumAlgorithm: algos as never[], ChecksumType: (sums.ChecksumType ?? "FULL_OBJECT") as never } : {}),
        ...(owner ? { Owner: { ID: canonicalUserId(owner), DisplayName: `cloudbox-${owner}` } } : {}),
      },
    ];
  });

const commonPrefixes = (entries: Entry[], enc: (s: string) => string) =>
  entries.flatMap((e) => (e.kind === "prefix" ? [{ Prefix: enc(e.prefix) }] : []));

const encodeToken = (after: string) => Buffer.from(`cbx1:${after}`, "utf8").toString("base64");
const decodeToken = (token: string): string => {
  const s = Buffer.from(token, "base64").toString("utf8");
  if (!s.startsWith("cbx1:")) throw s3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
  return s.slice(5);
};

export const listObjectsV2 = defineOp("ListObjectsV2", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const enc = encoder(input.EncodingType);
  const prefix = input.Prefix ?? "";
  const delimiter = input.Delimiter ?? "";
  const maxKeys = maxKeysOf(input.MaxKeys);
  let after = input.StartAfter ?? "";
  if (input.ContinuationToken !== undefined) after = decodeToken(input.ContinuationToken);
  const r = list(ctx, bucket.name, prefix, delimiter, after, maxKeys);
  const cps = commonPrefixes(r.entries, enc);
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    ...(input.Delimiter !== undefined ? { Delimiter: enc(delimiter) } : {}),
    MaxKeys: maxKeys,
    ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
    KeyCount: r.entries.length,
    IsTruncated: r.truncated,
    ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
    ...(r.next !== undefined ? { NextContinuationToken: encodeToken(r.next) } : {}),
    ...(input.StartAfter !== undefined ? { StartAfter: enc(input.StartAfter) } : {}),
    Contents: contents(r.entries, enc, input.FetchOwner ? bucket.account_id : undefined),
    ...(cps.length ? { CommonPrefixes: cps } : {}),
  };
});

/** v1: NextMarker is returned only with a Delimiter (otherwise clients continue from the last key). */
export const listObjects = defineOp("ListObjects", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const enc = encoder(input.EncodingType);
  const prefix = input.Prefix ?? "";
  const delimiter = input.Delimiter ?? "";
  const maxKeys = maxKeysOf(input.MaxKeys);
  // A NextMarker that names a common prefix continues past every key under it.
  const marker = input.Marker ?? "";
  const after = delimiter && marker.startsWith(prefix) && marker.endsWith(delimiter) && marker.length > prefix.length ? pastPrefix(marker) : marker;
  const r = list(ctx, bucket.name, prefix, delimiter, after, maxKeys);
  const cps = commonPrefixes(r.entries, enc);
  const last = r.entries[r.entries.length - 1];
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    Marker: enc(input.Marker ?? ""),
    ...(input.Delimiter !== undefined ? { Delimiter: enc(delimiter) } : {}),
    MaxKeys: maxKeys,
    ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
    IsTruncated: r.truncated,
    ...(r.truncated && delimiter && last ? { NextMarker: enc(last.kind === "object" ? last.meta.key : last.prefix) } : {}),
    Contents: contents(r.entries, enc, bucket.account_id),
    ...(cps.length ? { CommonPrefixes: cps } : {}),
  };
});
