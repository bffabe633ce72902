/**
 * The JSONPath subset that Amazon States Language uses (AWS runs Jayway JsonPath):
 *   roots   $ (input), $$ (context object), $name (a workflow variable, see "Passing data
 *           between states with variables"), $states (reserved variable)
 *   steps   .field  ['field']  ["field"]  [n]  [-n]  [*]  .*  [a,b]  ['a','b']  [start:end:step]
 *           ..field  ..*  [?(@.x == 1)] (==, !=, <, <=, >, >=, =~ not supported, && and ||, bare @.x)
 * A path without *, .., unions, slices or filters is "definite": it yields one value or fails.
 * An indefinite path yields the array of all matches (possibly empty), as Jayway does.
 *
 * Reference paths (ResultPath, ItemsPath restrictions) are definite paths of .field and [n] only.
 * Not supported: functions (.length()), filter operators beyond comparisons.
 */
import type { Json, JsonObject } from "./types.js";

export type Seg =
  | { t: "field"; name: string }
  | { t: "index"; i: number }
  | { t: "wild" }
  | { t: "deep"; name: string | null } // ..name, or ..* when name is null
  | { t: "union"; keys: (string | number)[] }
  | { t: "slice"; start: number | null; end: number | null; step: number }
  | { t: "filter"; expr: Filter };

export type Filter =
  | { op: "and" | "or"; l: Filter; r: Filter }
  | { op: "exists"; path: Seg[] }
  | { op: "==" | "!=" | "<" | "<=" | ">" | ">="; path: Seg[]; value: Json };

export interface ParsedPath {
  root: "$" | "$$" | { variable: string };
  segs: Seg[];
  definite: boolean;
  /** Only .field and [n]: allowed in ResultPath. */
  reference: boolean;
  text: string;
}

export class PathSyntaxError extends Error {}

const cache = new Map<string, ParsedPath>();

/** Parses (and memoizes) a path. Throws PathSyntaxError. */
export function parsePath(text: string): ParsedPath {
  const hit = cache.get(text);
  if (hit) return hit;
  const p = new Parser(text).parse();
  if (cache.size > 5000) cache.clear();
  cache.set(text, p);
  return p;
}

export function isValidPath(text: unknown): boolean {
  if (typeof text !== "string") return false;
  try {
    parsePath(text);
    return true;
  } catch {
    return false;
  }
}

