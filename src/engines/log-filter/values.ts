/**
 * Value comparisons shared by the JSON and the space-delimited filter patterns: string equality
 * with `*` wildcards, numeric comparisons, and `%regex%` values.
 *
 * Source: CloudWatch Logs User Guide, "Filter pattern syntax for metric filters, subscription
 * filters, filter log events, and Live Tail"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * - "You can use the asterisk '*' wildcard character to match any text at, before, or after a
 *   search term. For example, *Event will match PutEvent and GetEvent. Event* will match EventId
 *   and EventName. Ev*ent will only match the actual string Ev*ent." So `*` is a wildcard only at
 *   the start or the end of a value; in the middle it is a literal character.
 * - NUMBER: "An integer with an optional + or - sign, a decimal with an optional + or - sign, or a
 *   number in scientific notation".
 * - Regex values are surrounded with % (supported regex syntax on the same page; `(` and `)` are
 *   not supported).
 */
export type Operator = "=" | "!=" | "<" | ">" | "<=" | ">=";

export type Literal =
  | { kind: "string"; text: string; quoted: boolean }
  | { kind: "number"; text: string; value: number }
  | { kind: "regex"; source: string; re: RegExp };

export class FilterPatternSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FilterPatternSyntaxError";
  }
}

export const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `%...%`: the documented regex subset, compiled as a JavaScript regex (unanchored). */
export const compileRegex = (source: string): RegExp => {
  if (/[()]/.test(source)) throw new FilterPatternSyntaxError(`Invalid regex in filter pattern: %${source}% ('(' and ')' are not supported)`);
  // "Filter patterns with regex can only include" alphanumerics, the symbols _ # = @ / ; , - (and :)
  // and the operators ^ $ ? [ ] { } | \ * + . ("For example, %something!% would be rejected").
  const bad = /[^A-Za-z0-9_#=@/;,\-:^$?[\]{}|\\*+.]/.exec(source);
  if (bad) throw new FilterPatternSyntaxError(`Invalid regex in filter pattern: %${source}% ('${bad[0]}' is not supported)`);
  try {
    return new RegExp(source);
  } catch {
    throw new FilterPatternSyntaxError(`Invalid regex in filter pattern: %${source}%`);
  }
};

/** Builds the literal for an unquoted or quoted value token. */
export const literalOf = (raw: string, quoted: boolean): Literal => {
  if (!quoted && raw.length >= 2 && raw.startsWith("%") && raw.endsWith("%")) {
    const source = raw.slice(1, -1);
    return { kind: "regex", source, re: compileRegex(source) };
  }
  if (!quoted && NUMBER.test(raw)) return { kind: "number", text: raw, value: Number(raw) };
  return { kind: "string", text: raw, quoted };
};

/** String equality where `*` is a wildcard only at the start and/or the end. */
export const wildcardEquals = (pattern: string, value: string): boolean => {
  if (pattern === "*") return true;
  const lead = pattern.startsWith("*");
  const trail = pattern.length > 1 && pattern.endsWith("*");
  const core = pattern.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (lead && trail) return value.includes(core);
  if (lead) return value.endsWith(core);
  if (trail) return value.startsWith(core);
  return value === pattern;
};

/**
 * Compares a scalar taken from the log event (a JSON string/number/boolean, or a space-delimited
 * field's text) with a literal. Returns false when the comparison does not apply (for example
 * `>` on a non-numeric value), as a metric filter simply does not match such an event.
 */
export const compare = (value: string | number | boolean, op: Operator, lit: Literal): boolean => {
  if (lit.kind === "regex") {
    if (op !== "=" && op !== "!=") return false;
    const hit = lit.re.test(String(value));
    return op === "=" ? hit : !hit;
  }
  if (op === "<" || op === ">" || op === "<=" || op === ">=") {
    if (lit.kind !== "number") return false;
    const n = typeof value === "number" ? value : typeof value === "string" && NUMBER.test(value.trim()) ? Number(value) : NaN;
    if (Number.isNaN(n)) return false;
    switch (op) {
      case "<":
        return n < lit.value;
      case ">":
        return n > lit.value;
      case "<=":
        return n <= lit.value;
      default:
        return n >= lit.value;
    }
  }
  let eq: boolean;
  if (lit.kind === "number" && (typeof value === "number" || (typeof value === "string" && NUMBER.test(value)))) {
    eq = Number(value) === lit.value;
  } else {
    eq = wildcardEquals(lit.text, String(value));
  }
  return op === "=" ? eq : !eq;
};
