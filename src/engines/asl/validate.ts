/**
 * Static validation of a state machine definition, producing the diagnostics of
 * ValidateStateMachineDefinition ({severity, code, message, location}) and, through
 * formatInvalidDefinition, the message of CreateStateMachine's InvalidDefinition error:
 *   Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, ...'
 *
 * Codes are AWS's (ValidateStateMachineDefinitionDiagnostic documentation). Message wording is
 * AWS's where we found it quoted ("Missing 'Next' target: X", "State \"X\" is not reachable.",
 * "Value must be a valid JSONPath.", "Value is not a Reference Path", "There should only be one
 * of the following fields: [A, B]", "Minimum value is 0", "The QueryLanguage is set to 'JSONata',
 * but field 'F' is only supported for the 'JSONPath' QueryLanguage");
 * DEVIATION: the rest is our best paraphrase in the same style (AWS says not to rely on wording).
 *
 * Checks: JSON, required and unknown fields per state type (and per retrier, catcher, choice rule,
 * branch, item processor), Type, Next/End, transition targets and reachability per scope,
 * terminal states, duplicate state names across scopes, path syntax (JSONPath, reference paths,
 * .$ values: path or intrinsic), JSONata syntax of {% %} strings, QueryLanguage-specific fields,
 * mutually exclusive fields, numeric minimums, Retry/Catch States.ALL placement, Wait forms,
 * Resource ARNs, Map/Parallel structure. Warnings: NO_DOLLAR, PASS_RESULT_IS_STATIC.
 */
import { isReferencePath, isValidPath } from "./jsonpath.js";
import { ALL_OPERATORS, parseTimestamp } from "./choice.js";
import { looksLikeIntrinsic, parseIntrinsic } from "./intrinsics.js";
import { isJsonataExpr, jsonataSyntaxError } from "./transform.js";
import type { Json, JsonObject } from "./types.js";

export interface Diagnostic {
  severity: "ERROR" | "WARNING";
  code: string;
  message: string;
  location?: string;
}

