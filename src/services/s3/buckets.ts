/**
 * S3 buckets. So far only ListBuckets, which lists none (buckets cannot be created yet); it proves
 * the rest-xml protocol end to end.
 *
 * Owner: S3's canonical user id is 64 hex digits per account; Cloudbox derives it from the account
 * id (sha256), so it is stable. DEVIATION: the DisplayName is Cloudbox's own
 * ("cloudbox-<account>"); AWS has been phasing DisplayName out of its responses since 2025.
 */
import { createHash } from "node:crypto";
import { opDefiner } from "../../core/index.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-s3")>();

export const canonicalUserId = (accountId: string): string => createHash("sha256").update(`cloudbox-s3-owner\n${accountId}`).digest("hex");

export const listBuckets = defineOp("ListBuckets", (input, ctx) => ({
  Buckets: [],
  Owner: { ID: canonicalUserId(ctx.accountId), DisplayName: `cloudbox-${ctx.accountId}` },
  ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
}));
