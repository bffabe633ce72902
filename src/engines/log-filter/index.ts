/**
 * CloudWatch Logs filter patterns, as a pure engine: compile a pattern once, test messages with it.
 * Used by FilterLogEvents (and TestMetricFilter) in src/services/logs; no I/O, no clock.
 *
 *   const f = compileFilterPattern('[v, acct, eni, src, dst, sp, dp="443", ..., action="REJECT", status]');
 *   f.test("2 123456789012 eni-1 10.0.0.1 10.0.1.5 5050 443 6 1 40 1700000000 1700000060 REJECT OK")
 *     // => { matched: true, extractedValues: { $dp: "443", ... } }
 *
 * The four documented forms (CloudWatch Logs User Guide, "Filter pattern syntax for metric filters,
 * subscription filters, filter log events, and Live Tail",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * - empty pattern: matches every event ("The filter pattern "" matches all log events");
 * - `{ ... }`: JSON patterns (json-pattern.ts);
 * - `[ ... ]`: space-delimited patterns (delimited-pattern.ts);
 * - `%regex%`: a standalone regular expression;
 * - anything else: terms. "Filter patterns are case sensitive. Enclose exact phrases and terms that
 *   include non-alphanumeric characters in double quotation marks". Every plain term must appear
 *   (AND; a term matches as a substring: "ERROR" matches "Exiting with ERRORCODE: -1" on that page);
 *   `-term` (or `- "term"`) excludes; `?term` is OR. A `?` starts an alternative that the plain terms
 *   after it join, which is how AWS's own CDK writes term groups (FilterPattern.anyTermGroup renders
 *   `?"ERROR" "MainThread" ?"WARN" "Deadlock"`); plain terms before the first `?` are required by
 *   every alternative.
 */
import { compileDelimited, delimitedRequiredSubstrings, parseDelimitedPattern, type Slot } from "./delimited-pattern.js";
import { evalJson, parseJsonPattern, type JsonExpr } from "./json-pattern.js";
import { FilterPatternSyntaxError, compileRegex } from "./values.js";

export { FilterPatternSyntaxError } from "./values.js";
export { splitFields } from "./delimited-pattern.js";

export type PatternKind = "all" | "terms" | "json" | "delimited" | "regex";

export interface MatchResult {
  matched: boolean;
  /** For space-delimited patterns: `$name` / `$position` to the field's text (TestMetricFilter's extractedValues). */
  extractedValues?: Record<string, string>;
}

export interface CompiledFilter {
  readonly pattern: string;
  readonly kind: PatternKind;
  test(message: string): MatchResult;
  /**
   * Substrings that every matching message contains (possibly none): a sound pre-filter a caller
   * may push down (e.g. into SQL) before calling test().
   */
  readonly requiredSubstrings: readonly string[];
}

interface Term {
  text: string;
  regex?: RegExp;
}

interface TermsPattern {
  required: Term[];
  excluded: Term[];
  alternatives: Term[][];
}

const termHit = (t: Term, message: string): boolean => (t.regex ? t.regex.test(message) : message.includes(t.text));

const parseTerms = (src: string): TermsPattern => {
  const out: TermsPattern = { required: [], excluded: [], alternatives: [] };
  let i = 0;
  let pendingMinus = false;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    let mode: "and" | "not" | "or" = pendingMinus ? "not" : "and";
    pendingMinus = false;
    if (c === "-" || c === "?") {
      mode = c === "-" ? "not" : "or";
      i++;
      if (i >= src.length || /\s/.test(src[i])) {
        if (mode === "not") { pendingMinus = true; continue; }
        throw new FilterPatternSyntaxError("Invalid filter pattern: '?' must precede a term");
      }
    }
    let term: Term;
    if (src[i] === '"') {
      let j = i + 1;
      let text = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\\" && j + 1 < src.length) { text += src[j + 1]; j += 2; continue; }
        text += src[j++];
      }
      if (j >= src.length) throw new FilterPatternSyntaxError("Unterminated quoted string in filter pattern");
      term = { text };
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !/\s/.test(src[j])) j++;
      const word = src.slice(i, j);
      term = word.length >= 2 && word.startsWith("%") && word.endsWith("%") ? { text: word, regex: compileRegex(word.slice(1, -1)) } : { text: word };
      i = j;
    }
    if (mode === "not") out.excluded.push(term);
    else if (mode === "or") out.alternatives.push([term]);
    else if (out.alternatives.length) out.alternatives[out.alternatives.length - 1].push(term);
    else out.required.push(term);
  }
  if (pendingMinus) throw new FilterPatternSyntaxError("Invalid filter pattern: '-' must precede a term");
  return out;
};

const matchTerms = (p: TermsPattern, message: string): boolean =>
  p.required.every((t) => termHit(t, message)) &&
  !p.excluded.some((t) => termHit(t, message)) &&
  (p.alternatives.length === 0 || p.alternatives.some((alt) => alt.every((t) => termHit(t, message))));

/** Compiles a filter pattern; throws FilterPatternSyntaxError when it is not valid. */
export const compileFilterPattern = (pattern: string | undefined): CompiledFilter => {
  const src = (pattern ?? "").trim();
  const raw = pattern ?? "";
  if (src === "") return { pattern: raw, kind: "all", test: () => ({ matched: true }), requiredSubstrings: [] };
  if (src.startsWith("{")) {
    if (!src.endsWith("}")) throw new FilterPatternSyntaxError("Invalid filter pattern: a JSON pattern must end with '}'");
    const expr: JsonExpr = parseJsonPattern(src.slice(1, -1));
    return {
      pattern: raw,
      kind: "json",
      requiredSubstrings: [],
      test: (message) => {
        let doc: unknown;
        try {
          doc = JSON.parse(message);
        } catch {
          return { matched: false };
        }
        if (doc === null || typeof doc !== "object") return { matched: false };
        return { matched: evalJson(expr, doc) };
      },
    };
  }
  if (src.startsWith("[")) {
    if (!src.endsWith("]")) throw new FilterPatternSyntaxError("Invalid filter pattern: a space-delimited pattern must end with ']'");
    const slots: Slot[] = parseDelimitedPattern(src.slice(1, -1));
    const match = compileDelimited(slots);
    return {
      pattern: raw,
      kind: "delimited",
      requiredSubstrings: delimitedRequiredSubstrings(slots),
      test: (message) => {
        const extracted = match(message);
        return extracted ? { matched: true, extractedValues: extracted } : { matched: false };
      },
    };
  }
  if (src.length >= 2 && src.startsWith("%") && src.endsWith("%") && !/\s/.test(src)) {
    const re = compileRegex(src.slice(1, -1));
    return { pattern: raw, kind: "regex", test: (message) => ({ matched: re.test(message) }), requiredSubstrings: [] };
  }
  const terms = parseTerms(src);
  return {
    pattern: raw,
    kind: "terms",
    test: (message) => ({ matched: matchTerms(terms, message) }),
    requiredSubstrings: terms.required.filter((t) => !t.regex && t.text.length).map((t) => t.text),
  };
};
