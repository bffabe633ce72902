/**
 * Space-delimited filter patterns: `[ip, user, ..., status_code = 4*, bytes > 1000]`, the form
 * users filter VPC flow logs with, e.g.
 * `[version, account, eni, src, dst, srcport, dstport="443", protocol, packets, bytes, start, end, action="REJECT", status]`.
 *
 * Source: CloudWatch Logs User Guide, FilterAndPatternSyntax.html, "Using filter patterns to match
 * terms in space-delimited log events":
 * - "The characters between a pair of square brackets [] or two double quotes ("") are treated as a
 *   single field" (and the brackets or quotes are not part of the extracted value: the page's
 *   example extracts "$4": "10/Oct/2000:13:25:15 -0700");
 * - fields are named, separated by commas, in square brackets; `...` stands for any number of
 *   fields; without it the event must have exactly as many fields as the pattern (the page's
 *   `[w1=ERROR, w2]` matches "ERROR message" but not "ERROR WARN message");
 * - conditions `=`, `!=` (strings, with `*`) and `<`, `>`, `<=`, `>=`, `=`, `!=` (numbers), joined
 *   by `&&` and `||` inside one field;
 * - extracted values are `$<name>` for named fields and `$<position>` for the others (the page's
 *   example for `[..., request=*.html*, status_code=4*,]`).
 * A condition that names another declared field tests that field (`[a, b = 1 || a = 2]`); any other
 * name tests the field it is written in.
 */
import { readConditionToken, type CondToken } from "./condition-tokens.js";
import { FilterPatternSyntaxError, compare, literalOf, type Literal, type Operator } from "./values.js";

type Cond =
  | { kind: "and" | "or"; left: Cond; right: Cond }
  | { kind: "cmp"; name: string; op: Operator; value: Literal };

export type Slot = { kind: "ellipsis" } | { kind: "field"; name?: string; cond?: Cond };

/** Splits on top-level commas (outside quotes and %regex%). */
const splitTop = (body: string): string[] => {
  const parts: string[] = [];
  let cur = "";
  let quote = false;
  let regex = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      cur += c;
      if (c === "\\" && i + 1 < body.length) cur += body[++i];
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === "%") regex = !regex;
    if (c === "," && !regex) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  if (quote) throw new FilterPatternSyntaxError("Unterminated quoted string in filter pattern");
  parts.push(cur);
  return parts;
};

type Tok = CondToken;

