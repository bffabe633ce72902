/**
 * Intrinsic functions of JSONPath states (AWS "Intrinsic functions for JSONPath states in Step
 * Functions"): a parser for nested calls, quoted strings with escapes (\' \\ \{ \}), numbers,
 * null, booleans and paths ($, $$ and $variable), and the 18 States.* functions.
 * Hashing uses node:crypto (deterministic). Randomness and UUIDs come from the ports.
 * Failures throw StatesError("States.IntrinsicFailure", ...).
 */
import { createHash } from "node:crypto";
import { evalPath, PathNotFound, type Roots, deepEqual } from "./jsonpath.js";
import { StatesError, type Json, type JsonObject, type Ports } from "./types.js";

export type Arg =
  | { k: "lit"; v: Json }
  | { k: "path"; path: string }
  | { k: "call"; fn: string; args: Arg[] };

export const INTRINSICS = [
  "States.Format",
  "States.StringToJson",
  "States.JsonToString",
  "States.Array",
  "States.ArrayPartition",
  "States.ArrayContains",
  "States.ArrayRange",
  "States.ArrayGetItem",
  "States.ArrayLength",
  "States.ArrayUnique",
  "States.Base64Encode",
  "States.Base64Decode",
  "States.Hash",
  "States.JsonMerge",
  "States.MathRandom",
  "States.MathAdd",
  "States.StringSplit",
  "States.UUID",
] as const;

export class IntrinsicSyntaxError extends Error {}

const cache = new Map<string, Arg>();

export function looksLikeIntrinsic(s: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(s);
}

/** Parses "States.Fn(arg, ...)". Throws IntrinsicSyntaxError. */
export function parseIntrinsic(text: string): Arg {
  const hit = cache.get(text);
  if (hit) return hit;
  let i = 0;
  const s = text;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const fail = (m: string): never => {
    throw new IntrinsicSyntaxError(`${m} at position ${i} in ${s}`);
  };
  const call = (depth: number): Arg => {
    if (depth > 10) fail("more than 10 nested intrinsic functions");
    const m = /^States\.[A-Za-z0-9]+/.exec(s.slice(i));
    if (!m) fail("expected a States.* function");
    const fn = m![0];
    if (!(INTRINSICS as readonly string[]).includes(fn)) fail(`unknown intrinsic function ${fn}`);
    i += fn.length;
    ws();
    if (s[i] !== "(") fail("expected (");
    i++;
    const args: Arg[] = [];
    ws();
    if (s[i] === ")") {
      i++;
      return { k: "call", fn, args };
    }
    for (;;) {
      ws();
      args.push(arg(depth));
      ws();
      if (s[i] === ",") {
        i++;
        continue;
      }
      if (s[i] === ")") {
        i++;
        return { k: "call", fn, args };
      }
      fail("expected , or )");
    }
  };
  const arg = (depth: number): Arg => {
    const c = s[i];
    if (c === "'") {
      i++;
      let out = "";
      while (i < s.length && s[i] !== "'") {
        if (s[i] === "\\" && i + 1 < s.length) {
          const n = s[i + 1];
          // \' and \\ are unescaped here; \{ and \} stay escaped for States.Format to see.
          out += n === "'" || n === "\\" ? n : "\\" + n;
          i += 2;
        } else out += s[i++];
      }
      if (s[i] !== "'") fail("unterminated string");
      i++;
      return { k: "lit", v: out };
    }
    if (c === "$") {
      const start = i;
      let br = 0;
      let q: string | null = null;
      while (i < s.length) {
        const d = s[i];
        if (q) {
          if (d === "\\") i++;
          else if (d === q) q = null;
        } else if (d === "'" || d === '"') q = d;
        else if (d === "[" || d === "(") br++;
        else if (d === "]" || (d === ")" && br > 0)) br--;
        else if ((d === "," || d === ")") && br === 0) break;
        i++;
      }
      return { k: "path", path: s.slice(start, i).trim() };
    }
    if (s.startsWith("States.", i)) return call(depth + 1);
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|null|true|false)/.exec(s.slice(i));
    if (!m) fail("unexpected argument");
    i += m![0].length;
    return { k: "lit", v: JSON.parse(m![0]) as Json };
  };
  ws();
  const out = call(0);
  ws();
  if (i !== s.length) fail("unexpected text after the call");
  if (cache.size > 2000) cache.clear();
  cache.set(text, out);
  return out;
}