const STATE_TYPES = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];
const COMMON = ["Type", "Comment", "QueryLanguage"];
const FLOW = ["Next", "End"];
const RETRY_CATCH = ["Retry", "Catch"];
const FIELDS: Record<string, string[]> = {
  Pass: [...FLOW, "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Output", "Assign"],
  Task: [
    ...FLOW, ...RETRY_CATCH, "Resource", "Parameters", "Arguments", "Credentials", "InputPath", "OutputPath", "ResultPath",
    "ResultSelector", "Output", "Assign", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
  ],
  Choice: ["Choices", "Default", "InputPath", "OutputPath", "Output", "Assign"],
  Wait: [...FLOW, "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "InputPath", "OutputPath", "Output", "Assign"],
  Succeed: ["InputPath", "OutputPath", "Output"],
  Fail: ["Error", "Cause", "ErrorPath", "CausePath"],
  Parallel: [...FLOW, ...RETRY_CATCH, "Branches", "Parameters", "Arguments", "InputPath", "OutputPath", "ResultPath", "ResultSelector", "Output", "Assign"],
  Map: [
    ...FLOW, ...RETRY_CATCH, "ItemsPath", "Items", "ItemSelector", "Parameters", "Iterator", "ItemProcessor", "ItemReader", "ItemBatcher",
    "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath",
    "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label", "InputPath", "OutputPath", "ResultPath",
    "ResultSelector", "Output", "Assign",
  ],
};
const JSONPATH_ONLY = [
  "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "ItemsPath", "MaxConcurrencyPath", "TimeoutSecondsPath",
  "HeartbeatSecondsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "ToleratedFailureCountPath",
  "ToleratedFailurePercentagePath", "Iterator", "Result",
];
const JSONATA_ONLY = ["Arguments", "Output", "Items"];

export function formatInvalidDefinition(diags: Diagnostic[]): string {
  const errs = diags.filter((d) => d.severity === "ERROR");
  return `Invalid State Machine Definition: '${errs.map((d) => `${d.code}: ${d.message}${d.location ? ` at ${d.location}` : ""}`).join(", ")}'`;
}

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

/** Validates a definition (a JSON string or an already parsed value). Empty list = valid. */
export function validateDefinition(definition: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  let def: unknown = definition;
  if (typeof definition === "string") {
    if (!definition.trim()) return [{ severity: "ERROR", code: "MISSING_DESCRIPTION", message: "The definition is empty." }];
    try {
      def = JSON.parse(definition);
    } catch (e) {
      return [{ severity: "ERROR", code: "INVALID_JSON_DESCRIPTION", message: `Invalid JSON: ${(e as Error).message}` }];
    }
  }
  if (def === undefined || def === null) return [{ severity: "ERROR", code: "MISSING_DESCRIPTION", message: "The definition is empty." }];
  if (!isObj(def)) return [{ severity: "ERROR", code: "SCHEMA_VALIDATION_FAILED", message: "The definition must be a JSON object.", location: "/" }];
  const v = new Validator(out, def.QueryLanguage === "JSONata" ? "JSONata" : "JSONPath");
  v.top(def);
  return out;
}

class Validator {
  private names = new Map<string, string>();
  constructor(
    private readonly out: Diagnostic[],
    private readonly topQL: "JSONPath" | "JSONata",
  ) {}

  private err(code: string, message: string, location: string) {
    this.out.push({ severity: "ERROR", code, message, location });
  }
  private schema(message: string, location: string) {
    this.err("SCHEMA_VALIDATION_FAILED", message, location);
  }
  private warn(code: string, message: string, location: string) {
    this.out.push({ severity: "WARNING", code, message, location });
  }

  private unknownFields(obj: JsonObject, allowed: string[], loc: string) {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.schema(`The field "${k}" is not supported by Step Functions`, `${loc}/${k}`);
  }
  private required(obj: JsonObject, fields: string[], loc: string) {
    const missing = fields.filter((f) => obj[f] === undefined);
    if (missing.length) this.schema(`These fields are required: [${missing.join(", ")}]`, loc);
  }
  private exclusive(obj: JsonObject, fields: string[], loc: string) {
    if (fields.filter((f) => obj[f] !== undefined).length > 1) this.schema(`There should only be one of the following fields: [${fields.join(", ")}]`, loc);
  }
  private minimum(obj: JsonObject, field: string, min: number, loc: string, opts: { integer?: boolean; max?: number; jsonata?: boolean } = {}) {
    const v = obj[field];
    if (v === undefined) return;
    if (opts.jsonata && isJsonataExpr(v)) return this.jsonata(v, `${loc}/${field}`);
    if (typeof v !== "number" || (opts.integer && !Number.isInteger(v))) return this.schema(`Value must be ${opts.integer ? "an integer" : "a number"}`, `${loc}/${field}`);
    if (v < min) this.schema(`Minimum value is ${min}${Number.isInteger(min) && !opts.integer ? ".0" : ""}`, `${loc}/${field}`);
    if (opts.max !== undefined && v > opts.max) this.schema(`Maximum value is ${opts.max}${!opts.integer ? ".0" : ""}`, `${loc}/${field}`);
  }
  private path(obj: JsonObject, field: string, loc: string, kind: "path" | "reference" | "nullable" | "nullable-reference") {
    if (!(field in obj)) return;
    const v = obj[field];
    if (v === null && kind.startsWith("nullable")) return;
    if (kind.endsWith("reference")) {
      if (!isReferencePath(v)) this.schema("Value is not a Reference Path", `${loc}/${field}`);
    } else if (!isValidPath(v)) this.schema("Value must be a valid JSONPath.", `${loc}/${field}`);
  }
  private jsonata(v: Json, loc: string) {
    if (!isJsonataExpr(v)) return;
    const e = jsonataSyntaxError(v.slice(2, -2));
    if (e) this.schema(`The JSONata expression '${v}' is not valid: ${e}`, loc);
  }
  private jsonataDeep(v: Json, loc: string) {
    if (typeof v === "string") this.jsonata(v, loc);
    else if (Array.isArray(v)) v.forEach((x, i) => this.jsonataDeep(x, `${loc}/${i}`));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) this.jsonataDeep(x, `${loc}/${k}`);
  }
  /** A JSONPath payload template: ".$" values must be paths or intrinsics; warn on NO_DOLLAR. */
  private template(v: Json, loc: string) {
    if (Array.isArray(v)) return v.forEach((x, i) => this.template(x, `${loc}/${i}`));
    if (!isObj(v)) return;
    for (const [k, x] of Object.entries(v)) {
      const l = `${loc}/${k}`;
      if (k.endsWith(".$")) {
        if (typeof x !== "string") {
          this.schema(`The value for the field '${k}' must be a STRING that contains a JSONPath or an intrinsic function`, l);
          continue;
        }
        if (looksLikeIntrinsic(x)) {
          try {
            parseIntrinsic(x);
          } catch (e) {
            this.schema(`The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call (${(e as Error).message})`, l);
          }
        } else if (!isValidPath(x)) this.schema(`The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call`, l);
      } else if (typeof x === "string" && (x.startsWith("$.") || x.startsWith("$$.") || looksLikeIntrinsic(x))) {
        this.warn("NO_DOLLAR", `The value for the field '${k}' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$'`, l);
      } else this.template(x, l);
    }
  }

  top(def: JsonObject) {
    this.unknownFields(def, ["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"], "");
    if (def.QueryLanguage !== undefined && def.QueryLanguage !== "JSONPath" && def.QueryLanguage !== "JSONata")
      this.schema("Value must be one of [JSONPath, JSONata]", "/QueryLanguage");
    this.minimum(def, "TimeoutSeconds", 1, "", { integer: true });
    this.container(def, "", true);
  }

  private container(c: JsonObject, loc: string, root: boolean) {
    this.required(c, ["StartAt", "States"], loc || "/");
    if (!isObj(c.States)) {
      if (c.States !== undefined) this.schema("Value must be an object", `${loc}/States`);
      return;
    }
    const states = c.States;
    const names = Object.keys(states);
    if (names.length === 0) this.schema("States must not be empty", `${loc}/States`);
    if (typeof c.StartAt === "string" && !(c.StartAt in states))
      this.err("MISSING_TRANSITION_TARGET", `Missing 'StartAt' target: ${c.StartAt}`, `${loc}/StartAt`);
    for (const n of names) {
      const sl = `${loc}/States/${n}`;
      const prev = this.names.get(n);
      if (prev !== undefined) this.err("DUPLICATE_STATE_NAME", `Duplicate State name: ${n}`, sl);
      else this.names.set(n, sl);
      if (n.length > 80) this.err("INVALID_STATE_NAME", `State name '${n.slice(0, 20)}...' is longer than 80 characters`, sl);
      const st = states[n];
      if (!isObj(st)) {
        this.schema("Value must be an object", sl);
        continue;
      }
      this.state(n, st, sl, states);
    }
    // reachability and terminal states within this scope
    const seen = new Set<string>();
    const todo = typeof c.StartAt === "string" && c.StartAt in states ? [c.StartAt] : [];
    while (todo.length) {
      const n = todo.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const t of targets(states[n])) if (t in states && !seen.has(t)) todo.push(t);
    }
    if (todo.length === 0 && seen.size)
      for (const n of names) if (!seen.has(n)) this.err("MISSING_TRANSITION_TARGET", `State "${n}" is not reachable.`, `${loc}/States/${n}`);
    const terminal = names.some((n) => {
      const st = states[n];
      return isObj(st) && (st.End === true || st.Type === "Succeed" || st.Type === "Fail");
    });
    if (names.length && !terminal) this.err("MISSING_END_STATE", "Workflow has no terminal state", root ? "/States" : `${loc}/States`);
  }

  private state(name: string, st: JsonObject, loc: string, siblings: JsonObject) {
    const type = st.Type;
    if (type === undefined) return this.required(st, ["Type"], loc);
    if (typeof type !== "string" || !STATE_TYPES.includes(type)) return this.schema(`Value is not a valid state type; must be one of [${STATE_TYPES.join(", ")}]`, `${loc}/Type`);
    const ql = st.QueryLanguage === "JSONata" ? "JSONata" : st.QueryLanguage === "JSONPath" ? "JSONPath" : this.topQL;
    if (st.QueryLanguage !== undefined && st.QueryLanguage !== "JSONPath" && st.QueryLanguage !== "JSONata") this.schema("Value must be one of [JSONPath, JSONata]", `${loc}/QueryLanguage`);
    if (this.topQL === "JSONata" && st.QueryLanguage === "JSONPath")
      this.schema("The QueryLanguage of a state can't be 'JSONPath' when the state machine's QueryLanguage is 'JSONata'", `${loc}/QueryLanguage`);
    const allowed = [...COMMON, ...FIELDS[type]];
    this.unknownFields(st, allowed, loc);
    for (const f of Object.keys(st)) {
      if (!allowed.includes(f)) continue;
      if (ql === "JSONata" && JSONPATH_ONLY.includes(f))
        this.schema(`The QueryLanguage is set to 'JSONata', but field '${f}' is only supported for the 'JSONPath' QueryLanguage`, `${loc}/${f}`);
      if (ql === "JSONPath" && JSONATA_ONLY.includes(f))
        this.schema(`The QueryLanguage is set to 'JSONPath', but field '${f}' is only supported for the 'JSONata' QueryLanguage`, `${loc}/${f}`);
    }
    // transitions
    if (type !== "Choice" && type !== "Succeed" && type !== "Fail") {
      if (st.Next !== undefined && st.End !== undefined) this.schema("There should only be one of the following fields: [Next, End]", loc);
      else if (st.Next === undefined && st.End !== true) this.schema("These fields are required: [Next or End]", loc);
      if (st.End !== undefined && st.End !== true && st.Next === undefined) this.schema("Value must be true", `${loc}/End`);
    }
    if (typeof st.Next === "string" && !(st.Next in siblings)) this.err("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${st.Next}`, `${loc}/Next`);
    else if (st.Next !== undefined && typeof st.Next !== "string") this.schema("Value must be a string", `${loc}/Next`);
    if (st.Assign !== undefined) this.assignNames(st.Assign, `${loc}/Assign`);
    // data fields
    if (ql === "JSONPath") {
      this.path(st, "InputPath", loc, "nullable");
      this.path(st, "OutputPath", loc, "nullable");
      this.path(st, "ResultPath", loc, "nullable-reference");
      for (const f of ["Parameters", "ResultSelector", "Assign", "ItemSelector", "Credentials"]) if (st[f] !== undefined) this.template(st[f], `${loc}/${f}`);
      if (type === "Pass" && st.Result !== undefined && typeof st.Result === "string" && st.Result.startsWith("$"))
        this.warn("PASS_RESULT_IS_STATIC", "The Result field of a Pass state is static; it looks like a path but will not be evaluated", `${loc}/Result`);
    } else {
      for (const f of ["Arguments", "Output", "Assign", "Items", "ItemSelector", "Credentials"]) if (st[f] !== undefined) this.jsonataDeep(st[f], `${loc}/${f}`);
    }
    switch (type) {
      case "Task":
        return this.task(st, loc, ql, siblings);
      case "Choice":
        return this.choice(st, loc, ql, siblings);
      case "Wait":
        return this.wait(st, loc, ql);
      case "Fail":
        this.exclusive(st, ["Error", "ErrorPath"], loc);
        this.exclusive(st, ["Cause", "CausePath"], loc);
        for (const f of ["ErrorPath", "CausePath"])
          if (typeof st[f] === "string" && !looksLikeIntrinsic(st[f] as string) && !isValidPath(st[f])) this.schema("Value must be a valid JSONPath.", `${loc}/${f}`);
        if (ql === "JSONata") for (const f of ["Error", "Cause"]) if (st[f] !== undefined) this.jsonata(st[f], `${loc}/${f}`);
        return;
      case "Parallel":
        this.retryCatch(st, loc, ql, siblings);
        if (!Array.isArray(st.Branches) || st.Branches.length === 0) return this.schema("Branches must be a non-empty array", `${loc}/Branches`);
        (st.Branches as Json[]).forEach((b, i) => {
          const bl = `${loc}/Branches/${i}`;
          if (!isObj(b)) return this.schema("Value must be an object", bl);
          this.unknownFields(b, ["StartAt", "States", "Comment", "QueryLanguage"], bl);
          this.container(b, bl, false);
        });
        return;
      case "Map":
        return this.map(st, loc, ql, siblings);
    }
  }

  private task(st: JsonObject, loc: string, ql: string, siblings: JsonObject) {
    this.required(st, ["Resource"], loc);
    if (st.Resource !== undefined && (typeof st.Resource !== "string" || !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(st.Resource)))
      this.err("INVALID_RESOURCE", `Value is not a valid resource ARN: ${JSON.stringify(st.Resource)}`, `${loc}/Resource`);
    this.exclusive(st, ["TimeoutSeconds", "TimeoutSecondsPath"], loc);
    this.exclusive(st, ["HeartbeatSeconds", "HeartbeatSecondsPath"], loc);
    this.minimum(st, "TimeoutSeconds", 1, loc, { integer: true, jsonata: ql === "JSONata" });
    this.minimum(st, "HeartbeatSeconds", 1, loc, { integer: true, jsonata: ql === "JSONata" });
    this.path(st, "TimeoutSecondsPath", loc, "reference");
    this.path(st, "HeartbeatSecondsPath", loc, "reference");
    if (typeof st.TimeoutSeconds === "number" && typeof st.HeartbeatSeconds === "number" && st.HeartbeatSeconds >= st.TimeoutSeconds)
      this.schema("HeartbeatSeconds must be smaller than TimeoutSeconds", `${loc}/HeartbeatSeconds`);
    this.retryCatch(st, loc, ql, siblings);
  }

  private retryCatch(st: JsonObject, loc: string, ql: string, siblings: JsonObject) {
    for (const kind of ["Retry", "Catch"] as const) {
      const list = st[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        this.schema("Value must be an array", `${loc}/${kind}`);
        continue;
      }
      list.forEach((r, i) => {
        const rl = `${loc}/${kind}/${i}`;
        if (!isObj(r)) return this.schema("Value must be an object", rl);
        const eq = r.ErrorEquals;
        if (!Array.isArray(eq) || eq.length === 0 || !eq.every((e) => typeof e === "string")) this.schema("ErrorEquals must be a non-empty array of strings", `${rl}/ErrorEquals`);
        else if (eq.includes("States.ALL")) {
          if (eq.length > 1) this.schema("States.ALL must appear alone in ErrorEquals", `${rl}/ErrorEquals`);
          if (i !== list.length - 1) this.schema(`A ${kind === "Retry" ? "retrier" : "catcher"} with States.ALL must be the last one`, rl);
        }
        if (kind === "Retry") {
          this.unknownFields(r, ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"], rl);
          this.minimum(r, "IntervalSeconds", 1, rl, { integer: true, max: 99999999 });
          this.minimum(r, "MaxAttempts", 0, rl, { integer: true, max: 99999999 });
          this.minimum(r, "BackoffRate", 1, rl);
          this.minimum(r, "MaxDelaySeconds", 1, rl, { integer: true, max: 31622400 });
          if (r.JitterStrategy !== undefined && r.JitterStrategy !== "FULL" && r.JitterStrategy !== "NONE") this.schema("Value must be one of [FULL, NONE]", `${rl}/JitterStrategy`);
        } else {
          const allowed = ["ErrorEquals", "Next", "Comment", "Assign", ...(ql === "JSONata" ? ["Output"] : ["ResultPath"])];
          this.unknownFields(r, allowed, rl);
          this.required(r, ["Next"], rl);
          if (typeof r.Next === "string" && !(r.Next in siblings)) this.err("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${r.Next}`, `${rl}/Next`);
          if (ql === "JSONPath") this.path(r, "ResultPath", rl, "nullable-reference");
          if (ql === "JSONPath" && r.Assign !== undefined) this.template(r.Assign, `${rl}/Assign`);
          if (ql === "JSONata") for (const f of ["Output", "Assign"]) if (r[f] !== undefined) this.jsonataDeep(r[f], `${rl}/${f}`);
        }
      });
    }
  }

  /** Variable names: letters, digits and underscores, not starting with a digit; "states" is reserved. */
  private assignNames(v: Json, loc: string) {
    if (!isObj(v)) {
      if (!isJsonataExpr(v)) this.schema("Value must be an object", loc);
      return;
    }
    for (const k of Object.keys(v)) {
      const name = k.endsWith(".$") ? k.slice(0, -2) : k;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.schema(`The variable name '${name}' is not valid`, `${loc}/${k}`);
      else if (name === "states") this.schema("The variable name 'states' is reserved", `${loc}/${k}`);
    }
  }

  private choice(st: JsonObject, loc: string, ql: string, siblings: JsonObject) {
    if (!Array.isArray(st.Choices) || st.Choices.length === 0) return this.schema("Choices must be a non-empty array", `${loc}/Choices`);
    if (typeof st.Default === "string" && !(st.Default in siblings)) this.err("MISSING_TRANSITION_TARGET", `Missing 'Default' target: ${st.Default}`, `${loc}/Default`);
    (st.Choices as Json[]).forEach((r, i) => {
      const rl = `${loc}/Choices/${i}`;
      if (!isObj(r)) return this.schema("Value must be an object", rl);
      this.required(r, ["Next"], rl);
      if (typeof r.Next === "string" && !(r.Next in siblings)) this.err("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${r.Next}`, `${rl}/Next`);
      if (ql === "JSONata") {
        this.unknownFields(r, ["Condition", "Next", "Comment", "Output", "Assign"], rl);
        this.required(r, ["Condition"], rl);
        if (r.Condition !== undefined && typeof r.Condition !== "boolean") {
          if (!isJsonataExpr(r.Condition)) this.schema("The Condition must be a JSONata expression {% ... %} or a boolean", `${rl}/Condition`);
          else this.jsonata(r.Condition, `${rl}/Condition`);
        }
        for (const f of ["Output", "Assign"]) if (r[f] !== undefined) this.jsonataDeep(r[f], `${rl}/${f}`);
      } else {
        this.rule(r, rl, true);
        if (r.Assign !== undefined) this.template(r.Assign, `${rl}/Assign`);
      }
    });
  }

  private rule(r: JsonObject, loc: string, top: boolean): void {
    const extra = top ? ["Next", "Comment", "Assign"] : ["Comment"];
    if (r.And !== undefined || r.Or !== undefined) {
      const k = r.And !== undefined ? "And" : "Or";
      this.unknownFields(r, [k, ...extra], loc);
      const list = r[k];
      if (!Array.isArray(list) || list.length === 0) return this.schema(`${k} must be a non-empty array of rules`, `${loc}/${k}`);
      list.forEach((x, i) => (isObj(x) ? this.rule(x, `${loc}/${k}/${i}`, false) : this.schema("Value must be an object", `${loc}/${k}/${i}`)));
      return;
    }
    if (r.Not !== undefined) {
      this.unknownFields(r, ["Not", ...extra], loc);
      return isObj(r.Not) ? this.rule(r.Not, `${loc}/Not`, false) : this.schema("Value must be an object", `${loc}/Not`);
    }
    const ops = Object.keys(r).filter((k) => ALL_OPERATORS.includes(k));
    this.unknownFields(r, ["Variable", ...ALL_OPERATORS, ...extra], loc);
    if (r.Variable === undefined) this.schema("These fields are required: [Variable]", loc);
    else this.path(r, "Variable", loc, "path");
    if (ops.length === 0) return this.schema("A choice rule needs exactly one comparison operator", loc);
    if (ops.length > 1) return this.schema(`There should only be one of the following fields: [${ops.join(", ")}]`, loc);
    const op = ops[0];
    const v = r[op];
    const l = `${loc}/${op}`;
    if (op.endsWith("Path")) {
      if (!isValidPath(v)) this.schema("Value must be a valid JSONPath.", l);
    } else if (op.startsWith("Is") || op === "BooleanEquals") {
      if (typeof v !== "boolean") this.schema("Value must be a boolean", l);
    } else if (op.startsWith("Numeric")) {
      if (typeof v !== "number") this.schema("Value must be a number", l);
    } else if (op.startsWith("Timestamp")) {
      if (parseTimestamp(v) === undefined) this.schema("Value must be a valid ISO-8601 timestamp", l);
    } else if (typeof v !== "string") this.schema("Value must be a string", l);
  }

  private wait(st: JsonObject, loc: string, ql: string) {
    const forms = ql === "JSONata" ? ["Seconds", "Timestamp"] : ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];
    const n = forms.filter((f) => st[f] !== undefined).length;
    if (n !== 1) this.schema(`There should be exactly one of the following fields: [${forms.join(", ")}]`, loc);
    this.minimum(st, "Seconds", 0, loc, { integer: true, max: 99999999, jsonata: ql === "JSONata" });
    if (typeof st.Timestamp === "string" && !isJsonataExpr(st.Timestamp) && parseTimestamp(st.Timestamp) === undefined)
      this.schema("Value must be a valid ISO-8601 timestamp", `${loc}/Timestamp`);
    if (ql === "JSONata" && st.Timestamp !== undefined) this.jsonata(st.Timestamp, `${loc}/Timestamp`);
    this.path(st, "SecondsPath", loc, "reference");
    this.path(st, "TimestampPath", loc, "reference");
  }

  private map(st: JsonObject, loc: string, ql: string, siblings: JsonObject) {
    this.retryCatch(st, loc, ql, siblings);
    this.exclusive(st, ["ItemProcessor", "Iterator"], loc);
    this.exclusive(st, ["ItemSelector", "Parameters"], loc);
    this.exclusive(st, ["MaxConcurrency", "MaxConcurrencyPath"], loc);
    this.exclusive(st, ["ToleratedFailureCount", "ToleratedFailureCountPath"], loc);
    this.exclusive(st, ["ToleratedFailurePercentage", "ToleratedFailurePercentagePath"], loc);
    this.minimum(st, "MaxConcurrency", 0, loc, { integer: true, jsonata: ql === "JSONata" });
    this.minimum(st, "ToleratedFailureCount", 0, loc, { integer: true, jsonata: ql === "JSONata" });
    this.minimum(st, "ToleratedFailurePercentage", 0, loc, { max: 100, jsonata: ql === "JSONata" });
    for (const f of ["MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"]) this.path(st, f, loc, "reference");
    this.path(st, "ItemsPath", loc, "path");
    if (st.ItemProcessor === undefined && st.Iterator === undefined) return this.schema("These fields are required: [ItemProcessor]", loc);
    const key = st.ItemProcessor !== undefined ? "ItemProcessor" : "Iterator";
    const p = st[key];
    if (!isObj(p)) return this.schema("Value must be an object", `${loc}/${key}`);
    this.unknownFields(p, ["StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage"], `${loc}/${key}`);
    if (p.ProcessorConfig !== undefined) {
      if (!isObj(p.ProcessorConfig)) this.schema("Value must be an object", `${loc}/${key}/ProcessorConfig`);
      else {
        this.unknownFields(p.ProcessorConfig, ["Mode", "ExecutionType"], `${loc}/${key}/ProcessorConfig`);
        const mode = p.ProcessorConfig.Mode;
        if (mode !== undefined && mode !== "INLINE" && mode !== "DISTRIBUTED") this.schema("Value must be one of [INLINE, DISTRIBUTED]", `${loc}/${key}/ProcessorConfig/Mode`);
        const et = p.ProcessorConfig.ExecutionType;
        if (et !== undefined && et !== "STANDARD" && et !== "EXPRESS") this.schema("Value must be one of [STANDARD, EXPRESS]", `${loc}/${key}/ProcessorConfig/ExecutionType`);
      }
    }
    this.distributed(st, loc, isObj(p.ProcessorConfig) && p.ProcessorConfig.Mode === "DISTRIBUTED");
    this.container(p, `${loc}/${key}`, false);
  }

  /**
   * The distributed Map's fields (state-map-distributed.html): ItemReader, ItemBatcher and
   * ResultWriter only in DISTRIBUTED mode, with their known sub-fields; a batcher needs a limit.
   */
  private distributed(st: JsonObject, loc: string, distributed: boolean) {
    for (const f of ["ItemReader", "ItemBatcher", "ResultWriter"]) {
      if (st[f] === undefined) continue;
      if (!distributed) this.schema(`The field "${f}" is only supported by Map states in DISTRIBUTED mode`, `${loc}/${f}`);
      if (!isObj(st[f])) this.schema("Value must be an object", `${loc}/${f}`);
    }
    const r = st.ItemReader;
    if (isObj(r)) {
      this.unknownFields(r, ["Resource", "Parameters", "Arguments", "ReaderConfig"], `${loc}/ItemReader`);
      this.required(r, ["Resource"], `${loc}/ItemReader`);
      const rc = r.ReaderConfig;
      if (isObj(rc)) {
        this.unknownFields(rc, ["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath", "ManifestType", "Transformation"], `${loc}/ItemReader/ReaderConfig`);
        if (rc.InputType !== undefined && !["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"].includes(rc.InputType as string))
          this.schema("Value must be one of [CSV, JSON, JSONL, MANIFEST, PARQUET]", `${loc}/ItemReader/ReaderConfig/InputType`);
        if (rc.CSVHeaderLocation !== undefined && rc.CSVHeaderLocation !== "FIRST_ROW" && rc.CSVHeaderLocation !== "GIVEN")
          this.schema("Value must be one of [FIRST_ROW, GIVEN]", `${loc}/ItemReader/ReaderConfig/CSVHeaderLocation`);
        this.exclusive(rc, ["MaxItems", "MaxItemsPath"], `${loc}/ItemReader/ReaderConfig`);
      }
    }
    const b = st.ItemBatcher;
    if (isObj(b)) {
      const limits = ["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"];
      this.unknownFields(b, [...limits, "BatchInput"], `${loc}/ItemBatcher`);
      if (!limits.some((l) => b[l] !== undefined)) this.schema(`At least one of the following fields is required: [${limits.join(", ")}]`, `${loc}/ItemBatcher`);
    }
    const w = st.ResultWriter;
    if (isObj(w)) this.unknownFields(w, ["Resource", "Parameters", "Arguments", "WriterConfig"], `${loc}/ResultWriter`);
    if (st.Label !== undefined && (typeof st.Label !== "string" || st.Label.length > 40 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(st.Label)))
      this.schema("Value must be a string of at most 40 characters without whitespace or special characters", `${loc}/Label`);
  }
}

/** Every state a state can transition to. */
function targets(st: Json): string[] {
  if (!isObj(st)) return [];
  const t: string[] = [];
  if (typeof st.Next === "string") t.push(st.Next);
  if (typeof st.Default === "string") t.push(st.Default);
  if (Array.isArray(st.Choices)) for (const r of st.Choices) if (isObj(r) && typeof r.Next === "string") t.push(r.Next);
  if (Array.isArray(st.Catch)) for (const r of st.Catch) if (isObj(r) && typeof r.Next === "string") t.push(r.Next);
  return t;
}
