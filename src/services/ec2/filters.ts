/**
 * EC2's `Filter.N.Name` / `Filter.N.Value.M` semantics, reusable by every Describe* operation.
 *
 * As the EC2 API Reference describes filtering
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html#Filtering_Resources_CLI):
 * - several filters are ANDed; the values of one filter are ORed;
 * - values are case-sensitive and may use the wildcards `*` (any run of characters) and `?`
 *   (exactly one character); a backslash escapes a literal `*`, `?` or `\`;
 * - `tag:<key>` matches resources with that tag key and one of the values; `tag-key` matches the
 *   key alone; `tag-value` matches any tag's value.
 * - an unknown filter name is an error: InvalidParameterValue "The filter '<name>' is invalid".
 *
 * Each operation declares its filters as a table from filter name to a field extractor.
 */
import type { AwsError } from "../../core/index.js";
import { ec2Errors } from "./errors.js";

export interface Ec2Filter {
  Name?: string | undefined;
  Values?: string[] | undefined;
}

export interface Ec2Tag {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** A filter's value(s) for an item: a string, a list (any element may match), or absent. */
export type FilterValue = string | number | boolean | readonly (string | number | boolean)[] | undefined | null;

export type FilterTable<T> = Readonly<Record<string, (item: T) => FilterValue>>;

export interface FilterOptions<T> {
  /** When set, `tag:<key>`, `tag-key` and `tag-value` are supported through this accessor. */
  tags?: (item: T) => readonly Ec2Tag[] | undefined;
  /** Factory for the unknown-filter error (defaults to EC2's InvalidParameterValue). */
  unknownFilter?: (name: string) => AwsError;
}

type Token = { kind: "char"; c: string } | { kind: "one" } | { kind: "any" };

/** Splits an EC2 filter value into literal characters and the `*` / `?` wildcards. */
const tokenize = (pattern: string): Token[] => {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length && "*?\\".includes(pattern[i + 1])) tokens.push({ kind: "char", c: pattern[++i] });
    else if (c === "*") {
      if (tokens.at(-1)?.kind !== "any") tokens.push({ kind: "any" }); // runs of * mean one *
    } else if (c === "?") tokens.push({ kind: "one" });
    else tokens.push({ kind: "char", c });
  }
  return tokens;
};

/**
 * Whether text matches an EC2 filter value with `*` and `?` wildcards. A linear-space matcher
 * with single-star backtracking (no RegExp: values can be tens of thousands of characters long).
 */
export const wildcardMatch = (pattern: string, text: string): boolean => {
  if (!pattern.includes("*") && !pattern.includes("?") && !pattern.includes("\\")) return pattern === text;
  const p = tokenize(pattern);
  let ti = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (ti < text.length) {
    const tok = p[pi];
    if (tok && (tok.kind === "one" || (tok.kind === "char" && tok.c === text[ti]))) {
      ti++;
      pi++;
    } else if (tok && tok.kind === "any") {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (p[pi]?.kind === "any") pi++;
  return pi === p.length;
};

export const matchesAny = (actual: FilterValue, patterns: readonly string[]): boolean => {
  if (actual === undefined || actual === null) return false;
  const values = (Array.isArray(actual) ? actual : [actual]).map(String);
  return patterns.some((p) => values.some((v) => wildcardMatch(p, v)));
};

/** A predicate for one item, or throws the unknown-filter error before any item is read. */
export const compileFilters = <T>(
  filters: readonly Ec2Filter[] | undefined,
  table: FilterTable<T>,
  options: FilterOptions<T> = {},
): ((item: T) => boolean) => {
  const unknown = options.unknownFilter ?? ec2Errors.invalidFilter;
  const checks: Array<(item: T) => boolean> = [];
  for (const f of filters ?? []) {
    const name = f.Name ?? "";
    const values = f.Values ?? [];
    if (Object.prototype.hasOwnProperty.call(table, name)) {
      const get = table[name];
      checks.push((item) => matchesAny(get(item), values));
    } else if (options.tags && name.startsWith("tag:") && name.length > 4) {
      const key = name.slice(4);
      const tags = options.tags;
      checks.push((item) => (tags(item) ?? []).some((t) => t.Key === key && matchesAny(t.Value ?? "", values)));
    } else if (options.tags && name === "tag-key") {
      const tags = options.tags;
      checks.push((item) => matchesAny((tags(item) ?? []).map((t) => t.Key ?? ""), values));
    } else if (options.tags && name === "tag-value") {
      const tags = options.tags;
      checks.push((item) => matchesAny((tags(item) ?? []).map((t) => t.Value ?? ""), values));
    } else {
      throw unknown(name);
    }
  }
  return (item) => checks.every((check) => check(item));
};

export const applyFilters = <T>(
  items: readonly T[],
  filters: readonly Ec2Filter[] | undefined,
  table: FilterTable<T>,
  options?: FilterOptions<T>,
): T[] => {
  const keep = compileFilters(filters, table, options);
  return items.filter(keep);
};
