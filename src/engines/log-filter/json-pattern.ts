/**
 * JSON filter patterns: `{ $.eventType = "UpdateTrail" }`, `{ $.latency > 500 }`,
 * `{ ($.a = 1) && ($.b = "x" || $.c IS NULL) }`, `{ $.x NOT EXISTS }`, `{ $.flag IS TRUE }`.
 *
 * Source: CloudWatch Logs User Guide, FilterAndPatternSyntax.html, "Using filter patterns to match
 * terms in JSON log events" (selectors start with `$`, properties are alphanumerics with '-' and
 * '_', array elements `[NUMBER]` follow a property; compound conditions with `&&` and `||` and
 * parentheses, precedence () > && > ||; IS NULL, NOT EXISTS, IS TRUE / IS FALSE).
 * Quirk reproduced: "The SELECTOR must point to a value node (string or number) in the JSON. If it
 * points to an array or object, the filter will not be applied ... both {$.users = 1} and
 * {$.users != 1} will fail to match a log event where users is an array."
 * Not done: `$.*` / `[*]` selector wildcards (not on the documented grammar).
 */
import { readConditionToken } from "./condition-tokens.js";
import { FilterPatternSyntaxError, literalOf, compare, type Literal, type Operator } from "./values.js";

type Step = { kind: "prop"; name: string } | { kind: "index"; index: number };

export type JsonExpr =
  | { kind: "and" | "or"; left: JsonExpr; right: JsonExpr }
  | { kind: "cmp"; selector: string; path: Step[]; op: Operator; value: Literal }
  | { kind: "is"; selector: string; path: Step[]; what: "NULL" | "TRUE" | "FALSE" }
  | { kind: "notExists"; selector: string; path: Step[] };

type Tok =
  | { t: "sel"; v: string }
  | { t: "op"; v: Operator }
  | { t: "and" | "or" | "lp" | "rp" }
  | { t: "word"; v: string; quoted: boolean };

const tokenize = (src: string): Tok[] => {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(") { out.push({ t: "lp" }); i++; continue; }
    if (c === ")") { out.push({ t: "rp" }); i++; continue; }
    const [tok, next] = readConditionToken(src, i, /[\s()=!<>&|"]/);
    // A bare word that starts with $ is a selector ($.field, $.list[0]).
    out.push(tok.t === "word" && !tok.quoted && tok.v.startsWith("$") ? { t: "sel", v: tok.v } : tok);
    i = next;
  }
  return out;
};

const SELECTOR_STEP = /^(?:\.([A-Za-z0-9_\-@]+)|\[(\d+)\])/;

const parseSelector = (sel: string): Step[] => {
  if (!sel.startsWith("$")) throw new FilterPatternSyntaxError(`Invalid selector ${sel}`);
  const steps: Step[] = [];
  let rest = sel.slice(1);
  while (rest.length) {
    const m = SELECTOR_STEP.exec(rest);
    if (!m) throw new FilterPatternSyntaxError(`Invalid selector ${sel}`);
    steps.push(m[1] !== undefined ? { kind: "prop", name: m[1] } : { kind: "index", index: Number(m[2]) });
    rest = rest.slice(m[0].length);
  }
  if (steps.length === 0) throw new FilterPatternSyntaxError(`Invalid selector ${sel}`);
  return steps;
};

export const parseJsonPattern = (body: string): JsonExpr => {
  const toks = tokenize(body);
  let pos = 0;
  const peek = () => toks[pos];
  const expectWord = (): Extract<Tok, { t: "word" }> => {
    const t = toks[pos++];
    if (!t || t.t !== "word") throw new FilterPatternSyntaxError("Invalid filter pattern: expected a keyword or value");
    return t;
  };
  const parseOr = (): JsonExpr => {
    let left = parseAnd();
    while (peek()?.t === "or") {
      pos++;
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): JsonExpr => {
    let left = parseUnary();
    while (peek()?.t === "and") {
      pos++;
      left = { kind: "and", left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): JsonExpr => {
    const t = toks[pos++];
    if (!t) throw new FilterPatternSyntaxError("Invalid filter pattern: unexpected end");
    if (t.t === "lp") {
      const e = parseOr();
      if (toks[pos++]?.t !== "rp") throw new FilterPatternSyntaxError("Invalid filter pattern: missing ')'");
      return e;
    }
    if (t.t !== "sel") throw new FilterPatternSyntaxError("Invalid filter pattern: expected a selector starting with $");
    const path = parseSelector(t.v);
    const next = toks[pos++];
    if (next?.t === "op") {
      const v = expectWord();
      return { kind: "cmp", selector: t.v, path, op: next.v, value: literalOf(v.v, v.quoted) };
    }
    if (next?.t === "word" && !next.quoted && next.v.toUpperCase() === "IS") {
      const w = expectWord().v.toUpperCase();
      if (w !== "NULL" && w !== "TRUE" && w !== "FALSE") throw new FilterPatternSyntaxError(`Invalid filter pattern: IS ${w}`);
      return { kind: "is", selector: t.v, path, what: w };
    }
    if (next?.t === "word" && !next.quoted && next.v.toUpperCase() === "NOT") {
      const w = expectWord().v.toUpperCase();
      if (w !== "EXISTS") throw new FilterPatternSyntaxError(`Invalid filter pattern: NOT ${w}`);
      return { kind: "notExists", selector: t.v, path };
    }
    throw new FilterPatternSyntaxError("Invalid filter pattern: expected an operator after the selector");
  };
  const e = parseOr();
  if (pos !== toks.length) throw new FilterPatternSyntaxError("Invalid filter pattern: unexpected trailing input");
  return e;
};

const MISSING = Symbol("missing");

const resolve = (doc: unknown, path: Step[]): unknown => {
  let cur: unknown = doc;
  for (const s of path) {
    if (s.kind === "prop") {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, s.name)) return MISSING;
      cur = (cur as Record<string, unknown>)[s.name];
    } else {
      if (!Array.isArray(cur) || s.index >= cur.length) return MISSING;
      cur = cur[s.index];
    }
  }
  return cur;
};

export const evalJson = (e: JsonExpr, doc: unknown): boolean => {
  switch (e.kind) {
    case "and":
      return evalJson(e.left, doc) && evalJson(e.right, doc);
    case "or":
      return evalJson(e.left, doc) || evalJson(e.right, doc);
    case "notExists":
      return resolve(doc, e.path) === MISSING;
    case "is": {
      const v = resolve(doc, e.path);
      return e.what === "NULL" ? v === null : v === (e.what === "TRUE");
    }
    case "cmp": {
      const v = resolve(doc, e.path);
      // Only value nodes compare; arrays, objects, null and missing fields match neither = nor !=.
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return false;
      return compare(v, e.op, e.value);
    }
  }
};