export function isReferencePath(text: unknown): boolean {
  if (typeof text !== "string") return false;
  try {
    const p = parsePath(text);
    return p.reference && p.root === "$";
  } catch {
    return false;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): ParsedPath {
    const s = this.s;
    if (s[0] !== "$") throw new PathSyntaxError(`path must start with $: ${s}`);
    let root: ParsedPath["root"] = "$";
    this.i = 1;
    if (s[1] === "$") {
      root = "$$";
      this.i = 2;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(1));
      if (m) {
        root = { variable: m[0] };
        this.i = 1 + m[0].length;
      }
    }
    const segs: Seg[] = [];
    while (this.i < s.length) segs.push(this.seg());
    const definite = segs.every((g) => g.t === "field" || g.t === "index");
    return { root, segs, definite, reference: definite, text: s };
  }

  private seg(): Seg {
    const s = this.s;
    if (s.startsWith("..", this.i)) {
      this.i += 2;
      if (s[this.i] === "*") {
        this.i++;
        return { t: "deep", name: null };
      }
      const name = this.name();
      if (!name) throw new PathSyntaxError(`empty name after .. in ${s}`);
      return { t: "deep", name };
    }
    if (s[this.i] === ".") {
      this.i++;
      if (s[this.i] === "*") {
        this.i++;
        return { t: "wild" };
      }
      const name = this.name();
      if (!name) throw new PathSyntaxError(`empty field name in ${s}`);
      return { t: "field", name };
    }
    if (s[this.i] === "[") {
      this.i++;
      const seg = this.bracket();
      this.skipWs();
      if (s[this.i] !== "]") throw new PathSyntaxError(`expected ] at ${this.i} in ${s}`);
      this.i++;
      return seg;
    }
    throw new PathSyntaxError(`unexpected '${s[this.i]}' at ${this.i} in ${s}`);
  }

  private name(): string {
    const s = this.s;
    const start = this.i;
    while (this.i < s.length && s[this.i] !== "." && s[this.i] !== "[") this.i++;
    return s.slice(start, this.i);
  }

  private skipWs(): void {
    while (this.s[this.i] === " ") this.i++;
  }

  private bracket(): Seg {
    const s = this.s;
    this.skipWs();
    if (s[this.i] === "*") {
      this.i++;
      return { t: "wild" };
    }
    if (s[this.i] === "?") {
      this.i++;
      this.skipWs();
      if (s[this.i] !== "(") throw new PathSyntaxError(`expected ( after ? in ${s}`);
      this.i++;
      const expr = this.filterOr();
      this.skipWs();
      if (s[this.i] !== ")") throw new PathSyntaxError(`expected ) in filter of ${s}`);
      this.i++;
      return { t: "filter", expr };
    }
    const keys: (string | number)[] = [];
    // slice?
    const rest = s.slice(this.i);
    const sl = /^(-?\d*)\s*:\s*(-?\d*)\s*(?::\s*(-?\d+))?\s*(?=\])/.exec(rest);
    if (sl) {
      this.i += sl[0].length;
      return {
        t: "slice",
        start: sl[1] === "" ? null : Number(sl[1]),
        end: sl[2] === "" ? null : Number(sl[2]),
        step: sl[3] === undefined ? 1 : Number(sl[3]),
      };
    }
    for (;;) {
      this.skipWs();
      const c = s[this.i];
      if (c === "'" || c === '"') keys.push(this.quoted(c));
      else {
        const m = /^-?\d+/.exec(s.slice(this.i));
        if (!m) throw new PathSyntaxError(`bad bracket expression at ${this.i} in ${s}`);
        this.i += m[0].length;
        keys.push(Number(m[0]));
      }
      this.skipWs();
      if (s[this.i] === ",") {
        this.i++;
        continue;
      }
      break;
    }
    if (keys.length === 1) return typeof keys[0] === "number" ? { t: "index", i: keys[0] } : { t: "field", name: keys[0] as string };
    return { t: "union", keys };
  }

  private quoted(q: string): string {
    const s = this.s;
    this.i++;
    let out = "";
    while (this.i < s.length && s[this.i] !== q) {
      if (s[this.i] === "\\" && this.i + 1 < s.length) {
        out += s[this.i + 1];
        this.i += 2;
      } else out += s[this.i++];
    }
    if (s[this.i] !== q) throw new PathSyntaxError(`unterminated string in ${s}`);
    this.i++;
    return out;
  }

  private filterOr(): Filter {
    let l = this.filterAnd();
    for (;;) {
      this.skipWs();
      if (this.s.startsWith("||", this.i)) {
        this.i += 2;
        l = { op: "or", l, r: this.filterAnd() };
      } else return l;
    }
  }

  private filterAnd(): Filter {
    let l = this.filterAtom();
    for (;;) {
      this.skipWs();
      if (this.s.startsWith("&&", this.i)) {
        this.i += 2;
        l = { op: "and", l, r: this.filterAtom() };
      } else return l;
    }
  }

  private filterAtom(): Filter {
    const s = this.s;
    this.skipWs();
    if (s[this.i] === "(") {
      this.i++;
      const f = this.filterOr();
      this.skipWs();
      if (s[this.i] !== ")") throw new PathSyntaxError(`expected ) in ${s}`);
      this.i++;
      return f;
    }
    if (s[this.i] !== "@") throw new PathSyntaxError(`filter must start with @ in ${s}`);
    this.i++;
    const segs: Seg[] = [];
    while (s[this.i] === "." || s[this.i] === "[") {
      if (s[this.i] === ".") {
        this.i++;
        const start = this.i;
        while (this.i < s.length && /[^.\[\s=!<>)&|]/.test(s[this.i])) this.i++;
        segs.push({ t: "field", name: s.slice(start, this.i) });
      } else segs.push(this.seg());
    }
    this.skipWs();
    const m = /^(==|!=|<=|>=|<|>)/.exec(s.slice(this.i));
    if (!m) return { op: "exists", path: segs };
    this.i += m[1].length;
    this.skipWs();
    let value: Json;
    const c = s[this.i];
    if (c === "'" || c === '"') value = this.quoted(c);
    else {
      const lit = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(s.slice(this.i));
      if (!lit) throw new PathSyntaxError(`bad literal in filter of ${s}`);
      this.i += lit[0].length;
      value = JSON.parse(lit[0]) as Json;
    }
    return { op: m[1] as "==", path: segs, value };
  }
}

/** Thrown when a definite path finds nothing. */
export class PathNotFound extends Error {
  constructor(public readonly path: string) {
    super(`No results for path: ${path}`);
  }
}

export interface Roots {
  input: Json;
  context?: () => Json;
  variable?: (name: string) => Json | undefined;
}

function rootValue(p: ParsedPath, roots: Roots): Json | undefined {
  if (p.root === "$") return roots.input;
  if (p.root === "$$") return roots.context ? roots.context() : undefined;
  return roots.variable ? roots.variable(p.root.variable) : undefined;
}

/** Evaluates a path. Definite paths throw PathNotFound when nothing matches. */
export function evalPath(path: string | ParsedPath, roots: Roots): Json {
  const p = typeof path === "string" ? parsePath(path) : path;
  const root = rootValue(p, roots);
  if (p.definite) {
    if (root === undefined) throw new PathNotFound(p.text);
    let cur: Json = root;
    for (const g of p.segs) {
      const next = step1(cur, g);
      if (next === undefined) throw new PathNotFound(p.text);
      cur = next;
    }
    return cur;
  }
  if (root === undefined) return [];
  return select([root], p.segs);
}

