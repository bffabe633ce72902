/**
 * Multipart upload: CreateMultipartUpload, UploadPart, ListParts, CompleteMultipartUpload,
 * AbortMultipartUpload, ListMultipartUploads (what `aws s3 cp` of a large file uses).
 *
 * Rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html and the
 * CompleteMultipartUpload API Reference): part numbers 1-10000; every part but the last at least
 * 5 MiB (EntityTooSmall); the completion list in ascending order (InvalidPartOrder) naming
 * uploaded parts with their ETags (InvalidPart). The object's ETag is the MD5 of the parts'
 * binary MD5s followed by "-<number of parts>"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 */
import { createHash, randomBytes } from "node:crypto";
import { opDefiner } from "../../core/index.js";
import { readBytes, releaseFiles, storeBytes } from "./blobs.js";
import { ownedBucket } from "./buckets.js";
import { checksumOf, verifyChecksums, verifyContentMd5, quotedMd5, type Checksums } from "./checksums.js";
import { s3Errors } from "./errors.js";
import { bodyBuffer, checkKey, representationHeaders } from "./objects.js";
import { deleteUpload, getPartRow, getUpload, insertUpload, listPartRows, listUploadRows, putObjectRow, putPartRow, type UploadRow } from "./store.js";
import type { OperationContext } from "../../core/index.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-s3")>();

export const MIN_PART_SIZE = 5 * 1024 * 1024;

const uploadOf = (ctx: OperationContext, bucket: string, key: string | undefined, uploadId: string | undefined): UploadRow => {
  const up = uploadId ? getUpload(ctx.store, uploadId) : undefined;
  if (!up || up.bucket !== bucket || up.key !== key) throw s3Errors.noSuchUpload(uploadId ?? "");
  return up;
};

export const createMultipartUpload = defineOp("CreateMultipartUpload", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const uploadId = randomBytes(48).toString("base64url");
  insertUpload(ctx.store, {
    upload_id: uploadId,
    bucket: bucket.name,
    key,
    account_id: ctx.accountId,
    initiated: ctx.clock.now(),
    content_type: input.ContentType ?? "binary/octet-stream",
    metadata: JSON.stringify(input.Metadata ?? {}),
    headers: JSON.stringify(representationHeaders(input)),
    checksum_algorithm: input.ChecksumAlgorithm ?? null,
  });
  return {
    Bucket: bucket.name,
    Key: key,
    UploadId: uploadId,
    ...(input.ChecksumAlgorithm ? { ChecksumAlgorithm: input.ChecksumAlgorithm, ChecksumType: input.ChecksumType ?? ("COMPOSITE" as const) } : {}),
  };
});

export const uploadPart = defineOp("UploadPart", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const up = uploadOf(ctx, bucket.name, input.Key, input.UploadId);
  const n = input.PartNumber;
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > 10000) {
    throw s3Errors.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", String(n));
  }
  const body = bodyBuffer(input.Body);
  verifyContentMd5(input.ContentMD5, body);
  const checksums = verifyChecksums(input as never, body);
  delete checksums.ChecksumType;
  const etag = quotedMd5(body);
  const replaced = putPartRow(ctx.store, {
    upload_id: up.upload_id,
    part_number: n,
    size: body.length,
    etag,
    checksums: JSON.stringify(checksums),
    last_modified: ctx.clock.now(),
    ...storeBytes(ctx.settings, body),
  });
  releaseFiles(ctx.settings, ctx.store, [replaced]);
  return { ETag: etag, ...(checksums as Record<string, never>) };
});

export const listParts = defineOp("ListParts", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const up = uploadOf(ctx, bucket.name, input.Key, input.UploadId);
  const max = Math.min(input.MaxParts ?? 1000, 1000);
  const after = Number(input.PartNumberMarker ?? 0) || 0;
  const rows = listPartRows(ctx.store, up.upload_id, after, max + 1);
  const page = rows.slice(0, max);
  const truncated = rows.length > max;
  return {
    Bucket: bucket.name,
    Key: up.key,
    UploadId: up.upload_id,
    PartNumberMarker: String(after),
    ...(page.length ? { NextPartNumberMarker: String(page[page.length - 1]!.part_number) } : {}),
    MaxParts: max,
    IsTruncated: truncated,
    StorageClass: "STANDARD" as const,
    Initiator: { ID: `arn:aws:iam::${up.account_id}:root`, DisplayName: `cloudbox-${up.account_id}` },
    Owner: { ID: up.account_id, DisplayName: `cloudbox-${up.account_id}` },
    ...(up.checksum_algorithm ? { ChecksumAlgorithm: up.checksum_algorithm as never } : {}),
    Parts: page.map((p) => ({
      PartNumber: p.part_number,
      LastModified: new Date(p.last_modified),
      ETag: p.etag,
      Size: p.size,
      ...(JSON.parse(p.checksums) as Record<string, never>),
    })),
  };
});