const fail = (msg: string): never => {
  throw new StatesError("States.IntrinsicFailure", msg);
};

const typeName = (v: Json) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

function needArgs(fn: string, args: Json[], min: number, max = min) {
  if (args.length < min || args.length > max)
    fail(`The function ${fn} needs ${min === max ? `exactly ${min}` : `${min} to ${max}`} argument(s), got ${args.length}`);
}
function needType(fn: string, v: Json, t: "string" | "number" | "array" | "object" | "integer" | "boolean", pos: number) {
  const ok =
    t === "array" ? Array.isArray(v) : t === "object" ? v !== null && typeof v === "object" && !Array.isArray(v) : t === "integer" ? Number.isInteger(v) : typeof v === t;
  if (!ok) fail(`The ${ordinal(pos)} argument of ${fn} must be of type ${t}, got ${typeName(v)} (${JSON.stringify(v)})`);
}
const ordinal = (n: number) => ["first", "second", "third", "fourth"][n] ?? `#${n + 1}`;

/** Evaluates an intrinsic call string against the roots. */
export function evalIntrinsic(text: string, roots: Roots, ports: Ports): Json {
  let parsed: Arg;
  try {
    parsed = parseIntrinsic(text);
  } catch (e) {
    return fail(`Invalid intrinsic function: ${(e as Error).message}`);
  }
  return evalArg(parsed, roots, ports);
}

function evalArg(a: Arg, roots: Roots, ports: Ports): Json {
  if (a.k === "lit") return a.v;
  if (a.k === "path") {
    try {
      return evalPath(a.path, roots);
    } catch (e) {
      if (e instanceof PathNotFound) return fail(`The JsonPath ${a.path} could not be found in the input`);
      throw e;
    }
  }
  const args = a.args.map((x) => evalArg(x, roots, ports));
  return apply(a.fn, args, ports);
}