/** Like evalPath but returns undefined instead of throwing (IsPresent, optional fields). */
export function tryEvalPath(path: string, roots: Roots): Json | undefined {
  try {
    return evalPath(path, roots);
  } catch (e) {
    if (e instanceof PathNotFound) return undefined;
    throw e;
  }
}

function step1(cur: Json, g: Seg): Json | undefined {
  if (g.t === "field") {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    return Object.prototype.hasOwnProperty.call(cur, g.name) ? cur[g.name] : undefined;
  }
  if (g.t === "index") {
    if (!Array.isArray(cur)) return undefined;
    const i = g.i < 0 ? cur.length + g.i : g.i;
    return i >= 0 && i < cur.length ? cur[i] : undefined;
  }
  return undefined;
}

function children(v: Json): Json[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === "object") return Object.values(v);
  return [];
}

function select(nodes: Json[], segs: Seg[]): Json[] {
  let cur = nodes;
  for (const g of segs) {
    const out: Json[] = [];
    for (const n of cur) {
      switch (g.t) {
        case "field":
        case "index": {
          const v = step1(n, g);
          if (v !== undefined) out.push(v);
          break;
        }
        case "wild":
          out.push(...children(n));
          break;
        case "union":
          for (const k of g.keys) {
            const v = step1(n, typeof k === "number" ? { t: "index", i: k } : { t: "field", name: k });
            if (v !== undefined) out.push(v);
          }
          break;
        case "slice": {
          if (!Array.isArray(n)) break;
          const len = n.length;
          const norm = (x: number) => (x < 0 ? Math.max(0, len + x) : Math.min(x, len));
          const start = g.start === null ? 0 : norm(g.start);
          const end = g.end === null ? len : norm(g.end);
          for (let i = start; i < end; i += Math.max(1, g.step)) out.push(n[i]);
          break;
        }
        case "deep": {
          const visit = (v: Json) => {
            if (g.name === null) out.push(...children(v));
            else {
              const x = step1(v, { t: "field", name: g.name });
              if (x !== undefined) out.push(x);
            }
            for (const c of children(v)) if (c !== null && typeof c === "object") visit(c);
          };
          visit(n);
          break;
        }
        case "filter":
          for (const c of Array.isArray(n) ? n : children(n)) if (testFilter(g.expr, c)) out.push(c);
          break;
      }
    }
    cur = out;
  }
  return cur;
}

function testFilter(f: Filter, v: Json): boolean {
  if (f.op === "and" || f.op === "or") return f.op === "and" ? testFilter(f.l, v) && testFilter(f.r, v) : testFilter(f.l, v) || testFilter(f.r, v);
  const cmp = f as Exclude<Filter, { op: "and" | "or" }>;
  let cur: Json | undefined = v;
  for (const g of cmp.path) {
    if (cur === undefined) break;
    cur = step1(cur, g);
  }
  if (cmp.op === "exists") return cur !== undefined;
  if (cur === undefined) return false;
  const b = cmp.value;
  switch (cmp.op) {
    case "==":
      return deepEqual(cur, b);
    case "!=":
      return !deepEqual(cur, b);
    default: {
      if (!((typeof cur === "number" && typeof b === "number") || (typeof cur === "string" && typeof b === "string"))) return false;
      if (cmp.op === "<") return cur < b;
      if (cmp.op === "<=") return cur <= b;
      if (cmp.op === ">") return cur > b;
      return cur >= b;
    }
  }
}

export class ResultPathMatchFailure extends Error {}

/**
 * Writes value at a reference path inside input, copying only along the path (input is not
 * mutated). Missing objects on the way are created, as AWS does for "ResultPath": "$.a.b.c".
 */
export function setPath(input: Json, path: string, value: Json): Json {
  const p = parsePath(path);
  if (!p.reference || p.root !== "$") throw new ResultPathMatchFailure(`${path} is not a reference path`);
  const put = (cur: Json | undefined, i: number): Json => {
    if (i === p.segs.length) return value;
    const g = p.segs[i];
    if (g.t === "field") {
      if (cur === undefined) cur = {};
      if (cur === null || typeof cur !== "object" || Array.isArray(cur))
        throw new ResultPathMatchFailure(`Unable to apply step "${g.name}" to input ${JSON.stringify(cur)}`);
      const copy: JsonObject = { ...cur };
      copy[g.name] = put(cur[g.name], i + 1);
      return copy;
    }
    if (g.t === "index") {
      if (!Array.isArray(cur)) throw new ResultPathMatchFailure(`Unable to apply step "[${g.i}]" to input ${JSON.stringify(cur ?? null)}`);
      const idx = g.i < 0 ? cur.length + g.i : g.i;
      if (idx < 0 || idx >= cur.length) throw new ResultPathMatchFailure(`Index ${g.i} is out of bounds for ${JSON.stringify(cur)}`);
      const copy = cur.slice();
      copy[idx] = put(cur[idx], i + 1);
      return copy;
    }
    throw new ResultPathMatchFailure(`${path} is not a reference path`);
  };
  return put(input, 0);
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const bo = b as JsonObject;
  if (ka.length !== Object.keys(bo).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(a[k], bo[k]));
}
