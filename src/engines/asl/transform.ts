/**
 * Data transformation of both query languages:
 *  - JSONPath payload templates (Parameters, ItemSelector, ResultSelector, Assign): keys ending
 *    in ".$" take a path ($, $$, $variable) or an intrinsic function; other values are copied,
 *    nested objects and arrays are walked.
 *  - JSONata templates: any string "{% expr %}" anywhere in a value is evaluated with the jsonata
 *    package, with $states and the workflow variables bound. jsonata is async, so this is async.
 *    $now/$millis/$random/$uuid are bound to the ports so that evaluation stays deterministic;
 *    Step Functions' own additions $partition, $range, $hash, $random, $uuid, $parse are provided.
 */
import jsonata from "jsonata";
import { createHash } from "node:crypto";
import { evalPath, PathNotFound, type Roots } from "./jsonpath.js";
import { evalIntrinsic, looksLikeIntrinsic } from "./intrinsics.js";
import { StatesError, type Json, type JsonObject, type Ports } from "./types.js";

/** Applies a JSONPath payload template. errorName: the error when a path finds nothing. */
export function applyTemplate(tpl: Json, roots: Roots, ports: Ports, field: string, errorName = "States.ParameterPathFailure"): Json {
  if (Array.isArray(tpl)) return tpl.map((x) => applyTemplate(x, roots, ports, field, errorName));
  if (tpl === null || typeof tpl !== "object") return tpl;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(tpl)) {
    if (k.endsWith(".$") && typeof v === "string") {
      out[k.slice(0, -2)] = resolveDollar(v, k, roots, ports, errorName);
    } else out[k] = applyTemplate(v, roots, ports, field, errorName);
  }
  return out;
}

/** The value of one "key.$": a path or an intrinsic function. */
export function resolveDollar(expr: string, key: string, roots: Roots, ports: Ports, errorName = "States.ParameterPathFailure"): Json {
  if (looksLikeIntrinsic(expr)) return evalIntrinsic(expr, roots, ports);
  try {
    return evalPath(expr, roots);
  } catch (e) {
    if (e instanceof PathNotFound)
      throw new StatesError(
        errorName,
        `The JSONPath '${expr}' specified for the field '${key}' could not be found in the input '${JSON.stringify(roots.input)}'`,
      );
    throw e;
  }
}

// ------------------------------------------------------------------------------------ JSONata

const compiled = new Map<string, jsonata.Expression>();

export function isJsonataExpr(v: unknown): v is string {
  return typeof v === "string" && v.startsWith("{%") && v.endsWith("%}");
}

function compile(src: string): jsonata.Expression {
  let e = compiled.get(src);
  if (!e) {
    try {
      e = jsonata(src);
    } catch (err) {
      throw new StatesError("States.QueryEvaluationError", `The JSONata expression '${src}' could not be parsed: ${(err as Error).message}`);
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(src, e);
  }
  return e;
}

export function jsonataSyntaxError(src: string): string | undefined {
  try {
    jsonata(src);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface JsonataScope {
  /** $states: input, result, errorOutput, context. */
  states: JsonObject;
  vars: JsonObject;
}

function bindings(scope: JsonataScope, ports: Ports): Record<string, unknown> {
  return {
    ...scope.vars,
    states: scope.states,
    now: () => new Date(ports.now()).toISOString(),
    millis: () => ports.now(),
    uuid: () => ports.newId(),
    random: (seed?: number) => (seed === undefined ? ports.random() : seeded(seed)),
    parse: (s: string) => JSON.parse(s) as unknown,
    hash: (data: string, alg = "SHA-256") => {
      const a = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" }[alg];
      if (!a) throw new Error(`unsupported hash algorithm ${alg}`);
      return createHash(a).update(String(data)).digest("hex");
    },
    partition: (arr: unknown[], size: number) => {
      const out: unknown[] = [];
      for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
      return out;
    },
    range: (start: number, end: number, step: number) => {
      const out: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) out.push(v);
      return out;
    },
  };
}

function seeded(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Evaluates a JSONata template (a value possibly containing "{% %}" strings). undefined = no value. */
export async function evalJsonata(tpl: Json, scope: JsonataScope, ports: Ports, field: string): Promise<Json | undefined> {
  if (isJsonataExpr(tpl)) {
    const src = tpl.slice(2, -2);
    const expr = compile(src);
    let v: unknown;
    try {
      v = await expr.evaluate(scope.states.input, bindings(scope, ports));
    } catch (e) {
      const err = e as { message?: string; code?: string };
      throw new StatesError("States.QueryEvaluationError", `An error occurred while evaluating the JSONata expression '${src}' of the field '${field}': ${err.code ? err.code + " " : ""}${err.message ?? String(e)}`);
    }
    if (v === undefined) return undefined;
    if (typeof v === "function") throw new StatesError("States.QueryEvaluationError", `The JSONata expression '${src}' of the field '${field}' returned a function`);
    return JSON.parse(JSON.stringify(v)) as Json;
  }
  if (Array.isArray(tpl)) {
    const out: Json[] = [];
    for (const x of tpl) {
      const v = await evalJsonata(x, scope, ports, field);
      out.push(v === undefined ? null : v);
    }
    return out;
  }
  if (tpl !== null && typeof tpl === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(tpl)) {
      const r = await evalJsonata(v, scope, ports, `${field}.${k}`);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return tpl;
}

/** Like evalJsonata, but a missing value is an error (AWS: the expression returned nothing). */
export async function evalJsonataRequired(tpl: Json, scope: JsonataScope, ports: Ports, field: string): Promise<Json> {
  const v = await evalJsonata(tpl, scope, ports, field);
  if (v === undefined)
    throw new StatesError("States.QueryEvaluationError", `The JSONata expression of the field '${field}' returned no value (undefined)`);
  return v;
}

/** True when a value contains no "{% %}" at all (fast path: nothing to evaluate). */
export function hasJsonata(v: Json): boolean {
  if (typeof v === "string") return isJsonataExpr(v);
  if (Array.isArray(v)) return v.some(hasJsonata);
  if (v !== null && typeof v === "object") return Object.values(v).some(hasJsonata);
  return false;
}
