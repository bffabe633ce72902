/** Helpers shared by the Step Functions handlers: ARNs, name rules, paging tokens, tags. */
import { randomUUID } from "node:crypto";
import { commonErrors, type OperationContext } from "../../core/index.js";
import { sfnErrors } from "./errors.js";
import { sfnStore } from "./store.js";

export const storeOf = (ctx: { store: OperationContext["store"] }) => sfnStore(ctx.store);

export const machineArn = (ctx: { region: string; accountId: string }, name: string) =>
  `arn:aws:states:${ctx.region}:${ctx.accountId}:stateMachine:${name}`;
export const activityArn = (ctx: { region: string; accountId: string }, name: string) =>
  `arn:aws:states:${ctx.region}:${ctx.accountId}:activity:${name}`;
/** arn:aws:states:<region>:<account>:execution:<machine>:<name> (express: express:<machine>:<name>:<uuid>). */
export const executionArnOf = (smArn: string, name: string, kind: "execution" | "express" = "execution") => {
  const p = smArn.split(":");
  return `arn:aws:states:${p[3]}:${p[4]}:${kind}:${p[6]}:${name}`;
};

/**
 * Names: 1-80 characters, no whitespace, brackets, wildcards, special or control characters
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html, "name").
 */
const BAD_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
export const checkName = (name: string | undefined, max = 80): string => {
  if (!name || name.length > max || BAD_NAME.test(name)) throw sfnErrors.invalidName(name ?? "");
  return name;
};

export interface ParsedSfnArn {
  region: string;
  account: string;
  kind: string;
  /** the parts after the kind */
  rest: string[];
}
export const parseSfnArn = (arn: string | undefined): ParsedSfnArn | undefined => {
  if (!arn) return undefined;
  const p = arn.split(":");
  if (p.length < 7 || p[0] !== "arn" || !p[1].startsWith("aws") || p[2] !== "states") return undefined;
  return { region: p[3], account: p[4], kind: p[5], rest: p.slice(6) };
};

/** Paging: an opaque base64 token wrapping the position. */
export const encodeToken = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
export const decodeToken = <T>(token: string | undefined, fallback: T): T => {
  if (!token) return fallback;
  try {
    return JSON.parse(Buffer.from(token, "base64").toString("utf8")) as T;
  } catch {
    // ListExecutions and others answer InvalidToken for a token they did not issue (API Reference, Errors).
    throw sfnErrors.invalidToken2(`Invalid Token: '${token}'`);
  }
};
export const pageSize = (max: number | undefined, cap = 1000) => {
  // The SDK models do not say integer versus float, so a fractional value reaches here; the
  // service's integer member refuses it when deserializing.
  if (max !== undefined && !Number.isInteger(max)) throw commonErrors.serialization(`Value '${max}' at 'maxResults' is not an integer`);
  if (max !== undefined && (max < 0 || max > cap)) throw sfnErrors.validation(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${cap}`);
  return !max ? 100 : max;
};

export const revisionId = () => randomUUID();

export const putTags = (ctx: OperationContext, arn: string, tags: { key?: string; value?: string }[] | undefined) => {
  const s = storeOf(ctx);
  for (const t of tags ?? []) {
    if (!t.key) throw sfnErrors.validation("Tag keys must not be empty");
    s.putTag(arn, t.key, t.value ?? "");
  }
};
