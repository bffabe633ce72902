/**
 * Log groups: CreateLogGroup, DescribeLogGroups, DeleteLogGroup, PutRetentionPolicy,
 * DeleteRetentionPolicy, and tags (TagLogGroup / UntagLogGroup / ListTagsLogGroup and
 * TagResource / UntagResource / ListTagsForResource).
 *
 * AWS rules reproduced (CloudWatch Logs API Reference):
 * - API_CreateLogGroup.html: name rules; "Log group names can't start with the string aws/";
 *   ResourceAlreadyExistsException; tags at creation; kmsKeyId accepted and stored, not used
 *   (Cloudbox does not encrypt); logGroupClass defaults to STANDARD.
 * - API_DescribeLogGroups.html: logGroupNamePrefix and logGroupNamePattern "are mutually
 *   exclusive"; logGroupNamePattern is a case-sensitive substring match and, when given, "only
 *   arn, creationTime, and logGroupName are included in the response" (confirmed as intended by
 *   the service team in aws/aws-sdk#608 and aws/aws-cli#8264); limit 1-50 (default 50);
 *   results in name order; logGroupIdentifiers can only be combined with includeLinkedAccounts.
 * - API_LogGroup.html: `arn` ends with `:*`, `logGroupArn` does not; metricFilterCount (always 0:
 *   metric filters are not implemented); storedBytes (the UTF-8 bytes of the events kept).
 * - API_PutRetentionPolicy.html: retentionInDays is one of the enumerated values.
 * - API_TagResource.html: "You can assign as many as 50 tags"; keys 1-128, values 0-256 characters.
 * The wording of the InvalidParameterException for prefix + pattern and for logGroupIdentifiers
 * with other filters is Cloudbox's (the code and status are AWS's).
 * Not done: deletion protection (accepted, not enforced), data protection policies, account-level
 * retention policies, linked accounts (includeLinkedAccounts returns this account's groups only).
 */
import { opDefiner } from "../../core/index.js";
import {
  RETENTION_DAYS, checkGroupName, checkLimit, decodeToken, encodeToken, groupArn, resolveGroup, retentionCutoff, scope,
} from "./common.js";
import { Violations, logsErrors, tooManyTags } from "./errors.js";
import {
  deleteGroup, deleteTags, findGroup, insertGroup, listGroups, listTags, putTags, setRetention, storedBytes, type GroupRow,
} from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-cloudwatch-logs")>();

const CLASSES = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS"];
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const checkTags = (v: Violations, tags: Record<string, string> | undefined, member = "tags"): void => {
  if (!tags) return;
  const keys = Object.keys(tags);
  if (keys.length > 50) v.add(`{${keys.join(", ")}}`, member, "Member must have length less than or equal to 50");
  for (const [k, val] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || !TAG_KEY.test(k)) v.add(k, `${member}.key`, "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$");
    if (val.length > 256 || !TAG_VALUE.test(val)) v.add(val, `${member}.${k}.member.value`, "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
  }
};

export const createLogGroup = defineOp("CreateLogGroup", (input, ctx) => {
  const v = new Violations();
  checkGroupName(v, input.logGroupName!);
  checkTags(v, input.tags!);
  if (input.logGroupClass !== undefined && !CLASSES.includes(input.logGroupClass)) {
    v.add(input.logGroupClass, "logGroupClass", `Member must satisfy enum value set: [${CLASSES.join(", ")}]`);
  }
  v.throwIfAny();
  const name = input.logGroupName!;
  // API_CreateLogGroup.html: "Log group names can't start with the string aws/".
  if (name.startsWith("aws/")) throw logsErrors.invalidParameter("Log group names can't start with the string aws/");
  const s = scope(ctx);
  if (findGroup(ctx.store, s, name)) throw logsErrors.groupExists();
  insertGroup(ctx.store, s, { name, created: ctx.clock.now(), kmsKeyId: input.kmsKeyId, cls: input.logGroupClass ?? "STANDARD" });
  if (input.tags) putTags(ctx.store, s, name, input.tags);
  return {};
});

const isAfter = (v: unknown): v is { after: string } => typeof v === "object" && v !== null && typeof (v as { after?: unknown }).after === "string";

