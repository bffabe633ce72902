/**
 * An acknowledged PutObject survives a restart: large objects as files under the data directory,
 * small ones in the store; an overwrite's old file is removed.
 */
import "../helpers/env.js";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startCloudbox } from "../helpers/cloudbox.js";

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));

describe("s3 durability", () => {
  it("keeps small and large objects across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cbx-s3-data-"));
    const big = Buffer.alloc(1024 * 1024, 7);
    let cb = await startCloudbox({ ephemeral: false, dataDir });
    const client = () => new S3Client({ ...cb.clientConfig, forcePathStyle: true, credentials: { accessKeyId: "111111111111", secretAccessKey: "x" } });
    await client().send(new CreateBucketCommand({ Bucket: "durable-bucket" }));
    await client().send(new PutObjectCommand({ Bucket: "durable-bucket", Key: "small", Body: "tiny" }));
    await client().send(new PutObjectCommand({ Bucket: "durable-bucket", Key: "big", Body: Buffer.alloc(1024 * 1024, 1) }));
    await client().send(new PutObjectCommand({ Bucket: "durable-bucket", Key: "big", Body: big }));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(files(join(dataDir, "s3")).length, 1, "the overwritten version's file is gone");
    await cb.stop();
    cb = await startCloudbox({ ephemeral: false, dataDir });
    const small = await client().send(new GetObjectCommand({ Bucket: "durable-bucket", Key: "small" }));
    assert.equal(await small.Body!.transformToString(), "tiny");
    const got = await client().send(new GetObjectCommand({ Bucket: "durable-bucket", Key: "big" }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(big));
    await cb.stop();
  });
});
