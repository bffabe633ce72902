/**
 * STS: GetCallerIdentity, AssumeRole, GetSessionToken, and the resolveCaller hook that maps the
 * temporary access keys issued here back to their principal (this is what makes cross-account
 * role assumption work: account A assumes arn:aws:iam::B:role/x and its next requests act in B).
 *
 * Not done: IAM trust policies and role existence (any syntactically valid role ARN can be
 * assumed: DEVIATION, there is no IAM yet), MaxSessionDuration per role (DurationSeconds may be
 * up to 43200 for every role: DEVIATION, AWS caps it at the role's MaxSessionDuration, 3600 by
 * default), session policies (Policy must be JSON but is not applied), tags, source identity,
 * MFA, external ids.
 */
import { createHash, randomBytes } from "node:crypto";
import { opDefiner, type Caller, type StorePort } from "../../core/index.js";
import { ConstraintViolations, stsErrors } from "./errors.js";
import { findCredentials, insertCredentials } from "./store.js";

const defineOp = opDefiner<typeof import("@aws-sdk/client-sts")>();

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const randomChars = (alphabet: string, n: number): string => {
  const bytes = randomBytes(n * 2);
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[bytes.readUInt16BE(i * 2) % alphabet.length];
  return out;
};

/** Temporary access key ids: ASIA + 16 upper-case alphanumerics (20 characters, like AWS's). */
export const newTemporaryAccessKeyId = (): string => "ASIA" + randomChars(UPPER_ALNUM, 16);
const newSecretAccessKey = (): string => randomBytes(30).toString("base64"); // 40 characters
const newSessionToken = (): string => "IQoJb3JpZ2luX2VjE" + randomBytes(240).toString("base64");

/** A role's unique id (AROA + 17 characters), stable for a role ARN as AWS's is for a role. */
export const roleIdFor = (roleArn: string): string => {
  const digest = createHash("sha256").update(`cloudbox-role-id\n${roleArn}`).digest();
  let out = "AROA";
  for (let i = 0; i < 17; i++) out += BASE32[digest[i] % 32];
  return out;
};

/** arn:<partition>:iam::<12 digits>:role/<optional/path/>name */
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;

export interface ParsedRoleArn {
  partition: string;
  accountId: string;
  path: string;
  roleName: string;
}

export const parseRoleArn = (value: string): ParsedRoleArn | undefined => {
  const m = ROLE_ARN.exec(value);
  return m ? { partition: m[1], accountId: m[2], path: "/" + m[3], roleName: m[4] } : undefined;
};

const checkDuration = (v: ConstraintViolations, duration: number | undefined, max: number): void => {
  if (duration === undefined) return;
  if (!Number.isInteger(duration) || duration < 900) v.add(duration, "durationSeconds", "Member must have value greater than or equal to 900");
  else if (duration > max) v.add(duration, "durationSeconds", `Member must have value less than or equal to ${max}`);
};

const checkPolicy = (policy: string | undefined): void => {
  if (policy === undefined) return;
  try {
    const doc: unknown = JSON.parse(policy);
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Error("not an object");
  } catch {
    throw stsErrors.malformedPolicyDocument();
  }
};

export const getCallerIdentity = defineOp("GetCallerIdentity", (_input, ctx) => ({
  UserId: ctx.caller.userId,
  Account: ctx.caller.accountId,
  Arn: ctx.caller.arn,
}));

export const assumeRole = defineOp("AssumeRole", (input, ctx) => {
  const roleArn = input.RoleArn ?? "";
  const session = input.RoleSessionName ?? "";
  const v = new ConstraintViolations();
  if (roleArn.length < 20) v.add(roleArn, "roleArn", "Member must have length greater than or equal to 20");
  else if (roleArn.length > 2048) v.add(roleArn, "roleArn", "Member must have length less than or equal to 2048");
  if (session.length < 2) v.add(session, "roleSessionName", "Member must have length greater than or equal to 2");
  else if (session.length > 64) v.add(session, "roleSessionName", "Member must have length less than or equal to 64");
  if (!SESSION_NAME.test(session)) v.add(session, "roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  checkDuration(v, input.DurationSeconds, 43200);
  v.throwIfAny();
  const role = parseRoleArn(roleArn);
  // Real STS answers a well-formed but non-role ARN with ValidationError "<arn> is invalid"
  // (LocalStack, which mirrors AWS's answers, uses the same text).
  if (!role) throw stsErrors.validation(`${roleArn} is invalid`);
  checkPolicy(input.Policy);

  const now = ctx.clock.now();
  const expiresAt = now + (input.DurationSeconds ?? 3600) * 1000;
  const accessKeyId = newTemporaryAccessKeyId();
  const secret = newSecretAccessKey();
  const token = newSessionToken();
  const assumedRoleId = `${roleIdFor(`arn:${role.partition}:iam::${role.accountId}:role${role.path}${role.roleName}`)}:${session}`;
  const assumedArn = `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${session}`;
  insertCredentials(ctx.store, {
    access_key_id: accessKeyId,
    account_id: role.accountId,
    region: ctx.region,
    kind: "assumed-role",
    secret_access_key: secret,
    session_token: token,
    principal_arn: assumedArn,
    user_id: assumedRoleId,
    source_access_key_id: ctx.caller.accessKeyId,
    source_account_id: ctx.caller.accountId,
    issued_at: now,
    expires_at: expiresAt,
  });
  return {
    Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: secret, SessionToken: token, Expiration: new Date(expiresAt) },
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: assumedArn },
  };
});

export const getSessionToken = defineOp("GetSessionToken", (input, ctx) => {
  const v = new ConstraintViolations();
  checkDuration(v, input.DurationSeconds, 129600);
  v.throwIfAny();
  // STS refuses GetSessionToken called with temporary credentials (IAM User Guide,
  // "Comparing the AWS STS API operations": GetSessionToken "cannot be called by" session
  // credentials); the message is STS's.
  if (findCredentials(ctx.store, ctx.caller.accessKeyId)) {
    throw stsErrors.accessDenied("Cannot call GetSessionToken with session credentials");
  }
  const now = ctx.clock.now();
  const expiresAt = now + (input.DurationSeconds ?? 43200) * 1000;
  const accessKeyId = newTemporaryAccessKeyId();
  const secret = newSecretAccessKey();
  const token = newSessionToken();
  insertCredentials(ctx.store, {
    access_key_id: accessKeyId,
    account_id: ctx.caller.accountId,
    region: ctx.region,
    kind: "session-token",
    secret_access_key: secret,
    session_token: token,
    principal_arn: ctx.caller.arn,
    user_id: ctx.caller.userId,
    source_access_key_id: ctx.caller.accessKeyId,
    source_account_id: ctx.caller.accountId,
    issued_at: now,
    expires_at: expiresAt,
  });
  return { Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: secret, SessionToken: token, Expiration: new Date(expiresAt) } };
});

/**
 * The gateway's hook: an ASIA key issued here and not expired is its principal. `now` defaults to
 * the wall clock (the hook's signature carries no clock; pass the runtime clock's now() when the
 * gateway can). Expired or unknown keys return undefined, and the default rule applies.
 * DEVIATION: AWS answers a request signed with expired credentials with ExpiredToken.
 */
export const resolveStsCaller = (store: StorePort, accessKeyId: string, now: number = Date.now()): Caller | undefined => {
  if (!accessKeyId.startsWith("ASIA")) return undefined;
  const row = findCredentials(store, accessKeyId);
  if (!row || row.expires_at <= now) return undefined;
  return { accessKeyId, accountId: row.account_id, arn: row.principal_arn, userId: row.user_id };
};