export const describeLogGroups = defineOp("DescribeLogGroups", (input, ctx) => {
  const v = new Violations();
  checkLimit(v, input.limit, 50);
  if (input.logGroupNamePrefix !== undefined) checkGroupName(v, input.logGroupNamePrefix, "logGroupNamePrefix");
  v.throwIfAny();
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw logsErrors.invalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  if (input.logGroupIdentifiers !== undefined && (input.logGroupNamePrefix !== undefined || input.logGroupNamePattern !== undefined)) {
    throw logsErrors.invalidParameter("logGroupIdentifiers can only be combined with includeLinkedAccounts.");
  }
  const s = scope(ctx);
  const limit = input.limit ?? 50;
  const after = decodeToken(input.nextToken, isAfter)?.after;
  // INFREQUENT_ACCESS and ESSENTIALS select each other (API_DescribeLogGroups.html, logGroupClass).
  const cls = input.logGroupClass
    ? input.logGroupClass === "INFREQUENT_ACCESS" || input.logGroupClass === "ESSENTIALS" ? ["INFREQUENT_ACCESS", "ESSENTIALS"] : [input.logGroupClass]
    : undefined;
  const names = input.logGroupIdentifiers?.map((id) => {
    const m = /^arn:[^:]+:logs:([^:]+):(\d{12}):log-group:([^:]+)(?::\*)?$/.exec(id);
    if (!m) return id;
    return m[1] === ctx.region && m[2] === ctx.accountId ? m[3] : "\u0000"; // another account's group: not visible
  });
  const rows = listGroups(ctx.store, s, {
    prefix: input.logGroupNamePrefix,
    contains: input.logGroupNamePattern,
    after,
    cls,
    names,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const now = ctx.clock.now();
  const slim = input.logGroupNamePattern !== undefined;
  return {
    logGroups: page.map((g) => (slim ? { logGroupName: g.name, creationTime: g.created_ms, arn: `${groupArn(s, g.name)}:*` } : describeGroup(ctx, g, now))),
    ...(rows.length > limit ? { nextToken: encodeToken({ after: page[page.length - 1].name }) } : {}),
  };
});

const describeGroup = (ctx: Parameters<typeof resolveGroup>[0], g: GroupRow, now: number) => {
  const s = scope(ctx);
  return {
    logGroupName: g.name,
    creationTime: g.created_ms,
    ...(g.retention_days !== null ? { retentionInDays: g.retention_days } : {}),
    metricFilterCount: 0,
    arn: `${groupArn(s, g.name)}:*`,
    storedBytes: storedBytes(ctx.store, s, g.name, retentionCutoff(g, now)),
    ...(g.kms_key_id ? { kmsKeyId: g.kms_key_id } : {}),
    logGroupClass: g.log_group_class as "STANDARD",
    logGroupArn: groupArn(s, g.name),
  };
};

export const deleteLogGroup = defineOp("DeleteLogGroup", (input, ctx) => {
  const v = new Violations();
  checkGroupName(v, input.logGroupName!);
  v.throwIfAny();
  const s = scope(ctx);
  if (!findGroup(ctx.store, s, input.logGroupName!)) throw logsErrors.groupNotFound();
  deleteGroup(ctx.store, s, input.logGroupName!);
  return {};
});

export const putRetentionPolicy = defineOp("PutRetentionPolicy", (input, ctx) => {
  const v = new Violations();
  checkGroupName(v, input.logGroupName!);
  if (!(RETENTION_DAYS as readonly number[]).includes(input.retentionInDays!)) {
    v.add(input.retentionInDays!, "retentionInDays", `Member must satisfy enum value set: [${RETENTION_DAYS.join(", ")}]`);
  }
  v.throwIfAny();
  const s = scope(ctx);
  if (!findGroup(ctx.store, s, input.logGroupName!)) throw logsErrors.groupNotFound();
  setRetention(ctx.store, s, input.logGroupName!, input.retentionInDays!);
  return {};
});

export const deleteRetentionPolicy = defineOp("DeleteRetentionPolicy", (input, ctx) => {
  const v = new Violations();
  checkGroupName(v, input.logGroupName!);
  v.throwIfAny();
  const s = scope(ctx);
  if (!findGroup(ctx.store, s, input.logGroupName!)) throw logsErrors.groupNotFound();
  setRetention(ctx.store, s, input.logGroupName!, null);
  return {};
});

// ---- tags ----

const ARN = /^arn:[^:]+:logs:([^:]+):(\d{12}):log-group:([^:]+)(?::\*)?$/;

/** The group a tagging ARN names (log groups are the only taggable resource implemented). */
const groupOfArn = (ctx: Parameters<typeof resolveGroup>[0], arn: string): GroupRow => {
  const m = ARN.exec(arn);
  if (!m) throw logsErrors.invalidParameter(`Invalid resource ARN: ${arn}`);
  if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw logsErrors.resourceNotFound(`The specified resource does not exist.`);
  const g = findGroup(ctx.store, scope(ctx), m[3]);
  if (!g) throw logsErrors.resourceNotFound(`The specified resource does not exist.`);
  return g;
};

const addTags = (ctx: Parameters<typeof resolveGroup>[0], g: GroupRow, tags: Record<string, string>, resourceName: string): void => {
  const s = scope(ctx);
  const merged = { ...listTags(ctx.store, s, g.name), ...tags };
  if (Object.keys(merged).length > 50) throw tooManyTags(resourceName);
  putTags(ctx.store, s, g.name, tags);
};

export const tagResource = defineOp("TagResource", (input, ctx) => {
  const v = new Violations();
  checkTags(v, input.tags!);
  v.throwIfAny();
  const g = groupOfArn(ctx, input.resourceArn!);
  addTags(ctx, g, input.tags!, input.resourceArn!);
  return {};
});

export const untagResource = defineOp("UntagResource", (input, ctx) => {
  const g = groupOfArn(ctx, input.resourceArn!);
  deleteTags(ctx.store, scope(ctx), g.name, input.tagKeys!);
  return {};
});

export const listTagsForResource = defineOp("ListTagsForResource", (input, ctx) => {
  const g = groupOfArn(ctx, input.resourceArn!);
  return { tags: listTags(ctx.store, scope(ctx), g.name) };
});

export const tagLogGroup = defineOp("TagLogGroup", (input, ctx) => {
  const v = new Violations();
  checkGroupName(v, input.logGroupName!);
  checkTags(v, input.tags!);
  v.throwIfAny();
  const g = resolveGroup(ctx, { logGroupName: input.logGroupName! });
  addTags(ctx, g, input.tags!, input.logGroupName!);
  return {};
});

export const untagLogGroup = defineOp("UntagLogGroup", (input, ctx) => {
  const g = resolveGroup(ctx, { logGroupName: input.logGroupName! });
  deleteTags(ctx.store, scope(ctx), g.name, input.tags!);
  return {};
});

export const listTagsLogGroup = defineOp("ListTagsLogGroup", (input, ctx) => {
  const g = resolveGroup(ctx, { logGroupName: input.logGroupName! });
  return { tags: listTags(ctx.store, scope(ctx), g.name) };
});
