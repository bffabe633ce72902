/**
 * Object integrity: the MD5 ETag, Content-MD5 checks and the flexible checksums
 * (x-amz-checksum-crc32 | crc32c | crc64nvme | sha1 | sha256) that the SDK v3 and the AWS CLI v2
 * send by default (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 * CRC32, SHA-1 and SHA-256 are verified; DEVIATION: CRC32C and CRC64NVME values are stored and
 * returned as sent, unverified (Node 20 has no implementation of either).
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { s3Errors } from "./errors.js";

export const md5Hex = (b: Buffer): string => createHash("md5").update(b).digest("hex");
export const quotedMd5 = (b: Buffer): string => `"${md5Hex(b)}"`;

export const CHECKSUM_MEMBERS = ["ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256"] as const;
export type ChecksumMember = (typeof CHECKSUM_MEMBERS)[number];
export type Checksums = Partial<Record<ChecksumMember | "ChecksumType", string>>;

const memberOf = (algorithm: string): ChecksumMember | undefined =>
  CHECKSUM_MEMBERS.find((m) => m.slice("Checksum".length) === algorithm.toUpperCase());

const compute = (member: ChecksumMember, body: Buffer): string | undefined => {
  switch (member) {
    case "ChecksumCRC32": {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(body) >>> 0);
      return out.toString("base64");
    }
    case "ChecksumSHA1":
      return createHash("sha1").update(body).digest("base64");
    case "ChecksumSHA256":
      return createHash("sha256").update(body).digest("base64");
    default:
      return undefined;
  }
};

export const checksumOf = (algorithm: string, body: Buffer): string | undefined => {
  const m = memberOf(algorithm);
  return m ? compute(m, body) : undefined;
};

/** Checks Content-MD5 (InvalidDigest when malformed, BadDigest when different). */
export const verifyContentMd5 = (contentMd5: string | undefined, body: Buffer): void => {
  if (contentMd5 === undefined) return;
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(contentMd5.trim()) ? Buffer.from(contentMd5.trim(), "base64") : undefined;
  if (!raw || raw.length !== 16) throw s3Errors.invalidDigest();
  if (!raw.equals(createHash("md5").update(body).digest())) throw s3Errors.badDigest("Content-MD5");
};

/**
 * Verifies the checksums a request carries and returns the ones to store (computing the one
 * named by ChecksumAlgorithm when its value is absent).
 */
export const verifyChecksums = (input: Partial<Record<ChecksumMember, string>> & { ChecksumAlgorithm?: string }, body: Buffer): Checksums => {
  const out: Checksums = {};
  for (const m of CHECKSUM_MEMBERS) {
    const sent = input[m];
    if (sent === undefined) continue;
    const actual = compute(m, body);
    if (actual !== undefined && actual !== sent) throw s3Errors.badDigest(m.slice("Checksum".length));
    out[m] = sent;
  }
  if (input.ChecksumAlgorithm) {
    const m = memberOf(input.ChecksumAlgorithm);
    if (m && out[m] === undefined) {
      const v = compute(m, body);
      if (v !== undefined) out[m] = v;
    }
  }
  if (Object.keys(out).length) out.ChecksumType = "FULL_OBJECT";
  return out;
};