export const completeMultipartUpload = defineOp("CompleteMultipartUpload", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const up = uploadOf(ctx, bucket.name, input.Key, input.UploadId);
  const listed = input.MultipartUpload?.Parts ?? [];
  if (listed.length === 0) throw s3Errors.malformedXml();
  let prev = 0;
  for (const p of listed) {
    if ((p.PartNumber ?? 0) <= prev) throw s3Errors.invalidPartOrder();
    prev = p.PartNumber!;
  }
  const parts = listed.map((p) => {
    const row = getPartRow(ctx.store, up.upload_id, p.PartNumber!);
    const want = (p.ETag ?? "").replace(/^"?(.*?)"?$/, '"$1"');
    if (!row || (p.ETag !== undefined && want !== row.etag)) throw s3Errors.invalidPart();
    return row;
  });
  parts.forEach((p, i) => {
    if (i < parts.length - 1 && p.size < MIN_PART_SIZE) throw s3Errors.entityTooSmall();
  });
  const buffers = parts.map((p) => readBytes(ctx.settings, { data: p.data, file: p.file }));
  const body = Buffer.concat(buffers);
  const md5s = Buffer.concat(parts.map((p) => Buffer.from(p.etag.replace(/"/g, ""), "hex")));
  const etag = `"${createHash("md5").update(md5s).digest("hex")}-${parts.length}"`;
  // A composite checksum: the checksum of the parts' binary checksums, "-<parts>".
  const checksums: Checksums = {};
  if (up.checksum_algorithm) {
    const member = `Checksum${up.checksum_algorithm.toUpperCase()}` as keyof Checksums;
    const partSums = parts.map((p) => (JSON.parse(p.checksums) as Checksums)[member] ?? checksumOf(up.checksum_algorithm!, buffers[parts.indexOf(p)]!));
    if (partSums.every((s) => s !== undefined)) {
      const joined = Buffer.concat(partSums.map((s) => Buffer.from(s!, "base64")));
      const v = checksumOf(up.checksum_algorithm, joined);
      if (v !== undefined) {
        checksums[member] = `${v}-${parts.length}`;
        checksums.ChecksumType = "COMPOSITE";
      }
    }
  }
  const stored = storeBytes(ctx.settings, body);
  const replaced = putObjectRow(ctx.store, {
    bucket: bucket.name,
    key: up.key,
    size: body.length,
    etag,
    content_type: up.content_type,
    metadata: up.metadata,
    headers: up.headers,
    checksums: JSON.stringify(checksums),
    parts_count: parts.length,
    last_modified: ctx.clock.now(),
    ...stored,
  });
  const partFiles = deleteUpload(ctx.store, up.upload_id);
  releaseFiles(ctx.settings, ctx.store, [replaced, ...partFiles]);
  return {
    Location: `${ctx.runtime?.endpoint() ?? ""}/${bucket.name}/${encodeURIComponent(up.key).replace(/%2F/g, "/")}`,
    Bucket: bucket.name,
    Key: up.key,
    ETag: etag,
    ...(checksums as Record<string, never>),
  };
});

export const abortMultipartUpload = defineOp("AbortMultipartUpload", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const up = uploadOf(ctx, bucket.name, input.Key, input.UploadId);
  releaseFiles(ctx.settings, ctx.store, deleteUpload(ctx.store, up.upload_id));
  return {};
});

export const listMultipartUploads = defineOp("ListMultipartUploads", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const max = Math.min(input.MaxUploads ?? 1000, 1000);
  const rows = listUploadRows(ctx.store, bucket.name, input.Prefix ?? "").filter(
    (u) => !input.KeyMarker || u.key > input.KeyMarker || (u.key === input.KeyMarker && !!input.UploadIdMarker && u.upload_id > input.UploadIdMarker),
  );
  const page = rows.slice(0, max);
  const last = page[page.length - 1];
  return {
    Bucket: bucket.name,
    KeyMarker: input.KeyMarker ?? "",
    UploadIdMarker: input.UploadIdMarker ?? "",
    MaxUploads: max,
    IsTruncated: rows.length > max,
    ...(rows.length > max && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.upload_id } : {}),
    ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
    Uploads: page.map((u) => ({
      UploadId: u.upload_id,
      Key: u.key,
      Initiated: new Date(u.initiated),
      StorageClass: "STANDARD" as const,
      Owner: { ID: u.account_id, DisplayName: `cloudbox-${u.account_id}` },
      Initiator: { ID: `arn:aws:iam::${u.account_id}:root`, DisplayName: `cloudbox-${u.account_id}` },
    })),
  };
});
