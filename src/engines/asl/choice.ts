/**
 * Choice rules of JSONPath states (AWS "Choice workflow state"): every comparison operator and
 * its ...Path variant, And/Or/Not, IsPresent, IsNull, IsNumeric, IsString, IsBoolean,
 * IsTimestamp, StringMatches with * and the escapes \* and \\.
 *
 * A comparison whose operand has the wrong type is false (AWS: "StringEquals" on a number
 * does not match). A Variable that is missing fails with States.Runtime unless the operator is
 * IsPresent, as AWS does ("Invalid path '$.x': The choice state's condition path references an
 * invalid value.").
 */
import { evalPath, PathNotFound, type Roots } from "./jsonpath.js";
import { StatesError, type Json, type JsonObject } from "./types.js";

export const COMPARATORS = [
  "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals",
  "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
  "BooleanEquals",
  "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
] as const;
export const TYPE_TESTS = ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"] as const;
export const ALL_OPERATORS: string[] = [...COMPARATORS, ...COMPARATORS.map((c) => c + "Path"), "StringMatches", ...TYPE_TESTS];

/** The operator key of a rule (the one field that is not Variable/Next/Comment/Assign/Output). */
export function operatorOf(rule: JsonObject): string | undefined {
  return Object.keys(rule).find((k) => ALL_OPERATORS.includes(k));
}

/** RFC 3339 timestamp to epoch microseconds-ish number, or undefined. Uppercase T and Z required by AWS. */
export function parseTimestamp(s: unknown): number | undefined {
  if (typeof s !== "string") return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, tz] = m;
  const base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se);
  if (Number.isNaN(base)) return undefined;
  const dt = new Date(base);
  if (dt.getUTCMonth() !== +mo - 1 || dt.getUTCDate() !== +d || +h > 23 || +mi > 59 || +se > 60) return undefined;
  let off = 0;
  if (tz !== "Z") {
    const sign = tz[0] === "-" ? -1 : 1;
    off = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60000;
  }
  return base - off + (frac ? Number(frac) * 1000 : 0);
}

/** StringMatches: * matches any run of characters; \* is a literal star and \\ a backslash. */
export function stringMatches(value: string, pattern: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]);
    } else if (c === "*") re += "[\\s\\S]*";
    else re += escapeRe(c);
  }
  return new RegExp(re + "$").test(value);
}
const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

export interface RuleTrace {
  /** Index of the matching top-level rule, or -1 for Default / no match. */
  matched: number;
  /** Why: one line per evaluated top-level rule. */
  explain: string[];
}

/** Evaluates one rule (recursively). */
export function evalRule(rule: JsonObject, roots: Roots): boolean {
  if (Array.isArray(rule.And)) return (rule.And as JsonObject[]).every((r) => evalRule(r, roots));
  if (Array.isArray(rule.Or)) return (rule.Or as JsonObject[]).some((r) => evalRule(r, roots));
  if (rule.Not && typeof rule.Not === "object") return !evalRule(rule.Not as JsonObject, roots);
  const op = operatorOf(rule);
  if (!op) throw new StatesError("States.Runtime", `Choice rule has no comparison operator: ${JSON.stringify(rule)}`);
  const varPath = rule.Variable as string;
  let value: Json | undefined;
  try {
    value = evalPath(varPath, roots);
  } catch (e) {
    if (!(e instanceof PathNotFound)) throw e;
    value = undefined;
  }
  const expected = rule[op];
  if (op === "IsPresent") return (value !== undefined) === expected;
  if (value === undefined)
    throw new StatesError("States.Runtime", `Invalid path '${varPath}': The choice state's condition path references an invalid value.`);
  switch (op) {
    case "IsNull":
      return (value === null) === expected;
    case "IsNumeric":
      return (typeof value === "number") === expected;
    case "IsString":
      return (typeof value === "string") === expected;
    case "IsBoolean":
      return (typeof value === "boolean") === expected;
    case "IsTimestamp":
      return (parseTimestamp(value) !== undefined) === expected;
    case "StringMatches":
      return typeof value === "string" && typeof expected === "string" && stringMatches(value, expected);
  }
  let other: Json = expected;
  let base = op;
  if (op.endsWith("Path")) {
    base = op.slice(0, -4);
    try {
      other = evalPath(expected as string, roots);
    } catch (e) {
      if (!(e instanceof PathNotFound)) throw e;
      throw new StatesError("States.Runtime", `Invalid path '${expected as string}': The choice state's condition path references an invalid value.`);
    }
  }
  return compare(base, value, other);
}

function compare(op: string, a: Json, b: Json): boolean {
  let x: number | string | boolean;
  let y: number | string | boolean;
  if (op.startsWith("String")) {
    if (typeof a !== "string" || typeof b !== "string") return false;
    [x, y] = [a, b];
  } else if (op.startsWith("Numeric")) {
    if (typeof a !== "number" || typeof b !== "number") return false;
    [x, y] = [a, b];
  } else if (op.startsWith("Boolean")) {
    return typeof a === "boolean" && a === b;
  } else {
    const ta = parseTimestamp(a);
    const tb = parseTimestamp(b);
    if (ta === undefined || tb === undefined) return false;
    [x, y] = [ta, tb];
  }
  const rel = op.replace(/^(String|Numeric|Timestamp)/, "");
  switch (rel) {
    case "Equals":
      return x === y;
    case "LessThan":
      return x < y;
    case "GreaterThan":
      return x > y;
    case "LessThanEquals":
      return x <= y;
    case "GreaterThanEquals":
      return x >= y;
  }
  return false;
}

/** Picks the first matching rule; explains each evaluation. */
export function chooseRule(choices: JsonObject[], roots: Roots): RuleTrace {
  const explain: string[] = [];
  for (let i = 0; i < choices.length; i++) {
    const ok = evalRule(choices[i], roots);
    explain.push(`Choices[${i}] ${ok ? "matched" : "did not match"}: ${describe(choices[i])}`);
    if (ok) return { matched: i, explain };
  }
  return { matched: -1, explain };
}

export function describe(rule: JsonObject): string {
  if (Array.isArray(rule.And)) return `(${(rule.And as JsonObject[]).map(describe).join(" AND ")})`;
  if (Array.isArray(rule.Or)) return `(${(rule.Or as JsonObject[]).map(describe).join(" OR ")})`;
  if (rule.Not) return `NOT ${describe(rule.Not as JsonObject)}`;
  const op = operatorOf(rule) ?? "?";
  return `${String(rule.Variable)} ${op} ${JSON.stringify(rule[op])}`;
}
