/**
 * Shared rules of the CloudWatch Logs handlers: name constraints, ARNs, resolving
 * logGroupName / logGroupIdentifier, retention cut-offs, paging tokens and event ids.
 *
 * Sources (CloudWatch Logs API Reference):
 * - API_CreateLogGroup.html: logGroupName 1-512 characters of [\.\-_/#A-Za-z0-9]; "Log group names
 *   can't start with the string aws/".
 * - API_CreateLogStream.html: logStreamName 1-512 characters, pattern [^:*]*.
 * - API_LogGroup.html: `arn` has a trailing `:*`, `logGroupArn` does not; the identifier fields take
 *   the ARN without `:*` (a trailing `:*` is tolerated here).
 * - API_PutRetentionPolicy.html: the enumerated retentionInDays values.
 * - API_GetLogEvents.html: forward and backward tokens ("f/<56 digits>", "b/<56 digits>" in AWS's
 *   answers) and "If you have reached the end of the stream, it returns the same token you passed in."
 */
import type { OperationContext } from "../../core/index.js";
import { Violations, logsErrors } from "./errors.js";
import { findGroup, type GroupRow, type Pos, type Scope } from "./store.js";

export const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
export const STREAM_NAME = /^[^:*]*$/;

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const DAY_MS = 86_400_000;

export const scope = (ctx: OperationContext): Scope => ({ accountId: ctx.accountId, region: ctx.region });

export const partitionOf = (region: string): string =>
  region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";

/** The log group ARN without the trailing `:*` (logGroupArn, tagging). */
export const groupArn = (s: Scope, name: string): string => `arn:${partitionOf(s.region)}:logs:${s.region}:${s.accountId}:log-group:${name}`;
export const streamArn = (s: Scope, group: string, stream: string): string => `${groupArn(s, group)}:log-stream:${stream}`;

export const checkGroupName = (v: Violations, name: string | undefined, member = "logGroupName"): void => {
  if (name === undefined) return;
  if (name.length < 1) v.add(name, member, "Member must have length greater than or equal to 1");
  else if (name.length > 512) v.add(name, member, "Member must have length less than or equal to 512");
  if (name.length && !GROUP_NAME.test(name)) v.add(name, member, "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
};

export const checkStreamName = (v: Violations, name: string | undefined, member = "logStreamName"): void => {
  if (name === undefined) return;
  if (name.length < 1) v.add(name, member, "Member must have length greater than or equal to 1");
  else if (name.length > 512) v.add(name, member, "Member must have length less than or equal to 512");
  if (!STREAM_NAME.test(name)) v.add(name, member, "Member must satisfy regular expression pattern: [^:*]*");
};

export const checkLimit = (v: Violations, limit: number | undefined, max: number, member = "limit"): void => {
  if (limit === undefined) return;
  if (!Number.isInteger(limit) || limit < 1) v.add(limit, member, "Member must have value greater than or equal to 1");
  else if (limit > max) v.add(limit, member, `Member must have value less than or equal to ${max}`);
};

const GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(?::\*)?$/;

/**
 * The group a request names through logGroupName or logGroupIdentifier (a name or an ARN).
 * Exactly one of them (API_GetLogEvents.html: "You must include either logGroupIdentifier or
 * logGroupName, but not both"). An ARN of another account or Region is not found: Cloudbox has no
 * cross-account observability links (DEVIATION: AWS answers such a request from a monitoring account).
 */
export const resolveGroup = (ctx: OperationContext, input: { logGroupName?: string; logGroupIdentifier?: string }): GroupRow => {
  const { logGroupName, logGroupIdentifier } = input;
  if (logGroupName !== undefined && logGroupIdentifier !== undefined) {
    throw logsErrors.invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (logGroupName === undefined && logGroupIdentifier === undefined) {
    throw logsErrors.invalidParameter("Either logGroupName or logGroupIdentifier must be specified.");
  }
  let name: string;
  if (logGroupName !== undefined) {
    const v = new Violations();
    checkGroupName(v, logGroupName);
    v.throwIfAny();
    name = logGroupName;
  } else {
    const id = logGroupIdentifier!;
    const m = GROUP_ARN.exec(id);
    if (m) {
      if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw logsErrors.groupNotFound();
      name = m[3];
    } else {
      const v = new Violations();
      checkGroupName(v, id, "logGroupIdentifier");
      v.throwIfAny();
      name = id;
    }
  }
  const g = findGroup(ctx.store, scope(ctx), name);
  if (!g) throw logsErrors.groupNotFound();
  return g;
};

/** Events with a timestamp before this are past the group's retention (hidden, then swept). */
export const retentionCutoff = (g: Pick<GroupRow, "retention_days">, nowMs: number): number =>
  g.retention_days === null ? Number.MIN_SAFE_INTEGER : nowMs - g.retention_days * DAY_MS;

/** Event ids: 56 decimal digits, like AWS's, encoding (timestamp, insertion id) so that they sort. */
export const eventId = (p: Pos): string => String(p.ts).padStart(20, "0") + String(p.id).padStart(36, "0");

export const parseEventId = (digits: string): Pos | undefined => {
  if (!/^\d{56}$/.test(digits)) return undefined;
  return { ts: Number(digits.slice(0, 20)), id: Number(digits.slice(20)) };
};

export const ZERO_POS: Pos = { ts: 0, id: 0 };

/** Opaque paging tokens for Describe* and FilterLogEvents. */
export const encodeToken = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

export const decodeToken = <T>(token: string | undefined, check: (v: unknown) => v is T): T | undefined => {
  if (token === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw logsErrors.invalidParameter("The specified nextToken is invalid.");
};

/** Sequence tokens are ignored by PutLogEvents now; they are still returned, as digit strings. */
export const sequenceToken = (n: number): string => "4959" + String(n).padStart(52, "0");

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, "utf8");
