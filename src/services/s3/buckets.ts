/**
 * S3 buckets: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation and the
 * bucket tag set (Put/Get/DeleteBucketTagging).
 *
 * Bucket names are global across accounts: another account's name answers BucketAlreadyExists,
 * and any request on another account's bucket answers AccessDenied (Cloudbox has no bucket
 * policies yet). A bucket lives in one Region (its LocationConstraint); DEVIATION: requests for a
 * bucket through another Region's endpoint are served rather than redirected (AWS answers a 301
 * PermanentRedirect).
 *
 * Owner: S3's canonical user id is 64 hex digits per account; Cloudbox derives it from the account
 * id (sha256), so it is stable. DEVIATION: the DisplayName is Cloudbox's own
 * ("cloudbox-<account>"); AWS has been phasing DisplayName out of its responses since 2025.
 */
import { createHash } from "node:crypto";
import { opDefiner, type OperationContext } from "../../core/index.js";
import { s3Errors } from "./errors.js";
import {
  bucketHasObjects,
  deleteBucketRow,
  getBucket,
  insertBucket,
  listBucketRows,
  setBucketTags,
  type BucketRow,
} from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-s3")>();

export const canonicalUserId = (accountId: string): string => createHash("sha256").update(`cloudbox-s3-owner\n${accountId}`).digest("hex");

const owner = (accountId: string) => ({ ID: canonicalUserId(accountId), DisplayName: `cloudbox-${accountId}` });

/**
 * General purpose bucket naming rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3-63
 * characters; lower-case letters, digits, dots and hyphens; begins and ends with a letter or
 * digit; no two adjacent dots; not an IP address; reserved prefixes xn--, sthree-,
 * amzn-s3-demo- and suffixes -s3alias, --ol-s3, .mrap, --x-s3, --table-s3.
 */
export const isValidBucketName = (name: string): boolean =>
  name.length >= 3 &&
  name.length <= 63 &&
  /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
  !name.includes("..") &&
  !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
  !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
  !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name);

/** The bucket, if the caller's account owns it: NoSuchBucket (404) or AccessDenied (403) otherwise. */
export const ownedBucket = (ctx: OperationContext, name: string | undefined): BucketRow => {
  const bucket = name ? getBucket(ctx.store, name) : undefined;
  if (!bucket) throw s3Errors.noSuchBucket(name ?? "");
  if (bucket.account_id !== ctx.accountId) throw s3Errors.accessDenied();
  return bucket;
};

export const createBucket = defineOp("CreateBucket", (input, ctx) => {
  const name = input.Bucket!;
  if (!isValidBucketName(name)) throw s3Errors.invalidBucketName(name);
  const constraint = input.CreateBucketConfiguration?.LocationConstraint as string | undefined;
  // us-east-1 takes no LocationConstraint ("us-east-1" itself is InvalidLocationConstraint);
  // every other Region's endpoint needs its own name
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html, and the
  // "The <constraint|unspecified> location constraint is incompatible for the region specific
  // endpoint this request was sent to." answers quoted in aws/aws-cli#4445, aws-parallelcluster#1190).
  if (ctx.region === "us-east-1") {
    if (constraint === "us-east-1") throw s3Errors.invalidLocationConstraint(constraint);
    if (constraint) throw s3Errors.illegalLocationConstraint(constraint);
  } else if (constraint !== ctx.region) {
    throw s3Errors.illegalLocationConstraint(constraint);
  }
  const existing = getBucket(ctx.store, name);
  if (existing) {
    if (existing.account_id !== ctx.accountId) throw s3Errors.bucketAlreadyExists(name);
    // "For legacy compatibility, if you re-create an existing bucket that you already own in the
    // North Virginia Region, Amazon S3 returns 200 OK" (S3 API Reference, BucketAlreadyOwnedByYou).
    if (existing.region === "us-east-1" && ctx.region === "us-east-1") return { Location: `/${name}` };
    throw s3Errors.bucketAlreadyOwnedByYou(name);
  }
  insertBucket(ctx.store, { name, account_id: ctx.accountId, region: ctx.region, created_at: ctx.clock.now(), tags: null });
  return {
    Location: ctx.region === "us-east-1" ? `/${name}` : `http://${name}.s3.amazonaws.com/`,
    BucketArn: `arn:aws:s3:::${name}`,
  };
});

