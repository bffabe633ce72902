/**
 * S3 end to end with the SDK v3 (path style) and the AWS CLI v2: buckets (naming, global names,
 * location constraints, tagging), objects (bytes, metadata, ETag, Content-MD5, checksums, ranges,
 * conditional requests, copy, batch delete), listing (prefix, delimiter, paging, url encoding),
 * multipart uploads, and another account's access.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { startCloudbox, type Cloudbox } from "../helpers/cloudbox.js";
import { awsCli } from "../helpers/aws-cli.js";

const A = "111111111111";
const B = "222222222222";
let seq = 0;
const uniq = (p = "bkt") => `${p}-${process.pid}-${Date.now().toString(36)}-${++seq}`;

const expectError = async (p: Promise<unknown>, code: string, status: number): Promise<void> => {
  await assert.rejects(p, (e: unknown) => {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.$metadata?.httpStatusCode, status, `${err.name}: ${err.message}`);
    assert.equal(err.name, code, `${err.name}: ${err.message}`);
    return true;
  });
};

describe("s3", () => {
  let cb: Cloudbox;
  const s3 = (account = A, region = "us-east-1") =>
    new S3Client({ ...cb.clientConfig, region, forcePathStyle: true, credentials: { accessKeyId: account, secretAccessKey: "x" } });
  const cli = (args: string[], account = A) => awsCli(cb.endpoint, args, { AWS_ACCESS_KEY_ID: account });

  before(async () => {
    cb = await startCloudbox();
  });
  after(() => cb.stop());

  describe("buckets", () => {
    it("creates, heads, lists, locates and deletes a bucket", async () => {
      const name = uniq();
      const out = await s3().send(new CreateBucketCommand({ Bucket: name }));
      assert.equal(out.Location, `/${name}`);
      const head = await s3().send(new HeadBucketCommand({ Bucket: name }));
      assert.equal(head.BucketRegion, "us-east-1");
      const list = await s3().send(new ListBucketsCommand({}));
      assert.ok(list.Buckets?.some((b) => b.Name === name && b.CreationDate instanceof Date));
      const loc = await s3().send(new GetBucketLocationCommand({ Bucket: name }));
      assert.equal(loc.LocationConstraint, undefined);
      await s3().send(new DeleteBucketCommand({ Bucket: name }));
      await expectError(s3().send(new HeadBucketCommand({ Bucket: name })), "NotFound", 404);
      await expectError(s3().send(new DeleteBucketCommand({ Bucket: name })), "NoSuchBucket", 404);
    });

    it("enforces the naming rules (InvalidBucketName, 400)", async () => {
      for (const bad of ["ab", "Upper-case", "under_score", "a..b", "192.168.1.1", "-lead", "xn--abc", "x".repeat(64), "name-s3alias"]) {
        await expectError(s3().send(new CreateBucketCommand({ Bucket: bad })), "InvalidBucketName", 400);
      }
    });

    it("names are global: BucketAlreadyOwnedByYou (409 outside us-east-1; 200 in us-east-1) and BucketAlreadyExists (409)", async () => {
      const name = uniq();
      await s3().send(new CreateBucketCommand({ Bucket: name }));
      await s3().send(new CreateBucketCommand({ Bucket: name })); // us-east-1 legacy: 200
      await expectError(s3(B).send(new CreateBucketCommand({ Bucket: name })), "BucketAlreadyExists", 409);
      const eu = uniq();
      await s3(A, "eu-west-1").send(new CreateBucketCommand({ Bucket: eu, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
      await expectError(
        s3(A, "eu-west-1").send(new CreateBucketCommand({ Bucket: eu, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })),
        "BucketAlreadyOwnedByYou",
        409,
      );
      const loc = await s3(A, "eu-west-1").send(new GetBucketLocationCommand({ Bucket: eu }));
      assert.equal(loc.LocationConstraint, "eu-west-1");
      const list = await s3().send(new ListBucketsCommand({ BucketRegion: "eu-west-1" }));
      assert.deepEqual(list.Buckets?.map((b) => b.Name), [eu]);
      // Another account sees neither bucket, and may not use them.
      const other = await s3(B).send(new ListBucketsCommand({}));
      assert.ok(!other.Buckets?.some((b) => b.Name === name || b.Name === eu));
      // HEAD answers carry no body, so the SDK cannot read the code: the status is what counts.
      await assert.rejects(s3(B).send(new HeadBucketCommand({ Bucket: name })), (e: any) => e.$metadata?.httpStatusCode === 403);
      await expectError(s3(B).send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "x" })), "AccessDenied", 403);
      await expectError(s3(B).send(new ListObjectsV2Command({ Bucket: name })), "AccessDenied", 403);
    });

    it("checks LocationConstraint against the endpoint's Region", async () => {
      // (The SDK adds LocationConstraint = its Region outside us-east-1 by itself.)
      await expectError(
        s3().send(new CreateBucketCommand({ Bucket: uniq(), CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })),
        "IllegalLocationConstraintException",
        400,
      );
      await expectError(
        s3(A, "eu-west-1").send(new CreateBucketCommand({ Bucket: uniq(), CreateBucketConfiguration: { LocationConstraint: "us-west-2" } })),
        "IllegalLocationConstraintException",
        400,
      );
      await expectError(
        s3().send(new CreateBucketCommand({ Bucket: uniq(), CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })),
        "InvalidLocationConstraint",
        400,
      );
    });

    it("pages ListBuckets with MaxBuckets and Prefix", async () => {
      const prefix = uniq("pg");
      for (let i = 0; i < 3; i++) await s3(B).send(new CreateBucketCommand({ Bucket: `${prefix}-${i}` }));
      const p1 = await s3(B).send(new ListBucketsCommand({ Prefix: prefix, MaxBuckets: 2 }));
      assert.deepEqual(p1.Buckets?.map((b) => b.Name), [`${prefix}-0`, `${prefix}-1`]);
      assert.ok(p1.ContinuationToken);
      const p2 = await s3(B).send(new ListBucketsCommand({ Prefix: prefix, MaxBuckets: 2, ContinuationToken: p1.ContinuationToken }));
      assert.deepEqual(p2.Buckets?.map((b) => b.Name), [`${prefix}-2`]);
      assert.equal(p2.ContinuationToken, undefined);
    });

    it("refuses to delete a non-empty bucket (BucketNotEmpty, 409)", async () => {
      const name = uniq();
      await s3().send(new CreateBucketCommand({ Bucket: name }));
      await s3().send(new PutObjectCommand({ Bucket: name, Key: "a", Body: "x" }));
      await expectError(s3().send(new DeleteBucketCommand({ Bucket: name })), "BucketNotEmpty", 409);
      await s3().send(new DeleteObjectCommand({ Bucket: name, Key: "a" }));
      await s3().send(new DeleteBucketCommand({ Bucket: name }));
    });

    it("tags a bucket", async () => {
      const name = uniq();
      await s3().send(new CreateBucketCommand({ Bucket: name }));
      await expectError(s3().send(new GetBucketTaggingCommand({ Bucket: name })), "NoSuchTagSet", 404);
      await s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: "team", Value: "net" }] } }));
      const t = await s3().send(new GetBucketTaggingCommand({ Bucket: name }));
      assert.deepEqual(t.TagSet, [{ Key: "team", Value: "net" }]);
      await expectError(
        s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }] } })),
        "InvalidTag",
        400,
      );
      await s3().send(new DeleteBucketTaggingCommand({ Bucket: name }));
      await expectError(s3().send(new GetBucketTaggingCommand({ Bucket: name })), "NoSuchTagSet", 404);
    });
  });

  describe("objects", () => {
    let bucket: string;
    before(async () => {
      bucket = uniq();
      await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    });

    it("puts and gets bytes with Content-Type, metadata, ETag and the SDK's CRC32", async () => {
      const body = Buffer.from("hello, cloudbox\n");
      const put = await s3().send(
        new PutObjectCommand({ Bucket: bucket, Key: "dir/hello.txt", Body: body, ContentType: "text/plain", Metadata: { owner: "alice", "x-y": "1" }, CacheControl: "max-age=60" }),
      );
      const md5 = createHash("md5").update(body).digest("hex");
      assert.equal(put.ETag, `"${md5}"`);
      assert.ok(put.ChecksumCRC32, "the SDK sends CRC32 by default and S3 echoes it");
      const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "dir/hello.txt", ChecksumMode: "ENABLED" }));
      assert.equal(Buffer.from(await got.Body!.transformToByteArray()).toString(), body.toString());
      assert.equal(got.ContentType, "text/plain");
      assert.equal(got.ContentLength, body.length);
      assert.equal(got.ETag, `"${md5}"`);
      assert.equal(got.CacheControl, "max-age=60");
      assert.deepEqual(got.Metadata, { owner: "alice", "x-y": "1" });
      assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
      const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: "dir/hello.txt" }));
      assert.equal(head.ContentLength, body.length);
      assert.equal(head.ETag, `"${md5}"`);
      assert.ok(head.LastModified instanceof Date);
      const binary = Buffer.from([0, 1, 2, 255, 254, 0x80]);
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "bin", Body: binary }));
      const b = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "bin" }));
      assert.deepEqual(Buffer.from(await b.Body!.transformToByteArray()), binary);
    });

    it("checks Content-MD5 (BadDigest, InvalidDigest) and checksums (BadDigest)", async () => {
      const body = Buffer.from("payload");
      const good = createHash("md5").update(body).digest("base64");
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "md5", Body: body, ContentMD5: good }));
      const wrong = createHash("md5").update("other").digest("base64");
      await expectError(s3().send(new PutObjectCommand({ Bucket: bucket, Key: "md5", Body: body, ContentMD5: wrong })), "BadDigest", 400);
      await expectError(s3().send(new PutObjectCommand({ Bucket: bucket, Key: "md5", Body: body, ContentMD5: "bm90LW1kNQ==" })), "InvalidDigest", 400);
      await expectError(
        s3().send(new PutObjectCommand({ Bucket: bucket, Key: "sum", Body: body, ChecksumSHA256: createHash("sha256").update("nope").digest("base64") })),
        "BadDigest",
        400,
      );
    });

    it("answers a Range with Content-Range, and InvalidRange (416) past the end", async () => {
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "digits", Body: "0123456789" }));
      const r = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "digits", Range: "bytes=2-5" }));
      assert.equal(await r.Body!.transformToString(), "2345");
      assert.equal(r.ContentRange, "bytes 2-5/10");
      assert.equal(r.ContentLength, 4);
      assert.equal(r.$metadata.httpStatusCode, 206);
      const tail = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "digits", Range: "bytes=-3" }));
      assert.equal(await tail.Body!.transformToString(), "789");
      const open = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "digits", Range: "bytes=7-" }));
      assert.equal(await open.Body!.transformToString(), "789");
      await expectError(s3().send(new GetObjectCommand({ Bucket: bucket, Key: "digits", Range: "bytes=10-20" })), "InvalidRange", 416);
    });

    it("evaluates If-Match / If-None-Match / If-Modified-Since (412, 304)", async () => {
      const put = await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "cond", Body: "c" }));
      const ok = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "cond", IfMatch: put.ETag }));
      assert.equal(await ok.Body!.transformToString(), "c");
      await expectError(s3().send(new GetObjectCommand({ Bucket: bucket, Key: "cond", IfMatch: '"0000"' })), "PreconditionFailed", 412);
      await assert.rejects(s3().send(new GetObjectCommand({ Bucket: bucket, Key: "cond", IfNoneMatch: put.ETag })), (e: any) => e.$metadata?.httpStatusCode === 304);
      await assert.rejects(
        s3().send(new GetObjectCommand({ Bucket: bucket, Key: "cond", IfModifiedSince: new Date(Date.now() + 3600_000) })),
        (e: any) => e.$metadata?.httpStatusCode === 304,
      );
      await expectError(
        s3().send(new GetObjectCommand({ Bucket: bucket, Key: "cond", IfUnmodifiedSince: new Date(Date.now() - 3600_000) })),
        "PreconditionFailed",
        412,
      );
      await assert.rejects(s3().send(new HeadObjectCommand({ Bucket: bucket, Key: "cond", IfMatch: '"0000"' })), (e: any) => e.$metadata?.httpStatusCode === 412);
      // Conditional write: If-None-Match: * refuses to overwrite.
      await expectError(s3().send(new PutObjectCommand({ Bucket: bucket, Key: "cond", Body: "d", IfNoneMatch: "*" })), "PreconditionFailed", 412);
    });

    it("answers NoSuchKey (404) and NotFound for HEAD; NoSuchBucket for a missing bucket", async () => {
      await expectError(s3().send(new GetObjectCommand({ Bucket: bucket, Key: "missing" })), "NoSuchKey", 404);
      await expectError(s3().send(new HeadObjectCommand({ Bucket: bucket, Key: "missing" })), "NotFound", 404);
      await expectError(s3().send(new GetObjectCommand({ Bucket: uniq("nobucket"), Key: "k" })), "NoSuchBucket", 404);
      await expectError(s3().send(new PutObjectCommand({ Bucket: uniq("nobucket"), Key: "k", Body: "x" })), "NoSuchBucket", 404);
    });

    it("copies objects (COPY and REPLACE metadata) and refuses a no-op self copy", async () => {
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "src key+1", Body: "copy me", ContentType: "text/x", Metadata: { a: "1" } }));
      const c = await s3().send(new CopyObjectCommand({ Bucket: bucket, Key: "dst", CopySource: `${bucket}/${encodeURIComponent("src key+1")}` }));
      assert.ok(c.CopyObjectResult?.ETag);
      const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "dst" }));
      assert.equal(await got.Body!.transformToString(), "copy me");
      assert.equal(got.ContentType, "text/x");
      assert.deepEqual(got.Metadata, { a: "1" });
      await s3().send(
        new CopyObjectCommand({ Bucket: bucket, Key: "dst", CopySource: `${bucket}/dst`, MetadataDirective: "REPLACE", Metadata: { b: "2" }, ContentType: "text/y" }),
      );
      const h = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: "dst" }));
      assert.deepEqual(h.Metadata, { b: "2" });
      assert.equal(h.ContentType, "text/y");
      await expectError(s3().send(new CopyObjectCommand({ Bucket: bucket, Key: "dst", CopySource: `${bucket}/dst` })), "InvalidRequest", 400);
      await expectError(s3().send(new CopyObjectCommand({ Bucket: bucket, Key: "x", CopySource: `${bucket}/nope` })), "NoSuchKey", 404);
    });

    it("deletes one object (idempotent) and many (DeleteObjects)", async () => {
      for (const k of ["d1", "d2", "d3"]) await s3().send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
      await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: "d1" }));
      await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: "d1" }));
      const out = await s3().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "d2" }, { Key: "d3" }, { Key: "never" }] } }));
      assert.deepEqual(out.Deleted?.map((d) => d.Key).sort(), ["d2", "d3", "never"]);
      await expectError(s3().send(new GetObjectCommand({ Bucket: bucket, Key: "d2" })), "NoSuchKey", 404);
    });
  });

  describe("listing", () => {
    let bucket: string;
    const keys = ["a/1.txt", "a/2.txt", "a/b/3.txt", "c.txt", "d/4.txt", "e f+g.txt", "z"];
    before(async () => {
      bucket = uniq();
      await s3().send(new CreateBucketCommand({ Bucket: bucket }));
      for (const k of keys) await s3().send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    });

    it("lists all keys in order, with Prefix, and with Delimiter → CommonPrefixes", async () => {
      const all = await s3().send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(all.Contents?.map((c) => c.Key), keys);
      assert.equal(all.KeyCount, keys.length);
      assert.equal(all.IsTruncated, false);
      assert.equal(all.Contents?.[0]?.Size, 7);
      assert.equal(all.Contents?.[0]?.StorageClass, "STANDARD");
      const pre = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "a/" }));
      assert.deepEqual(pre.Contents?.map((c) => c.Key), ["a/1.txt", "a/2.txt", "a/b/3.txt"]);
      const del = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/" }));
      assert.deepEqual(del.Contents?.map((c) => c.Key), ["c.txt", "e f+g.txt", "z"]);
      assert.deepEqual(del.CommonPrefixes?.map((p) => p.Prefix), ["a/", "d/"]);
      const sub = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/", Prefix: "a/" }));
      assert.deepEqual(sub.Contents?.map((c) => c.Key), ["a/1.txt", "a/2.txt"]);
      assert.deepEqual(sub.CommonPrefixes?.map((p) => p.Prefix), ["a/b/"]);
    });

    it("pages with MaxKeys and ContinuationToken (prefixes count as entries), and StartAfter", async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/", MaxKeys: 2, ContinuationToken: token }));
        pages++;
        seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((c) => c.Key!));
        token = page.NextContinuationToken;
        if (token) assert.equal(page.IsTruncated, true);
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(seen.sort(), ["a/", "c.txt", "d/", "e f+g.txt", "z"]);
      const sa = await s3().send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: "c.txt" }));
      assert.deepEqual(sa.Contents?.map((c) => c.Key), ["d/4.txt", "e f+g.txt", "z"]);
      await expectError(s3().send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: "bad" })), "InvalidArgument", 400);
    });

    it("pages a listing past 1000 keys (the default and maximum MaxKeys)", async () => {
      const big = uniq("many");
      await s3().send(new CreateBucketCommand({ Bucket: big }));
      const mem = new S3Client({ ...cb.inMemoryClientConfig, forcePathStyle: true, credentials: { accessKeyId: A, secretAccessKey: "x" } });
      for (let i = 0; i < 1005; i += 67) {
        await Promise.all(
          Array.from({ length: Math.min(67, 1005 - i) }, (_, j) => mem.send(new PutObjectCommand({ Bucket: big, Key: `k/${String(i + j).padStart(4, "0")}`, Body: "x" }))),
        );
      }
      const p1 = await s3().send(new ListObjectsV2Command({ Bucket: big, MaxKeys: 5000 }));
      assert.equal(p1.MaxKeys, 1000);
      assert.equal(p1.KeyCount, 1000);
      assert.equal(p1.IsTruncated, true);
      const p2 = await s3().send(new ListObjectsV2Command({ Bucket: big, ContinuationToken: p1.NextContinuationToken }));
      assert.deepEqual(p2.Contents?.map((c) => c.Key), ["k/1000", "k/1001", "k/1002", "k/1003", "k/1004"]);
      assert.equal(p2.IsTruncated, false);
      const cli = await awsCli(cb.endpoint, ["s3api", "list-objects-v2", "--bucket", big, "--prefix", "k/"], { AWS_ACCESS_KEY_ID: A });
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(cli.json.Contents.length, 1005, "the CLI follows NextContinuationToken");
    });

    it("URL-encodes keys with EncodingType=url", async () => {
      const out = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "e", EncodingType: "url" }));
      assert.deepEqual(out.Contents?.map((c) => c.Key), ["e%20f%2Bg.txt"]);
    });

    it("lists with v1 (Marker, NextMarker with a delimiter)", async () => {
      const p1 = await s3().send(new ListObjectsCommand({ Bucket: bucket, Delimiter: "/", MaxKeys: 2 }));
      assert.deepEqual(p1.CommonPrefixes?.map((p) => p.Prefix), ["a/"]);
      assert.deepEqual(p1.Contents?.map((c) => c.Key), ["c.txt"]);
      assert.equal(p1.NextMarker, "c.txt");
      const p2 = await s3().send(new ListObjectsCommand({ Bucket: bucket, Delimiter: "/", MaxKeys: 2, Marker: p1.NextMarker }));
      assert.deepEqual(p2.CommonPrefixes?.map((p) => p.Prefix), ["d/"]);
      assert.deepEqual(p2.Contents?.map((c) => c.Key), ["e f+g.txt"]);
    });
  });

  describe("multipart", () => {
    it("uploads in parts: -N ETag, ListParts, InvalidPartOrder, EntityTooSmall, Abort", async () => {
      const bucket = uniq();
      await s3().send(new CreateBucketCommand({ Bucket: bucket }));
      const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "big", ContentType: "application/x-big" }));
      const p1 = Buffer.alloc(5 * 1024 * 1024, 1);
      const p2 = Buffer.from("tail");
      const e1 = await s3().send(new UploadPartCommand({ Bucket: bucket, Key: "big", UploadId, PartNumber: 1, Body: p1 }));
      const e2 = await s3().send(new UploadPartCommand({ Bucket: bucket, Key: "big", UploadId, PartNumber: 2, Body: p2 }));
      const parts = await s3().send(new ListPartsCommand({ Bucket: bucket, Key: "big", UploadId }));
      assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, p1.length], [2, 4]]);
      await expectError(
        s3().send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: e2.ETag }, { PartNumber: 1, ETag: e1.ETag }] } })),
        "InvalidPartOrder",
        400,
      );
      await expectError(
        s3().send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"abc"' }] } })),
        "InvalidPart",
        400,
      );
      const done = await s3().send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] } }),
      );
      const md5s = Buffer.concat([createHash("md5").update(p1).digest(), createHash("md5").update(p2).digest()]);
      assert.equal(done.ETag, `"${createHash("md5").update(md5s).digest("hex")}-2"`);
      const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "big" }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      assert.equal(bytes.length, p1.length + 4);
      assert.equal(bytes.subarray(-4).toString(), "tail");
      assert.equal(got.ContentType, "application/x-big");
      await expectError(s3().send(new ListPartsCommand({ Bucket: bucket, Key: "big", UploadId })), "NoSuchUpload", 404);

      const small = await s3().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "small" }));
      const s1 = await s3().send(new UploadPartCommand({ Bucket: bucket, Key: "small", UploadId: small.UploadId, PartNumber: 1, Body: "a" }));
      const s2 = await s3().send(new UploadPartCommand({ Bucket: bucket, Key: "small", UploadId: small.UploadId, PartNumber: 2, Body: "b" }));
      await expectError(
        s3().send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: "small",
            UploadId: small.UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: s1.ETag }, { PartNumber: 2, ETag: s2.ETag }] },
          }),
        ),
        "EntityTooSmall",
        400,
      );
      await s3().send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "small", UploadId: small.UploadId }));
      await expectError(s3().send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "small", UploadId: small.UploadId })), "NoSuchUpload", 404);
    });
  });

  describe("AWS CLI v2", () => {
    it("mb, cp (small and multipart), ls, s3api list-objects-v2 / head-object, rm, rb", async () => {
      const bucket = uniq("cli");
      const mb = await cli(["s3", "mb", `s3://${bucket}`]);
      assert.equal(mb.code, 0, mb.stderr);
      const dir = mkdtempSync(join(tmpdir(), "cbx-s3-"));
      const small = join(dir, "small file.txt");
      writeFileSync(small, "small\n");
      const big = join(dir, "big.bin");
      const bigBytes = Buffer.alloc(20 * 1024 * 1024);
      for (let i = 0; i < bigBytes.length; i += 4096) bigBytes[i] = i % 251;
      writeFileSync(big, bigBytes);
      let r = await cli(["s3", "cp", small, `s3://${bucket}/docs/small file.txt`]);
      assert.equal(r.code, 0, r.stderr);
      r = await cli(["s3", "cp", big, `s3://${bucket}/data/big.bin`]);
      assert.equal(r.code, 0, r.stderr);
      const ls = await cli(["s3", "ls", `s3://${bucket}/`]);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /PRE data\//);
      assert.match(ls.stdout, /PRE docs\//);
      const rec = await cli(["s3", "ls", "--recursive", `s3://${bucket}/`]);
      assert.match(rec.stdout, /docs\/small file\.txt/);
      assert.match(rec.stdout, new RegExp(`${bigBytes.length} data/big\\.bin`));
      const list = await cli(["s3api", "list-objects-v2", "--bucket", bucket]);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual(list.json.Contents.map((c: { Key: string }) => c.Key), ["data/big.bin", "docs/small file.txt"]);
      const head = await cli(["s3api", "head-object", "--bucket", bucket, "--key", "data/big.bin"]);
      assert.equal(head.code, 0, head.stderr);
      assert.equal(head.json.ContentLength, bigBytes.length);
      assert.match(head.json.ETag, /-\d+"$/, "a multipart upload's ETag ends in -N");
      const back = join(dir, "back.bin");
      r = await cli(["s3", "cp", `s3://${bucket}/data/big.bin`, back]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(readFileSync(back).equals(bigBytes));
      const missing = await cli(["s3api", "get-object", "--bucket", bucket, "--key", "nope", join(dir, "x")]);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /NoSuchKey/);
      // botocore does not add a LocationConstraint by itself: outside us-east-1 that is refused.
      const eu = await awsCli(cb.endpoint, ["s3api", "create-bucket", "--bucket", uniq("eu"), "--region", "eu-west-1"], { AWS_ACCESS_KEY_ID: A });
      assert.notEqual(eu.code, 0);
      assert.match(eu.stderr, /IllegalLocationConstraintException/);
      const notEmpty = await cli(["s3", "rb", `s3://${bucket}`]);
      assert.notEqual(notEmpty.code, 0);
      assert.match(notEmpty.stderr, /BucketNotEmpty/);
      r = await cli(["s3", "rm", "--recursive", `s3://${bucket}/`]);
      assert.equal(r.code, 0, r.stderr);
      r = await cli(["s3", "rb", `s3://${bucket}`]);
      assert.equal(r.code, 0, r.stderr);
    });
  });
});