function apply(fn: string, args: Json[], ports: Ports): Json {
  switch (fn) {
    case "States.Format": {
      if (args.length < 1) fail("States.Format needs a template");
      needType(fn, args[0], "string", 0);
      const tpl = args[0] as string;
      let out = "";
      let n = 1;
      for (let i = 0; i < tpl.length; i++) {
        const c = tpl[i];
        if (c === "\\" && (tpl[i + 1] === "{" || tpl[i + 1] === "}" || tpl[i + 1] === "\\" || tpl[i + 1] === "'")) {
          out += tpl[++i];
        } else if (c === "{" && tpl[i + 1] === "}") {
          if (n >= args.length) fail(`States.Format: the template has more {} than arguments (${args.length - 1})`);
          const v = args[n++];
          if (v !== null && typeof v === "object") fail(`States.Format arguments must be string, number, boolean or null, got ${typeName(v)}`);
          out += v === null ? "null" : String(v);
          i++;
        } else out += c;
      }
      if (n !== args.length) fail(`States.Format: ${args.length - 1} arguments for ${n - 1} placeholders`);
      return out;
    }
    case "States.StringToJson": {
      needArgs(fn, args, 1);
      needType(fn, args[0], "string", 0);
      try {
        return JSON.parse(args[0] as string) as Json;
      } catch {
        return fail(`States.StringToJson: the argument is not valid JSON: ${args[0] as string}`);
      }
    }
    case "States.JsonToString":
      needArgs(fn, args, 1);
      return JSON.stringify(args[0]);
    case "States.Array":
      return args;
    case "States.ArrayPartition": {
      needArgs(fn, args, 2);
      needType(fn, args[0], "array", 0);
      needType(fn, args[1], "integer", 1);
      const arr = args[0] as Json[];
      const size = args[1] as number;
      if (size <= 0) fail("States.ArrayPartition: the chunk size must be greater than 0");
      const out: Json[] = [];
      for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
      return out;
    }
    case "States.ArrayContains":
      needArgs(fn, args, 2);
      needType(fn, args[0], "array", 0);
      return (args[0] as Json[]).some((x) => deepEqual(x, args[1]));
    case "States.ArrayRange": {
      needArgs(fn, args, 3);
      args.forEach((x, i) => needType(fn, x, "integer", i));
      const [start, end, step] = args as number[];
      if (step === 0) fail("States.ArrayRange: the step must not be 0");
      const out: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
        out.push(v);
        if (out.length > 1000) fail("States.ArrayRange: the result has more than 1000 items");
      }
      return out;
    }
    case "States.ArrayGetItem": {
      needArgs(fn, args, 2);
      needType(fn, args[0], "array", 0);
      needType(fn, args[1], "integer", 1);
      const arr = args[0] as Json[];
      const i = args[1] as number;
      if (i < 0 || i >= arr.length) fail(`States.ArrayGetItem: index ${i} is out of bounds (length ${arr.length})`);
      return arr[i];
    }
    case "States.ArrayLength":
      needArgs(fn, args, 1);
      needType(fn, args[0], "array", 0);
      return (args[0] as Json[]).length;
    case "States.ArrayUnique": {
      needArgs(fn, args, 1);
      needType(fn, args[0], "array", 0);
      const out: Json[] = [];
      for (const x of args[0] as Json[]) if (!out.some((y) => deepEqual(x, y))) out.push(x);
      return out;
    }
    case "States.Base64Encode": {
      needArgs(fn, args, 1);
      needType(fn, args[0], "string", 0);
      if ((args[0] as string).length > 10000) fail("States.Base64Encode: the input is longer than 10000 characters");
      return Buffer.from(args[0] as string, "utf8").toString("base64");
    }
    case "States.Base64Decode": {
      needArgs(fn, args, 1);
      needType(fn, args[0], "string", 0);
      const s = args[0] as string;
      if (s.length > 10000) fail("States.Base64Decode: the input is longer than 10000 characters");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) fail("States.Base64Decode: the input is not valid base64");
      return Buffer.from(s, "base64").toString("utf8");
    }
    case "States.Hash": {
      needArgs(fn, args, 2);
      needType(fn, args[1], "string", 1);
      const alg = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" }[args[1] as string];
      if (!alg) return fail(`States.Hash: unsupported algorithm ${String(args[1])}; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512`);
      const data = typeof args[0] === "string" ? args[0] : JSON.stringify(args[0]);
      if (data.length > 10000) fail("States.Hash: the input is longer than 10000 characters");
      return createHash(alg).update(data, "utf8").digest("hex");
    }
    case "States.JsonMerge": {
      needArgs(fn, args, 3);
      needType(fn, args[0], "object", 0);
      needType(fn, args[1], "object", 1);
      // AWS: "the third argument ... must be false (shallow merge)"; deep merge is not supported.
      if (args[2] !== false) fail("States.JsonMerge: only shallow merge is supported; the third argument must be false");
      return { ...(args[0] as JsonObject), ...(args[1] as JsonObject) };
    }
    case "States.MathRandom": {
      needArgs(fn, args, 2, 3);
      needType(fn, args[0], "integer", 0);
      needType(fn, args[1], "integer", 1);
      const [start, end] = args as number[];
      let r: number;
      if (args.length === 3) {
        needType(fn, args[2], "integer", 2);
        r = mulberry32(args[2] as number);
      } else r = ports.random();
      return start + Math.floor(r * (end - start));
    }
    case "States.MathAdd":
      needArgs(fn, args, 2);
      needType(fn, args[0], "number", 0);
      needType(fn, args[1], "number", 1);
      return (args[0] as number) + (args[1] as number);
    case "States.StringSplit": {
      needArgs(fn, args, 2);
      needType(fn, args[0], "string", 0);
      needType(fn, args[1], "string", 1);
      const delims = new Set((args[1] as string).split(""));
      const out: string[] = [];
      let cur = "";
      for (const c of args[0] as string) {
        if (delims.has(c)) {
          if (cur) out.push(cur);
          cur = "";
        } else cur += c;
      }
      if (cur) out.push(cur);
      return out;
    }
    case "States.UUID":
      needArgs(fn, args, 0);
      return ports.newId();
  }
  return fail(`Unknown intrinsic function ${fn}`);
}

/** Deterministic [0,1) from a seed (States.MathRandom with a seed). */
function mulberry32(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