export const headBucket = defineOp("HeadBucket", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  return { BucketRegion: bucket.region, BucketArn: `arn:aws:s3:::${bucket.name}` };
});

export const deleteBucket = defineOp("DeleteBucket", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  if (bucketHasObjects(ctx.store, bucket.name)) throw s3Errors.bucketNotEmpty(bucket.name);
  deleteBucketRow(ctx.store, bucket.name);
  return {};
});

export const getBucketLocation = defineOp("GetBucketLocation", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  // us-east-1 buckets answer an empty LocationConstraint
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
  return bucket.region === "us-east-1" ? {} : { LocationConstraint: bucket.region as never };
});

/**
 * ListBuckets: the caller's buckets in name order; MaxBuckets (1-10000) pages with an opaque
 * ContinuationToken; Prefix and BucketRegion filter
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html).
 */
export const listBuckets = defineOp("ListBuckets", (input, ctx) => {
  const prefix = input.Prefix ?? "";
  const max = input.MaxBuckets;
  if (max !== undefined && (max < 1 || max > 10000)) throw s3Errors.invalidArgument("Argument max-buckets must be an integer between 1 and 10000.", "max-buckets", String(max));
  let after = "";
  if (input.ContinuationToken) {
    try {
      after = Buffer.from(input.ContinuationToken, "base64url").toString("utf8");
    } catch {
      throw s3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", input.ContinuationToken);
    }
  }
  const limit = max ?? 10000;
  const rows = listBucketRows(ctx.store, ctx.accountId, after, prefix, 100000).filter((b) => !input.BucketRegion || b.region === input.BucketRegion);
  const page = rows.slice(0, limit);
  const truncated = rows.length > limit;
  return {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(b.created_at), BucketRegion: b.region, BucketArn: `arn:aws:s3:::${b.name}` })),
    Owner: owner(ctx.accountId),
    ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
    ...(truncated ? { ContinuationToken: Buffer.from(page[page.length - 1]!.name, "utf8").toString("base64url") } : {}),
  };
});

/** Tag rules: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html (at most 50 tags, keys unique). */
export const putBucketTagging = defineOp("PutBucketTagging", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  const tags = input.Tagging?.TagSet ?? [];
  if (tags.length > 50) throw s3Errors.invalidTag("Object tags cannot be greater than 50");
  const keys = new Set<string>();
  for (const t of tags) {
    if (!t.Key || t.Key.length > 128) throw s3Errors.invalidTag("The TagKey you have provided is invalid");
    if ((t.Value ?? "").length > 256) throw s3Errors.invalidTag("The TagValue you have provided is invalid");
    if (t.Key.startsWith("aws:")) throw s3Errors.invalidTag("System tags cannot be added/updated by requester");
    if (keys.has(t.Key)) throw s3Errors.invalidTag("Cannot provide multiple Tags with the same key");
    keys.add(t.Key);
  }
  setBucketTags(ctx.store, bucket.name, JSON.stringify(tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" }))));
  return {};
});

export const getBucketTagging = defineOp("GetBucketTagging", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  if (bucket.tags === null) throw s3Errors.noSuchTagSet(bucket.name);
  return { TagSet: JSON.parse(bucket.tags) as { Key: string; Value: string }[] };
});

export const deleteBucketTagging = defineOp("DeleteBucketTagging", (input, ctx) => {
  const bucket = ownedBucket(ctx, input.Bucket);
  setBucketTags(ctx.store, bucket.name, null);
  return {};
});
