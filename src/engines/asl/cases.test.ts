/**
 * Table-driven tests: every file under cases/ is a list of named cases (see each file's "about").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { evalPath, PathNotFound, PathSyntaxError } from "./jsonpath.js";
import { evalIntrinsic } from "./intrinsics.js";
import { evalRule } from "./choice.js";
import { validateDefinition, formatInvalidDefinition } from "./validate.js";
import { runExecution } from "./driver.js";
import { StatesError, type Json, type JsonObject, type Ports } from "./types.js";

const load = <T>(name: string): T[] => (JSON.parse(readFileSync(new URL(`./cases/${name}`, import.meta.url), "utf8")) as { cases: T[] }).cases;

const context = { Execution: { Name: "exec-name" } };
const ports = (): Ports => {
  let n = 0;
  return { now: () => 0, newId: () => `uuid-${++n}`, random: () => 0.5 };
};

interface PathCase { name: string; path: string; input: Json; expected?: Json; error?: "notFound" | "syntax" }
for (const c of load<PathCase>("jsonpath.json")) {
  test(`jsonpath: ${c.name}`, () => {
    if (c.error) {
      assert.throws(() => evalPath(c.path, { input: c.input }), c.error === "notFound" ? PathNotFound : PathSyntaxError);
    } else assert.deepEqual(evalPath(c.path, { input: c.input }), c.expected);
  });
}

interface IntrinsicCase { name: string; expr: string; input: Json; expected?: Json; error?: string }
for (const c of load<IntrinsicCase>("intrinsics.json")) {
  test(`intrinsic: ${c.name}`, () => {
    const run = () => evalIntrinsic(c.expr, { input: c.input, context: () => context }, ports());
    if (c.error) {
      assert.throws(run, (e: unknown) => e instanceof StatesError && e.error === c.error);
    } else assert.deepEqual(run(), c.expected);
  });
}

interface ChoiceCase { name: string; rule: JsonObject; input: Json; expected?: boolean; error?: string }
for (const c of load<ChoiceCase>("choice.json")) {
  test(`choice: ${c.name}`, () => {
    const run = () => evalRule(c.rule, { input: c.input, context: () => context });
    if (c.error) assert.throws(run, (e: unknown) => e instanceof StatesError && e.error === c.error);
    else assert.equal(run(), c.expected);
  });
}

interface IoCase { name: string; state: JsonObject; input: Json; result?: Json; failTask?: boolean; expected?: Json; error?: string }
for (const c of load<IoCase>("io.json")) {
  test(`io: ${c.name}`, async () => {
    const state = { ...c.state };
    if (!["Choice", "Succeed", "Fail"].includes(state.Type as string)) state.End = true;
    const def: JsonObject = { StartAt: "S", States: { S: state, Done: { Type: "Pass", End: true } } };
    const run = await runExecution(def, c.input, {
      context: { name: "exec-name" },
      handler: ({ effect }) => {
        if (c.failTask) {
          const r = c.result as { error: string; cause: string };
          return { error: r.error, cause: r.cause };
        }
        return { output: c.result === "echo-input" ? effect.input : (c.result ?? null) };
      },
    });
    if (c.error) {
      assert.equal(run.state.status, "FAILED");
      assert.equal(run.state.error, c.error, run.state.cause);
    } else {
      assert.equal(run.state.status, "SUCCEEDED", `${run.state.error}: ${run.state.cause}`);
      assert.deepEqual(run.state.output, c.expected);
    }
  });
}

interface ValidateCase {
  name: string;
  definition: unknown;
  expect: { code?: string; location?: string; message?: string; severity?: string }[];
  valid?: boolean;
}
for (const c of load<ValidateCase>("validate.json")) {
  test(`validate: ${c.name}`, () => {
    const diags = validateDefinition(c.definition);
    const errors = diags.filter((d) => d.severity === "ERROR");
    if (c.expect.length === 0 || c.valid) assert.deepEqual(errors, [], formatInvalidDefinition(diags));
    for (const e of c.expect) {
      const hit = diags.find(
        (d) =>
          (!e.code || d.code === e.code) &&
          (!e.location || d.location === e.location) &&
          (!e.message || d.message.includes(e.message)) &&
          (!e.severity || d.severity === e.severity),
      );
      assert.ok(hit, `expected ${JSON.stringify(e)} in ${JSON.stringify(diags, null, 1)}`);
    }
  });
}

test("formatInvalidDefinition uses AWS's InvalidDefinition message shape", () => {
  const diags = validateDefinition({ StartAt: "pass1", States: { pass1: { Type: "Pass", Next: "pass3" }, pass2: { Type: "Pass", End: true } } });
  assert.equal(
    formatInvalidDefinition(diags),
    `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`,
  );
});

interface StatesCase {
  name: string;
  definition: JsonObject;
  input: Json;
  tasks?: Record<string, ({ output: Json } | { error: string; cause?: string } | "pending")[]>;
  expected: { status: string; output?: Json; error?: string; cause?: string; retryDelaysMs?: number[]; timerDelaysMs?: number[]; maxOutstanding?: number };
  history?: string[];
}
for (const c of load<StatesCase>("states.json")) {
  test(`states: ${c.name}`, async () => {
    const run = await runExecution(c.definition, c.input, {
      handler: ({ effect, call }) => {
        const answers = c.tasks?.[effect.stateName];
        assert.ok(answers && answers[call - 1] !== undefined, `no answer #${call} for ${effect.stateName}`);
        return answers[call - 1];
      },
    });
    const e = c.expected;
    assert.equal(run.state.status, e.status, `${run.state.error}: ${run.state.cause}`);
    if ("output" in e) assert.deepEqual(run.state.output, e.output);
    if (e.error !== undefined) assert.equal(run.state.error, e.error);
    if (e.cause !== undefined) assert.equal(run.state.cause, e.cause);
    if (e.retryDelaysMs) assert.deepEqual(run.timers.filter((t) => t.reason === "Retry").map((t) => t.delayMs), e.retryDelaysMs);
    if (e.timerDelaysMs) assert.deepEqual(run.timers.map((t) => t.delayMs), e.timerDelaysMs);
    if (e.maxOutstanding !== undefined) assert.equal(run.maxOutstanding, e.maxOutstanding);
    if (c.history) assert.deepEqual(run.history.map((h) => h.type), c.history);
  });
}
