/**
 * Table-driven tests of the filter pattern engine: every case under cases/ (see each file's "about").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { compileFilterPattern, FilterPatternSyntaxError } from "./index.js";

const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./cases/${name}`, import.meta.url), "utf8")) as T;

const invalid = (file: string, patterns: string[]) => {
  for (const p of patterns) {
    test(`${file}: invalid pattern ${p}`, () => assert.throws(() => compileFilterPattern(p), FilterPatternSyntaxError));
  }
};

{
  const t = load<{ cases: Array<{ name: string; pattern: string; match: string[]; noMatch: string[] }>; invalid: string[] }>("terms.json");
  for (const c of t.cases) {
    test(`terms: ${c.name}`, () => {
      const f = compileFilterPattern(c.pattern);
      for (const m of c.match) assert.equal(f.test(m).matched, true, `${c.pattern} should match ${m}`);
      for (const m of c.noMatch) assert.equal(f.test(m).matched, false, `${c.pattern} should not match ${m}`);
    });
  }
  invalid("terms", t.invalid);
}

{
  const t = load<{ documents: Record<string, unknown>; cases: Array<{ name: string; pattern: string; doc?: string; message?: string; expected: boolean }>; invalid: string[] }>("json.json");
  for (const c of t.cases) {
    test(`json: ${c.name}`, () => {
      const message = c.message ?? JSON.stringify(t.documents[c.doc!]);
      assert.equal(compileFilterPattern(c.pattern).test(message).matched, c.expected);
    });
  }
  invalid("json", t.invalid);
}

{
  const t = load<{ cases: Array<{ name: string; pattern: string; message: string; expected: boolean; extracted?: Record<string, string> }>; invalid: string[] }>("delimited.json");
  for (const c of t.cases) {
    test(`delimited: ${c.name}`, () => {
      const r = compileFilterPattern(c.pattern).test(c.message);
      assert.equal(r.matched, c.expected);
      if (c.extracted) assert.deepEqual(r.extractedValues, c.extracted);
    });
  }
  invalid("delimited", t.invalid);
}

test("kinds", () => {
  assert.equal(compileFilterPattern(undefined).kind, "all");
  assert.equal(compileFilterPattern("  ").kind, "all");
  assert.equal(compileFilterPattern("{ $.a = 1 }").kind, "json");
  assert.equal(compileFilterPattern("[a, b]").kind, "delimited");
  assert.equal(compileFilterPattern("%a+%").kind, "regex");
  assert.equal(compileFilterPattern("a b").kind, "terms");
});

test("requiredSubstrings is a sound pre-filter on every case that matches", () => {
  const check = (pattern: string, message: string) => {
    const f = compileFilterPattern(pattern);
    if (f.test(message).matched) for (const s of f.requiredSubstrings) assert.ok(message.includes(s), `${pattern} requires ${s} but matched ${message}`);
  };
  const terms = load<{ cases: Array<{ pattern: string; match: string[] }> }>("terms.json");
  for (const c of terms.cases) for (const m of c.match) check(c.pattern, m);
  const delimited = load<{ cases: Array<{ pattern: string; message: string }> }>("delimited.json");
  for (const c of delimited.cases) check(c.pattern, c.message);
  assert.deepEqual(compileFilterPattern('[..., dstport="443", action="REJECT" || action="X", status=OK]').requiredSubstrings, ["443", "OK"]);
  assert.deepEqual(compileFilterPattern("ERROR -WARN ?x").requiredSubstrings, ["ERROR"]);
});