const tokenizeCond = (src: string): Tok[] => {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    if (/\s/.test(src[i])) {
      i++;
      continue;
    }
    const [tok, next] = readConditionToken(src, i, /[\s=!<>&|"]/);
    out.push(tok);
    i = next;
  }
  return out;
};

const parseSlot = (raw: string): Slot => {
  const text = raw.trim();
  if (text === "...") return { kind: "ellipsis" };
  if (text === "") return { kind: "field" };
  const toks = tokenizeCond(text);
  if (toks.length === 1 && toks[0].t === "word" && !toks[0].quoted) return { kind: "field", name: toks[0].v };
  let pos = 0;
  const cmp = (): Cond => {
    const name = toks[pos++];
    const op = toks[pos++];
    const val = toks[pos++];
    if (name?.t !== "word" || op?.t !== "op" || val?.t !== "word") throw new FilterPatternSyntaxError(`Invalid field condition: ${text}`);
    return { kind: "cmp", name: name.v, op: op.v, value: literalOf(val.v, val.quoted) };
  };
  const and = (): Cond => {
    let left = cmp();
    while (toks[pos]?.t === "and") { pos++; left = { kind: "and", left, right: cmp() }; }
    return left;
  };
  let cond = and();
  while (toks[pos]?.t === "or") { pos++; cond = { kind: "or", left: cond, right: and() }; }
  if (pos !== toks.length) throw new FilterPatternSyntaxError(`Invalid field condition: ${text}`);
  const first = (c: Cond): string => (c.kind === "cmp" ? c.name : first(c.left));
  return { kind: "field", name: first(cond), cond };
};

export const parseDelimitedPattern = (body: string): Slot[] => splitTop(body).map(parseSlot);

/** Splits a log event into fields: whitespace separates; "..." and [...] are one field each. */
export const splitFields = (message: string): string[] => {
  const out: string[] = [];
  const n = message.length;
  const space = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
  let i = 0;
  while (i < n) {
    while (i < n && space(message.charCodeAt(i))) i++;
    if (i >= n) break;
    const c = message.charCodeAt(i);
    if (c === 34 /* " */ || c === 91 /* [ */) {
      const end = message.indexOf(c === 34 ? '"' : "]", i + 1);
      if (end >= 0) {
        out.push(message.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let j = i;
    while (j < n && !space(message.charCodeAt(j))) j++;
    out.push(message.slice(i, j));
    i = j;
  }
  return out;
};

const evalCond = (c: Cond, own: string, byName: Map<string, string> | undefined): boolean => {
  if (c.kind !== "cmp") {
    return c.kind === "and"
      ? evalCond(c.left, own, byName) && evalCond(c.right, own, byName)
      : evalCond(c.left, own, byName) || evalCond(c.right, own, byName);
  }
  return compare((byName && byName.get(c.name)) ?? own, c.op, c.value);
};

const condNames = (c: Cond, into: Set<string>): Set<string> => {
  if (c.kind === "cmp") into.add(c.name);
  else {
    condNames(c.left, into);
    condNames(c.right, into);
  }
  return into;
};

/**
 * A compiled space-delimited pattern: matches fields against slots and returns the extracted
 * values ($name / $position) or undefined. Without `...` the assignment is positional; with it,
 * by backtracking (each `...` takes zero or more fields) until the conditions hold.
 */
export const compileDelimited = (slots: Slot[]): ((message: string) => Record<string, string> | undefined) => {
  const hasEllipsis = slots.some((s) => s.kind === "ellipsis");
  const fixed = slots.filter((s) => s.kind === "field").length;
  // Conditions that name another declared field need the name map; most patterns do not.
  const declared = new Set(slots.flatMap((s) => (s.kind === "field" && s.name !== undefined ? [s.name] : [])));
  const crossRef = slots.some(
    (s) => s.kind === "field" && s.cond && [...condNames(s.cond, new Set())].some((nm) => nm !== s.name && declared.has(nm)),
  );
  return (message) => {
    const fields = splitFields(message);
    if (hasEllipsis ? fields.length < fixed : fields.length !== fixed) return undefined;
    const assign: number[] = new Array(slots.length).fill(-1);
    const check = (): boolean => {
      let byName: Map<string, string> | undefined;
      if (crossRef) {
        byName = new Map();
        for (let i = 0; i < slots.length; i++) {
          const s = slots[i];
          if (s.kind === "field" && s.name !== undefined) byName.set(s.name, fields[assign[i]]);
        }
      }
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i];
        if (s.kind === "field" && s.cond && !evalCond(s.cond, fields[assign[i]], byName)) return false;
      }
      return true;
    };
    const search = (si: number, fi: number): boolean => {
      if (si === slots.length) return fi === fields.length && check();
      const slot = slots[si];
      if (slot.kind === "ellipsis") {
        for (let k = fi; k <= fields.length; k++) if (search(si + 1, k)) return true;
        return false;
      }
      if (fi >= fields.length) return false;
      assign[si] = fi;
      return search(si + 1, fi + 1);
    };
    if (!search(0, 0)) return undefined;
    const out: Record<string, string> = {};
    const named = new Set<number>();
    slots.forEach((s, i) => {
      if (s.kind === "field" && s.name !== undefined) {
        out[`$${s.name}`] = fields[assign[i]];
        named.add(assign[i]);
      }
    });
    fields.forEach((f, i) => {
      if (!named.has(i)) out[`$${i + 1}`] = f;
    });
    return out;
  };
};

/**
 * Substrings every matching message contains: the text of `=` string conditions without `*` that
 * stand alone in their field (no `||`). Callers may use them as a cheap pre-filter.
 */
export const delimitedRequiredSubstrings = (slots: Slot[]): string[] => {
  const out: string[] = [];
  const walk = (c: Cond): void => {
    if (c.kind === "and") {
      walk(c.left);
      walk(c.right);
    } else if (c.kind === "cmp" && c.op === "=" && c.value.kind === "string" && !c.value.text.includes("*") && c.value.text.length) {
      out.push(c.value.text);
    }
  };
  for (const s of slots) if (s.kind === "field" && s.cond) walk(s.cond);
  return out;
};

/** One-shot form of compileDelimited. */
export const matchDelimited = (slots: Slot[], message: string): Record<string, string> | undefined => compileDelimited(slots)(message);
