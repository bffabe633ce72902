/**
 * The Amazon States Language interpreter as a deterministic reducer.
 *
 *   startExecution(definition, input, context, ports) -> { state, effects, historyEvents, explain }
 *   advance(definition, state, event, ports)          -> { state, effects, historyEvents, explain }
 *
 * The state is plain JSON (types.ts ExecutionState): the service commits it, the history events
 * and the effects in one transaction per call, and after a restart simply calls advance again
 * with the next event. advance never mutates the state it is given (it works on a copy).
 * Each call runs every thread as far as it can go without the outside world: a chain of Pass
 * states runs in one call; a Task, Wait or Retry interval stops its thread and asks for an effect.
 *
 * Parallel branches and Map iterations are child frames inside their parent frame (Frame.fan),
 * several tasks can be outstanding at once, each with its own taskId; timers have timerIds.
 * Events for unknown ids (a cancelled timer that fired anyway, a token of a finished task) are
 * ignored and say why in `ignored`.
 *
 * A distributed Map state (ProcessorConfig Mode DISTRIBUTED) evaluates its fields into a MapRunSpec
 * and waits for the StartMapRun effect's answer like a task (distributed.ts has the pure helpers the
 * service runs the Map Run with). redriveExecution continues a FAILED, TIMED_OUT or ABORTED
 * execution from its unsuccessful states.
 *
 * Does not do: Credentials (passed through to the effect only), payload size limits.
 * It is async only because JSONata evaluation is.
 */
import { chooseRule } from "./choice.js";
import { evalPath, parsePath, PathNotFound, ResultPathMatchFailure, setPath, type Roots } from "./jsonpath.js";
import { parseTimestamp } from "./choice.js";
import {
  applyTemplate,
  evalJsonata,
  evalJsonataRequired,
  isJsonataExpr,
  resolveDollar,
  type JsonataScope,
} from "./transform.js";
import { taskEvent, taskKind, type TaskPhase } from "./task-events.js";
import {
  StatesError,
  type Effect,
  type EngineEvent,
  type ExecutionContextInput,
  type ExecutionState,
  type Fan,
  type Frame,
  type HistoryEvent,
  type IntegrationPattern,
  type Json,
  type JsonObject,
  type MapRunSpec,
  type Ports,
  type StepResult,
  type TaskWait,
} from "./types.js";

type Def = JsonObject;
type State = JsonObject;

interface Ctx {
  def: Def;
  ports: Ports;
  s: ExecutionState;
  effects: Effect[];
  events: HistoryEvent[];
  explain: string[];
  now: number;
}

export interface AdvanceResult extends StepResult {
  /** Why things happened: choice rules evaluated, retries scheduled, errors caught, events ignored. */
  explain: string[];
}

const str = (v: Json | undefined) => JSON.stringify(v === undefined ? null : v);
const iso = (ms: number) => new Date(ms).toISOString();

// ------------------------------------------------------------------------------------ entry points

export async function startExecution(
  definition: Def,
  input: Json,
  context: ExecutionContextInput,
  ports: Ports,
): Promise<AdvanceResult> {
  const now = ports.now();
  const s: Ctx["s"] = {
    v: 1,
    status: "RUNNING",
    exec: {
      arn: context.executionArn,
      name: context.name,
      smArn: context.stateMachineArn,
      smName: context.stateMachineName,
      roleArn: context.roleArn,
      startTime: now,
      input,
      redriveCount: context.redriveCount ?? 0,
    },
    lastEventId: 0,
    seq: 0,
    root: { scope: [], name: definition.StartAt as string, input, entered: now, prev: 0, phase: "run" },
    timers: {},
  };
  const c: Ctx = { def: definition, ports, s, effects: [], events: [], explain: [], now };
  emit(c, s.root, "ExecutionStarted", {
    executionStartedEventDetails: { input: str(input), inputDetails: { truncated: false }, roleArn: context.roleArn },
  });
  if (typeof definition.TimeoutSeconds === "number") {
    s.execTimer = startTimer(c, now + definition.TimeoutSeconds * 1000, "ExecutionTimeout");
  }
  await runFrame(c, s.root, {});
  finishIfDone(c);
  return { state: s, effects: c.effects, historyEvents: c.events, explain: c.explain };
}

export async function advance(definition: Def, state: ExecutionState, event: EngineEvent, ports: Ports): Promise<AdvanceResult> {
  const s = structuredClone(state) as Ctx["s"];
  s.timers ??= {};
  const c: Ctx = { def: definition, ports, s, effects: [], events: [], explain: [], now: ports.now() };
  const ignored = (why: string): AdvanceResult => ({ state, effects: [], historyEvents: [], explain: [why], ignored: why });
  if (s.status !== "RUNNING") return ignored(`the execution is ${s.status}`);

  if (event.type === "Stop") {
    abortFrame(c, s.root);
    s.status = "ABORTED";
    s.error = event.error;
    s.cause = event.cause;
    emit(c, null, "ExecutionAborted", { executionAbortedEventDetails: { error: event.error, cause: event.cause } });
    c.effects.push({ type: "CompleteExecution", status: "ABORTED", error: event.error, cause: event.cause });
    c.explain.push("stopped from outside");
    return done(c);
  }

  if (event.type === "TimerFired") {
    if (event.timerId === s.execTimer) {
      delete s.timers[event.timerId];
      s.execTimer = undefined;
      abortFrame(c, s.root);
      s.status = "TIMED_OUT";
      s.error = "States.Timeout";
      s.cause = "The execution timed out (TimeoutSeconds of the state machine)";
      emit(c, null, "ExecutionTimedOut", { executionTimedOutEventDetails: { error: s.error, cause: s.cause } });
      c.effects.push({ type: "CompleteExecution", status: "TIMED_OUT", error: s.error, cause: s.cause });
      return done(c);
    }
    const id = event.timerId;
    const chain = findChain(s.root, (f) => f.timer === id || f.task?.timeoutTimer === id || f.task?.heartbeatTimer === id);
    if (!chain) return ignored(`no state waits for timer ${id} (cancelled or already handled)`);
    delete s.timers[id];
    const f = chain[chain.length - 1];
    const outer = outerVars(chain);
    const st = stateOf(c, f);
    if (f.timer === id && f.phase === "wait") {
      f.timer = undefined;
      await guarded(c, f, st, outer, () => finishWait(c, f, st, outer));
    } else if (f.timer === id && f.phase === "retry") {
      f.timer = undefined;
      c.explain.push(`${f.name}: retry interval elapsed, attempt ${f.retryCount ?? 0} starts`);
      await guarded(c, f, st, outer, () => act(c, f, st, outer));
    } else if (f.task) {
      const heartbeat = f.task.heartbeatTimer === id;
      const error = heartbeat ? "States.HeartbeatTimeout" : "States.Timeout";
      const cause = heartbeat ? "The task did not send a heartbeat within HeartbeatSeconds" : "The task did not finish within TimeoutSeconds";
      const t = f.task;
      cancelTask(c, f);
      emitTask(c, f, t, "timedOut", { error, cause });
      await handleError(c, f, st, error, cause, outer);
    }
    await runFrame(c, f, outer);
    await bubble(c, chain);
    return done(c);
  }

  // task events
  const ref = event.taskId !== undefined ? { by: "taskId", v: event.taskId } : { by: "taskToken", v: event.taskToken as string };
  const chain = findChain(s.root, (f) => (ref.by === "taskId" ? f.task?.id === ref.v : f.task?.token === ref.v));
  if (!chain) return ignored(`no task with ${ref.by} ${ref.v} is outstanding`);
  const f = chain[chain.length - 1];
  const t = f.task!;
  const outer = outerVars(chain);
  const st = stateOf(c, f);
  switch (event.type) {
    case "TaskStarted":
      if (!t.started) {
        t.started = true;
        emitTask(c, f, t, "started", event.workerName !== undefined ? { workerName: event.workerName } : {});
      }
      return done(c);
    case "TaskSubmitted":
      emitTask(c, f, t, "submitted", { output: str(event.output), outputDetails: { truncated: false } });
      return done(c);
    case "TaskHeartbeat":
      if (t.heartbeatTimer && t.heartbeatMs) {
        cancelTimer(c, t.heartbeatTimer);
        t.heartbeatTimer = startTimer(c, c.now + t.heartbeatMs, "HeartbeatTimeout");
      }
      c.explain.push(`${f.name}: heartbeat received`);
      return done(c);
    case "TaskSucceeded": {
      if (!t.started) emitTask(c, f, t, "started", {});
      cancelTask(c, f, false);
      if (t.kind === "mapRun") {
        emitTask(c, f, t, "succeeded", {});
        emit(c, f, "MapStateSucceeded", {});
      } else emitTask(c, f, t, "succeeded", { output: str(event.output), outputDetails: { truncated: false } });
      await guarded(c, f, st, outer, async () => {
        const out = await produceOutput(c, f, st, event.output, outer);
        transition(c, f, st, out.output, out.assigned);
      });
      break;
    }
    case "TaskFailed": {
      cancelTask(c, f, false);
      const error = event.error ?? "States.TaskFailed";
      const cause = event.cause ?? "";
      emitTask(c, f, t, event.scheduleFailed ? "scheduleFailed" : "failed", { error, cause });
      if (t.kind === "mapRun") {
        // Kept so that a redrive redrives this Map Run instead of starting another.
        keepMapRun(f, t);
        emit(c, f, "MapStateFailed", {});
      }
      await handleError(c, f, st, error, cause, outer);
      break;
    }
  }
  await runFrame(c, f, outer);
  await bubble(c, chain);
  return done(c);
}

/**
 * RedriveExecution: continues a FAILED, TIMED_OUT or ABORTED execution from its unsuccessful
 * states with the same input: records ExecutionRedriven {redriveCount}, re-enters the state that
 * failed or was stopped (its Retry attempts start over), and in a Map or Parallel state runs again
 * only the iterations and branches that failed or were aborted; a distributed Map redrives its Map
 * Run. The state machine's TimeoutSeconds starts over
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html).
 */
export async function redriveExecution(definition: Def, state: ExecutionState, ports: Ports): Promise<AdvanceResult> {
  if (state.status === "RUNNING" || state.status === "SUCCEEDED") throw new Error(`ASL engine: a ${state.status} execution cannot be redriven`);
  const s = structuredClone(state) as Ctx["s"];
  s.timers ??= {};
  const c: Ctx = { def: definition, ports, s, effects: [], events: [], explain: [], now: ports.now() };
  s.status = "RUNNING";
  s.output = undefined;
  s.error = undefined;
  s.cause = undefined;
  s.exec.redriveCount += 1;
  s.root.prev = emit(c, null, "ExecutionRedriven", { executionRedrivenEventDetails: { redriveCount: s.exec.redriveCount } });
  if (typeof definition.TimeoutSeconds === "number") s.execTimer = startTimer(c, c.now + definition.TimeoutSeconds * 1000, "ExecutionTimeout");
  c.explain.push(`redrive ${s.exec.redriveCount}: from ${s.root.name}`);
  await redriveFrame(c, s.root, {});
  finishIfDone(c);
  return { state: s, effects: c.effects, historyEvents: c.events, explain: c.explain };
}

/** Runs a failed or aborted frame again: a fan resumes its unsuccessful children, anything else re-enters its state. */
async function redriveFrame(c: Ctx, f: Frame, outer: JsonObject): Promise<void> {
  const st = stateOf(c, f);
  f.err = undefined;
  f.task = undefined;
  f.timer = undefined;
  f.retries = undefined;
  f.retryCount = undefined;
  f.fan = undefined;
  if (f.lastFan && (st.Type === "Map" || st.Type === "Parallel")) return resumeFan(c, f, st, outer);
  if (f.lastMapRun) f.lastMapRun.redrive = true;
  f.phase = "run";
  await runFrame(c, f, outer);
}

async function resumeFan(c: Ctx, f: Frame, st: State, outer: JsonObject): Promise<void> {
  const { fan: old, frames } = f.lastFan!;
  f.lastFan = undefined;
  f.entered = c.now;
  f.enteredId = emit(c, f, `${st.Type as string}StateEntered`, {
    stateEnteredEventDetails: { name: f.name, input: str(f.input), inputDetails: { truncated: false } },
  });
  const fan: Fan = { ...old, running: [], failed: 0 };
  f.fan = fan;
  f.phase = "fan";
  if (fan.kind === "map") emit(c, f, "MapStateStarted", { mapStateStartedEventDetails: { length: fan.total } });
  else emit(c, f, "ParallelStateStarted", {});
  const childOuter = f.vars ? { ...outer, ...f.vars } : outer;
  for (const ch of frames) {
    ch.prev = fan.kind === "map" ? emit(c, { ...f }, "MapIterationStarted", { mapIterationStartedEventDetails: { name: f.name, index: ch.index } }) : f.prev;
    await redriveFrame(c, ch, childOuter);
    fan.running.push(ch);
  }
  await pumpFan(c, f, st, outer);
  await runFrame(c, f, outer);
}

function done(c: Ctx): AdvanceResult {
  finishIfDone(c);
  return { state: c.s, effects: c.effects, historyEvents: c.events, explain: c.explain };
}

/** The task a token belongs to (SendTaskSuccess/Failure/Heartbeat: TaskDoesNotExist when undefined). */
export function findTaskByToken(state: ExecutionState, token: string): { taskId: string; stateName: string } | undefined {
  const chain = findChain(state.root, (f) => f.task?.token === token);
  const f = chain?.[chain.length - 1];
  return f?.task ? { taskId: f.task.id, stateName: f.name } : undefined;
}

/** Everything the execution waits for: to rebuild timers and task invocations after a restart. */
export function pendingWork(state: ExecutionState): {
  tasks: { taskId: string; stateName: string; resource: string; taskToken?: string }[];
  timers: { timerId: string; at: number; reason: string }[];
} {
  const tasks: { taskId: string; stateName: string; resource: string; taskToken?: string }[] = [];
  const walk = (f: Frame) => {
    if (f.task) tasks.push({ taskId: f.task.id, stateName: f.name, resource: f.task.resource, taskToken: f.task.token });
    f.fan?.running.forEach(walk);
  };
  walk(state.root);
  const timers = Object.entries(state.timers ?? {}).map(([timerId, t]) => ({ timerId, ...t }));
  return { tasks, timers };
}

// ------------------------------------------------------------------------------------ bookkeeping

function emit(c: Ctx, f: Frame | null, type: string, details: Record<string, unknown>): number {
  const id = ++c.s.lastEventId;
  c.events.push({ id, previousEventId: f ? f.prev : id - 1, timestamp: c.now, type, ...details });
  if (f) f.prev = id;
  return id;
}

/** Remembers a failed or aborted Map Run for a redrive (its redrive count carries over). */
function keepMapRun(f: Frame, t: TaskWait) {
  const prev = f.lastMapRun;
  f.lastMapRun = { arn: t.mapRunArn!, redrives: prev && prev.arn === t.mapRunArn ? prev.redrives : 0 };
}

/** Records one phase of a task under its kind's event names (task-events.ts). */
function emitTask(c: Ctx, f: Frame, t: TaskWait, phase: TaskPhase, details: Record<string, unknown>) {
  const ev = taskEvent(t.kind ?? "task", phase, details, resourceDetails(c, t.resource));
  if (ev) emit(c, f, ev.type, ev.details);
}

function startTimer(c: Ctx, at: number, reason: "Wait" | "Retry" | "TaskTimeout" | "HeartbeatTimeout" | "ExecutionTimeout"): string {
  const timerId = `timer-${++c.s.seq}`;
  c.s.timers![timerId] = { at, reason };
  c.effects.push({ type: "StartTimer", timerId, at, reason });
  return timerId;
}

function cancelTimer(c: Ctx, id: string) {
  delete c.s.timers![id];
  c.effects.push({ type: "CancelTimer", timerId: id });
}

/** Drops a frame's task; cancels its timers; with invocation=true also asks to cancel the invocation. */
function cancelTask(c: Ctx, f: Frame, invocation = true) {
  const t = f.task;
  if (!t) return;
  if (t.timeoutTimer) cancelTimer(c, t.timeoutTimer);
  if (t.heartbeatTimer) cancelTimer(c, t.heartbeatTimer);
  if (invocation) c.effects.push({ type: "CancelTask", taskId: t.id, taskToken: t.token });
  f.task = undefined;
}

/** States that record <Type>StateAborted when an execution stops or times out while in them. */
const ABORTABLE = new Set(["Task", "Wait", "Map", "Parallel"]);

/**
 * Cancels everything a frame (and its children) waits for, recording the aborts: each child's
 * state and MapIterationAborted, MapRunAborted for a Map Run, and (unless self is false, when the
 * state fails instead) <Type>StateAborted. A fan's children are kept in lastFan for a redrive.
 */
function abortFrame(c: Ctx, f: Frame, self = true) {
  const t = f.task;
  cancelTask(c, f);
  if (t?.kind === "mapRun") {
    emitTask(c, f, t, "aborted", {});
    keepMapRun(f, t);
  }
  if (f.timer) {
    cancelTimer(c, f.timer);
    f.timer = undefined;
  }
  if (f.fan) {
    const frames = f.fan.running;
    for (const ch of frames) {
      abortFrame(c, ch);
      if (f.fan.kind === "map")
        emit(c, ch, "MapIterationAborted", { mapIterationAbortedEventDetails: { name: f.name, index: ch.index } });
    }
    f.fan.running = [];
    f.lastFan = { fan: { ...f.fan, running: [] }, frames };
  }
  if (self && (f.phase === "task" || f.phase === "wait" || f.phase === "retry" || f.phase === "fan")) {
    const type = stateOf(c, f).Type as string;
    if (ABORTABLE.has(type)) emit(c, f, `${type}StateAborted`, {});
  }
}

function findChain(f: Frame, pred: (f: Frame) => boolean): Frame[] | undefined {
  if (pred(f)) return [f];
  if (f.fan)
    for (const ch of f.fan.running) {
      const r = findChain(ch, pred);
      if (r) return [f, ...r];
    }
  return undefined;
}

function outerVars(chain: Frame[]): JsonObject {
  let v: JsonObject = {};
  for (let i = 0; i < chain.length - 1; i++) if (chain[i].vars) v = { ...v, ...chain[i].vars };
  return v;
}

/** After a child changed, let each ancestor collect it, launch more, complete or fail. */
async function bubble(c: Ctx, chain: Frame[]) {
  for (let i = chain.length - 2; i >= 0; i--) {
    const child = chain[i + 1];
    if (child.phase !== "done" && child.phase !== "failed") return;
    const parent = chain[i];
    const outer = outerVars(chain.slice(0, i + 1));
    if (parent.fan) await pumpFan(c, parent, stateOf(c, parent), outer);
    await runFrame(c, parent, outer);
  }
}

function finishIfDone(c: Ctx) {
  const s = c.s;
  if (s.status !== "RUNNING") return;
  const r = s.root;
  if (r.phase !== "done" && r.phase !== "failed") return;
  if (s.execTimer) {
    cancelTimer(c, s.execTimer);
    s.execTimer = undefined;
  }
  if (r.phase === "done") {
    s.status = "SUCCEEDED";
    s.output = r.result ?? null;
    emit(c, r, "ExecutionSucceeded", { executionSucceededEventDetails: { output: str(s.output), outputDetails: { truncated: false } } });
    c.effects.push({ type: "CompleteExecution", status: "SUCCEEDED", output: s.output });
  } else {
    s.status = "FAILED";
    s.error = r.err?.error;
    s.cause = r.err?.cause;
    emit(c, r, "ExecutionFailed", { executionFailedEventDetails: { error: s.error, cause: s.cause } });
    c.effects.push({ type: "CompleteExecution", status: "FAILED", error: s.error, cause: s.cause });
  }
}

// ------------------------------------------------------------------------------------ definitions

function container(c: Ctx, scope: (string | number)[]): JsonObject {
  let cur = c.def;
  for (let i = 0; i < scope.length; ) {
    const st = (cur.States as JsonObject)[scope[i] as string] as State;
    if (st.Type === "Parallel") {
      cur = (st.Branches as JsonObject[])[scope[i + 1] as number];
      i += 2;
    } else {
      cur = (st.ItemProcessor ?? st.Iterator) as JsonObject;
      i += 1;
    }
  }
  return cur;
}

function stateOf(c: Ctx, f: Frame): State {
  const st = (container(c, f.scope).States as JsonObject)[f.name] as State | undefined;
  if (!st) throw new Error(`ASL engine: no state ${f.name} in scope ${JSON.stringify(f.scope)}`);
  return st;
}

const isJsonata = (c: Ctx, st: State) => (st.QueryLanguage ?? c.def.QueryLanguage) === "JSONata";

// ------------------------------------------------------------------------------------ data helpers

function contextObject(c: Ctx, f: Frame, extra?: { token?: string; item?: { index: number; value: Json } }): JsonObject {
  const e = c.s.exec;
  const o: JsonObject = {
    Execution: { Id: e.arn, Input: e.input, Name: e.name, RoleArn: e.roleArn, StartTime: iso(e.startTime), RedriveCount: e.redriveCount },
    State: { EnteredTime: iso(f.entered), Name: f.name, RetryCount: f.retryCount ?? 0 },
    StateMachine: { Id: e.smArn, Name: e.smName },
  };
  if (extra?.token) o.Task = { Token: extra.token };
  const item = extra?.item ?? f.item;
  if (item) o.Map = { Item: { Index: item.index, Value: item.value } };
  return o;
}

function roots(c: Ctx, f: Frame, outer: JsonObject, input: Json, extra?: { token?: string; item?: { index: number; value: Json }; states?: JsonObject }): Roots {
  return {
    input,
    context: () => contextObject(c, f, extra),
    variable: (name) => {
      if (name === "states") return { input: f.input, context: contextObject(c, f, extra), ...(extra?.states ?? {}) };
      if (f.vars && Object.prototype.hasOwnProperty.call(f.vars, name)) return f.vars[name];
      return Object.prototype.hasOwnProperty.call(outer, name) ? outer[name] : undefined;
    },
  };
}

function jsonataScope(c: Ctx, f: Frame, outer: JsonObject, extra?: { result?: Json; errorOutput?: Json; token?: string; item?: { index: number; value: Json } }): JsonataScope {
  const states: JsonObject = { input: f.input, context: contextObject(c, f, extra) };
  if (extra && "result" in extra) states.result = extra.result as Json;
  if (extra && "errorOutput" in extra) states.errorOutput = extra.errorOutput as Json;
  return { states, vars: f.vars ? { ...outer, ...f.vars } : outer };
}

function runtimeError(_f: Frame, msg: string): StatesError {
  return new StatesError("States.Runtime", msg);
}

/** InputPath / OutputPath / ItemsPath-like selection: States.Runtime when nothing matches. */
function selectPath(c: Ctx, f: Frame, outer: JsonObject, st: State, field: string, value: Json): Json {
  if (!(field in st)) return value;
  const p = st[field];
  if (p === null) return {};
  try {
    return evalPath(p as string, roots(c, f, outer, value));
  } catch (e) {
    if (e instanceof PathNotFound) {
      const segs = parsePath(p as string).segs.map((g) => (g.t === "field" ? `['${g.name}']` : g.t === "index" ? `[${g.i}]` : "")).join("");
      throw runtimeError(f, `Invalid path '${p as string}' : No results for path: $${segs}`);
    }
    throw e;
  }
}

function numberField(c: Ctx, f: Frame, outer: JsonObject, st: State, name: string, eff: Json, opts: { integer?: boolean; min?: number } = {}): number | undefined {
  let v: Json | undefined = st[name];
  if (v === undefined && typeof st[name + "Path"] === "string") {
    try {
      v = evalPath(st[name + "Path"] as string, roots(c, f, outer, eff));
    } catch (e) {
      if (e instanceof PathNotFound) throw runtimeError(f, `Invalid path '${st[name + "Path"] as string}' for field ${name}Path: No results`);
      throw e;
    }
    if (typeof v !== "number" || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min))
      throw runtimeError(f, `The value of ${name}Path must be a ${opts.integer ? "integer" : "number"}${opts.min !== undefined ? ` >= ${opts.min}` : ""}, got ${JSON.stringify(v)}`);
  }
  return v === undefined ? undefined : (v as number);
}

async function jsonataNumber(c: Ctx, f: Frame, outer: JsonObject, st: State, name: string): Promise<number | undefined> {
  const v = st[name];
  if (v === undefined) return undefined;
  if (typeof v === "number") return v;
  const r = await evalJsonataRequired(v, jsonataScope(c, f, outer), c.ports, name);
  if (typeof r !== "number") throw new StatesError("States.QueryEvaluationError", `The field '${name}' must evaluate to a number, got ${JSON.stringify(r)}`);
  return r;
}

/** Result handling after a state produced `result`: ResultSelector, ResultPath, OutputPath, Assign (JSONPath) or Output, Assign (JSONata). */
async function produceOutput(
  c: Ctx,
  f: Frame,
  st: State,
  result: Json,
  outer: JsonObject,
  opts: { noResult?: boolean; rule?: State } = {},
): Promise<{ output: Json; assigned?: JsonObject }> {
  if (isJsonata(c, st)) {
    const scope = jsonataScope(c, f, outer, opts.noResult ? {} : { result });
    const outTpl = opts.rule?.Output ?? st.Output;
    const output = outTpl !== undefined ? await evalJsonataRequired(outTpl, scope, c.ports, "Output") : opts.noResult ? f.input : result;
    const assigned = await assignJsonata(c, scope, st.Assign, opts.rule?.Assign);
    applyAssign(f, assigned);
    return { output, assigned };
  }
  let r = result;
  if (!opts.noResult && st.ResultSelector !== undefined) r = applyTemplate(st.ResultSelector, roots(c, f, outer, result), c.ports, "ResultSelector");
  let combined: Json;
  if (opts.noResult) combined = result;
  else if (!("ResultPath" in st) || st.ResultPath === "$") combined = r;
  else if (st.ResultPath === null) combined = f.input;
  else {
    try {
      combined = setPath(f.input, st.ResultPath as string, r);
    } catch (e) {
      if (e instanceof ResultPathMatchFailure)
        throw new StatesError("States.ResultPathMatchFailure", `Unable to apply ResultPath "${st.ResultPath as string}" to input ${str(f.input)}: ${e.message}`);
      throw e;
    }
  }
  let assigned: JsonObject | undefined;
  if (st.Assign !== undefined || opts.rule?.Assign !== undefined) {
    assigned = {};
    const rts = roots(c, f, outer, r, { states: opts.noResult ? {} : { result: r } });
    for (const tpl of [st.Assign, opts.rule?.Assign]) if (tpl) Object.assign(assigned, applyTemplate(tpl, rts, c.ports, "Assign") as JsonObject);
  }
  const output = selectPath(c, f, outer, st, "OutputPath", combined);
  applyAssign(f, assigned);
  return { output, assigned };
}

async function assignJsonata(c: Ctx, scope: JsonataScope, ...tpls: (Json | undefined)[]): Promise<JsonObject | undefined> {
  let out: JsonObject | undefined;
  for (const tpl of tpls) {
    if (tpl === undefined) continue;
    const v = await evalJsonata(tpl, scope, c.ports, "Assign");
    if (v && typeof v === "object" && !Array.isArray(v)) out = { ...(out ?? {}), ...v };
  }
  return out;
}

function applyAssign(f: Frame, assigned: JsonObject | undefined) {
  if (assigned && Object.keys(assigned).length) f.vars = { ...(f.vars ?? {}), ...assigned };
}

function transition(c: Ctx, f: Frame, st: State, output: Json, assigned?: JsonObject, next?: string) {
  const details: Record<string, unknown> = { name: f.name, output: str(output), outputDetails: { truncated: false } };
  if (assigned && Object.keys(assigned).length) {
    details.assignedVariables = Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, str(v)]));
    details.assignedVariablesDetails = { truncated: false };
  }
  emit(c, f, `${st.Type as string}StateExited`, { stateExitedEventDetails: details });
  const target = next ?? (st.Next as string | undefined);
  if (st.Type === "Succeed" || (!target && st.End === true)) {
    f.phase = "done";
    f.result = output;
    return;
  }
  f.name = target!;
  f.input = output;
  f.phase = "run";
  f.entered = c.now;
  f.retries = undefined;
  f.retryCount = undefined;
  f.lastFan = undefined;
  f.lastMapRun = undefined;
}

// ------------------------------------------------------------------------------------ running

async function runFrame(c: Ctx, f: Frame, outer: JsonObject): Promise<void> {
  while (f.phase === "run") {
    const st = stateOf(c, f);
    f.entered = c.now;
    f.enteredId = emit(c, f, `${st.Type as string}StateEntered`, {
      stateEnteredEventDetails: { name: f.name, input: str(f.input), inputDetails: { truncated: false } },
    });
    await guarded(c, f, st, outer, () => act(c, f, st, outer));
  }
}

/** Runs a step; a StatesError goes to Retry/Catch. */
async function guarded(c: Ctx, f: Frame, st: State, outer: JsonObject, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof StatesError)) throw e;
    // AWS prefixes the engine's own errors with the state and the id of its Entered event
    // (seen in real histories, e.g. floci-io/floci#2868).
    const cause =
      e.error === "States.NoChoiceMatched" || f.enteredId === undefined
        ? e.causeText
        : `An error occurred while executing the state '${f.name}' (entered at the event id #${f.enteredId}). ${e.causeText}`;
    await handleError(c, f, st, e.error, cause, outer);
  }
}

async function act(c: Ctx, f: Frame, st: State, outer: JsonObject): Promise<void> {
  switch (st.Type) {
    case "Pass":
      return actPass(c, f, st, outer);
    case "Task":
      return actTask(c, f, st, outer);
    case "Choice":
      return actChoice(c, f, st, outer);
    case "Wait":
      return actWait(c, f, st, outer);
    case "Succeed": {
      if (isJsonata(c, st)) {
        const out = await produceOutput(c, f, st, f.input, outer, { noResult: true });
        return transition(c, f, st, out.output, out.assigned);
      }
      const eff = selectPath(c, f, outer, st, "InputPath", f.input);
      return transition(c, f, st, selectPath(c, f, outer, st, "OutputPath", eff));
    }
    case "Fail":
      return actFail(c, f, st, outer);
    case "Parallel":
    case "Map":
      return actFan(c, f, st, outer);
  }
  throw runtimeError(f, `Unknown state type ${String(st.Type)}`);
}

async function actPass(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  if (isJsonata(c, st)) {
    const out = await produceOutput(c, f, st, f.input, outer, { noResult: true });
    return transition(c, f, st, out.output, out.assigned);
  }
  const eff = selectPath(c, f, outer, st, "InputPath", f.input);
  const result = st.Result !== undefined ? st.Result : st.Parameters !== undefined ? applyTemplate(st.Parameters, roots(c, f, outer, eff), c.ports, "Parameters") : eff;
  const out = await produceOutput(c, f, st, result, outer);
  transition(c, f, st, out.output, out.assigned);
}

function splitResource(c: Ctx, resource: string): { resourceType: string; resource: string; region: string } {
  const region = c.s.exec.arn.split(":")[3] ?? "us-east-1";
  const p = resource.split(":");
  if (p[2] === "states" && p[3] === "" && p[4] === "") {
    if (p[5] === "aws-sdk") return { resourceType: `aws-sdk:${p[6]}`, resource: p.slice(7).join(":"), region };
    return { resourceType: p[5], resource: p.slice(6).join(":"), region };
  }
  if (p[2] === "lambda") return { resourceType: "lambda", resource, region: p[3] || region };
  if (p[2] === "states" && p[5] === "activity") return { resourceType: "activity", resource, region: p[3] || region };
  return { resourceType: p[2] ?? "unknown", resource, region };
}

function resourceDetails(c: Ctx, resource: string) {
  const r = splitResource(c, resource);
  return { resourceType: r.resourceType, resource: r.resource };
}

async function actTask(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  const resource = st.Resource as string;
  const pattern: IntegrationPattern = resource.endsWith(".waitForTaskToken")
    ? "WAIT_FOR_TASK_TOKEN"
    : /\.sync(:\d+)?$/.test(resource)
      ? "RUN_JOB"
      : "REQUEST_RESPONSE";
  const baseResource = resource.replace(/\.(waitForTaskToken|sync(:\d+)?)$/, "");
  const token = pattern === "WAIT_FOR_TASK_TOKEN" ? c.ports.newId() : undefined;
  let input: Json;
  let timeout: number | undefined;
  let heartbeat: number | undefined;
  let credentials: Json | undefined;
  if (isJsonata(c, st)) {
    const scope = jsonataScope(c, f, outer, { token });
    input = st.Arguments !== undefined ? await evalJsonataRequired(st.Arguments, scope, c.ports, "Arguments") : f.input;
    timeout = await jsonataNumber(c, f, outer, st, "TimeoutSeconds");
    heartbeat = await jsonataNumber(c, f, outer, st, "HeartbeatSeconds");
    if (st.Credentials !== undefined) credentials = await evalJsonata(st.Credentials, scope, c.ports, "Credentials");
  } else {
    const eff = selectPath(c, f, outer, st, "InputPath", f.input);
    input = st.Parameters !== undefined ? applyTemplate(st.Parameters, roots(c, f, outer, eff, { token }), c.ports, "Parameters") : eff;
    timeout = numberField(c, f, outer, st, "TimeoutSeconds", eff, { integer: true, min: 1 });
    heartbeat = numberField(c, f, outer, st, "HeartbeatSeconds", eff, { integer: true, min: 1 });
    if (st.Credentials !== undefined) credentials = applyTemplate(st.Credentials, roots(c, f, outer, eff), c.ports, "Credentials");
  }
  const taskId = `task-${++c.s.seq}`;
  const rd = splitResource(c, resource);
  const kind = taskKind(resource);
  const awaitsStart = kind === "activity";
  f.task = { id: taskId, resource, token, started: !awaitsStart, kind };
  f.phase = "task";
  // Task* details name the resource type and parameters; Activity* and LambdaFunction* the ARN and input.
  const sched: Record<string, unknown> =
    kind === "task" ? { region: rd.region, parameters: str(input) } : { resource, input: str(input), inputDetails: { truncated: false } };
  if (timeout !== undefined) sched.timeoutInSeconds = timeout;
  if (heartbeat !== undefined && kind !== "lambda") sched.heartbeatInSeconds = heartbeat;
  emitTask(c, f, f.task, "scheduled", sched);
  c.effects.push({
    type: "InvokeTask",
    taskId,
    resource,
    baseResource,
    pattern,
    input,
    taskToken: token,
    timeoutSeconds: timeout,
    heartbeatSeconds: heartbeat,
    credentials,
    stateName: f.name,
    awaitsStart,
  });
  if (!awaitsStart) emitTask(c, f, f.task, "started", {});
  if (timeout !== undefined) f.task.timeoutTimer = startTimer(c, c.now + timeout * 1000, "TaskTimeout");
  if (heartbeat !== undefined) {
    f.task.heartbeatMs = heartbeat * 1000;
    f.task.heartbeatTimer = startTimer(c, c.now + heartbeat * 1000, "HeartbeatTimeout");
  }
}

async function actChoice(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  const choices = (st.Choices ?? []) as State[];
  if (isJsonata(c, st)) {
    const scope = jsonataScope(c, f, outer);
    for (let i = 0; i < choices.length; i++) {
      const rule = choices[i];
      const v = isJsonataExpr(rule.Condition) ? await evalJsonata(rule.Condition, scope, c.ports, `Choices[${i}].Condition`) : rule.Condition;
      if (typeof v !== "boolean")
        throw new StatesError("States.QueryEvaluationError", `The Condition of Choices[${i}] must evaluate to a boolean, got ${JSON.stringify(v ?? null)}`);
      c.explain.push(`${f.name}: Choices[${i}] ${v ? "matched" : "did not match"}: ${String(rule.Condition)}`);
      if (v) {
        const out = await produceOutput(c, f, st, f.input, outer, { noResult: true, rule });
        return transition(c, f, st, out.output, out.assigned, rule.Next as string);
      }
    }
    if (typeof st.Default !== "string") throw new StatesError("States.NoChoiceMatched", `No Matches!`);
    c.explain.push(`${f.name}: no rule matched, Default ${st.Default}`);
    const out = await produceOutput(c, f, st, f.input, outer, { noResult: true });
    return transition(c, f, st, out.output, out.assigned, st.Default);
  }
  const eff = selectPath(c, f, outer, st, "InputPath", f.input);
  const trace = chooseRule(choices, roots(c, f, outer, eff));
  c.explain.push(...trace.explain.map((l) => `${f.name}: ${l}`));
  let next: string;
  let rule: State | undefined;
  if (trace.matched >= 0) {
    rule = choices[trace.matched];
    next = rule.Next as string;
  } else if (typeof st.Default === "string") {
    next = st.Default;
    c.explain.push(`${f.name}: no rule matched, Default ${next}`);
  } else throw new StatesError("States.NoChoiceMatched", `No Matches!`);
  const out = await produceOutput(c, f, st, eff, outer, { noResult: true, rule });
  transition(c, f, st, out.output, out.assigned, next);
}

async function actWait(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  let at: number;
  if (isJsonata(c, st)) {
    if (st.Seconds !== undefined) {
      const s = await jsonataNumber(c, f, outer, st, "Seconds");
      at = c.now + (s ?? 0) * 1000;
    } else {
      const ts = typeof st.Timestamp === "string" && isJsonataExpr(st.Timestamp) ? await evalJsonata(st.Timestamp, jsonataScope(c, f, outer), c.ports, "Timestamp") : st.Timestamp;
      const ms = parseTimestamp(ts);
      if (ms === undefined) throw new StatesError("States.QueryEvaluationError", `The Timestamp ${JSON.stringify(ts ?? null)} is not an ISO-8601 timestamp`);
      at = Math.floor(ms);
    }
  } else {
    const eff = selectPath(c, f, outer, st, "InputPath", f.input);
    if (st.Seconds !== undefined || st.SecondsPath !== undefined) {
      const s = numberField(c, f, outer, st, "Seconds", eff, { integer: true, min: 0 })!;
      at = c.now + s * 1000;
    } else {
      let ts: Json | undefined = st.Timestamp;
      if (ts === undefined) {
        try {
          ts = evalPath(st.TimestampPath as string, roots(c, f, outer, eff));
        } catch (e) {
          if (e instanceof PathNotFound) throw runtimeError(f, `Invalid path '${st.TimestampPath as string}' for field TimestampPath: No results`);
          throw e;
        }
      }
      const ms = parseTimestamp(ts);
      if (ms === undefined) throw runtimeError(f, `The TimestampPath value ${JSON.stringify(ts)} is not an ISO-8601 timestamp`);
      at = Math.floor(ms);
    }
  }
  f.phase = "wait";
  f.timer = startTimer(c, at, "Wait");
  c.explain.push(`${f.name}: waiting until ${iso(at)}`);
}

async function finishWait(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  if (isJsonata(c, st)) {
    const out = await produceOutput(c, f, st, f.input, outer, { noResult: true });
    return transition(c, f, st, out.output, out.assigned);
  }
  const eff = selectPath(c, f, outer, st, "InputPath", f.input);
  const out = await produceOutput(c, f, st, eff, outer, { noResult: true });
  transition(c, f, st, out.output, out.assigned);
}

async function actFail(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  let error: Json | undefined = st.Error;
  let cause: Json | undefined = st.Cause;
  if (isJsonata(c, st)) {
    const scope = jsonataScope(c, f, outer);
    if (isJsonataExpr(error)) error = await evalJsonata(error, scope, c.ports, "Error");
    if (isJsonataExpr(cause)) cause = await evalJsonata(cause, scope, c.ports, "Cause");
  } else {
    const rts = roots(c, f, outer, f.input);
    if (typeof st.ErrorPath === "string") error = resolveDollar(st.ErrorPath, "ErrorPath", rts, c.ports, "States.Runtime");
    if (typeof st.CausePath === "string") cause = resolveDollar(st.CausePath, "CausePath", rts, c.ports, "States.Runtime");
  }
  f.phase = "failed";
  f.err = { error: error === undefined || error === null ? "" : String(error), cause: cause === undefined || cause === null ? "" : String(cause) };
}

// ------------------------------------------------------------------------------------ Map and Parallel

async function actFan(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  f.lastFan = undefined;
  const jsonataMode = isJsonata(c, st);
  let fan: Fan;
  if (st.Type === "Parallel") {
    let input: Json;
    if (jsonataMode) input = st.Arguments !== undefined ? await evalJsonataRequired(st.Arguments, jsonataScope(c, f, outer), c.ports, "Arguments") : f.input;
    else {
      const eff = selectPath(c, f, outer, st, "InputPath", f.input);
      input = st.Parameters !== undefined ? applyTemplate(st.Parameters, roots(c, f, outer, eff), c.ports, "Parameters") : eff;
    }
    const n = (st.Branches as Json[]).length;
    fan = { kind: "parallel", total: n, input, results: new Array<Json>(n).fill(null), running: [], next: 0, max: 0, failed: 0 };
    f.fan = fan;
    f.phase = "fan";
    emit(c, f, "ParallelStateStarted", {});
  } else if (isDistributed(st)) {
    return actDistributedMap(c, f, st, outer);
  } else {
    const input = jsonataMode ? f.input : selectPath(c, f, outer, st, "InputPath", f.input);
    const items = await mapItems(c, f, outer, st, input);
    let max: number | undefined;
    let tc: number | undefined;
    let tp: number | undefined;
    if (jsonataMode) {
      max = await jsonataNumber(c, f, outer, st, "MaxConcurrency");
      tc = await jsonataNumber(c, f, outer, st, "ToleratedFailureCount");
      tp = await jsonataNumber(c, f, outer, st, "ToleratedFailurePercentage");
    } else {
      max = numberField(c, f, outer, st, "MaxConcurrency", input, { integer: true, min: 0 });
      tc = numberField(c, f, outer, st, "ToleratedFailureCount", input, { integer: true, min: 0 });
      tp = numberField(c, f, outer, st, "ToleratedFailurePercentage", input, { min: 0 });
    }
    // Checked after the concurrency and tolerance fields: their errors come first.
    itemsArray(f, items);
    fan = { kind: "map", total: items.length, items, input, results: new Array<Json>(items.length).fill(null), running: [], next: 0, max: max ?? 0, failed: 0 };
    if (tc !== undefined) fan.toleratedCount = tc;
    if (tp !== undefined) fan.toleratedPct = tp;
    f.fan = fan;
    f.phase = "fan";
    emit(c, f, "MapStateStarted", { mapStateStartedEventDetails: { length: items.length } });
  }
  await pumpFan(c, f, st, outer);
}

/**
 * A Map state's items, not yet checked to be an array: Items (JSONata; the state input without
 * it), or ItemsPath over `eff`, the effective input (JSONPath; `eff` itself without it).
 */
async function mapItems(c: Ctx, f: Frame, outer: JsonObject, st: State, eff: Json): Promise<Json> {
  if (isJsonata(c, st)) return st.Items !== undefined ? evalJsonataRequired(st.Items, jsonataScope(c, f, outer), c.ports, "Items") : f.input;
  if (typeof st.ItemsPath !== "string") return eff;
  try {
    return evalPath(st.ItemsPath, roots(c, f, outer, eff));
  } catch (e) {
    if (e instanceof PathNotFound) throw runtimeError(f, `Invalid path '${st.ItemsPath}' : No results for ItemsPath`);
    throw e;
  }
}

function itemsArray(f: Frame, items: Json): asserts items is Json[] {
  if (!Array.isArray(items)) throw runtimeError(f, `Items of the Map state must be a JSON array, got ${str(items)}`);
}

const isDistributed = (st: State) => ((st.ItemProcessor as JsonObject | undefined)?.ProcessorConfig as JsonObject | undefined)?.Mode === "DISTRIBUTED";

/** A JSONPath template or a JSONata value of a distributed Map's sub-field (ItemReader.Parameters/Arguments...). */
async function evalField(c: Ctx, f: Frame, outer: JsonObject, st: State, tpl: Json | undefined, eff: Json, field: string): Promise<Json | undefined> {
  if (tpl === undefined) return undefined;
  if (isJsonata(c, st)) return evalJsonataRequired(tpl, jsonataScope(c, f, outer), c.ports, field);
  return applyTemplate(tpl, roots(c, f, outer, eff), c.ports, field);
}

/** A number sub-field with its Path variant (MaxItems/MaxItemsPath, MaxItemsPerBatch/MaxItemsPerBatchPath...). */
async function numberSubField(c: Ctx, f: Frame, outer: JsonObject, st: State, obj: JsonObject, name: string, eff: Json): Promise<number | undefined> {
  if (isJsonata(c, st) && isJsonataExpr(obj[name])) {
    const v = await evalJsonataRequired(obj[name], jsonataScope(c, f, outer), c.ports, name);
    if (typeof v !== "number") throw new StatesError("States.QueryEvaluationError", `The field '${name}' must evaluate to a number, got ${JSON.stringify(v)}`);
    return v;
  }
  return numberField(c, f, outer, obj, name, eff, { integer: true, min: 0 });
}

/**
 * A distributed Map state: evaluates ItemsPath/Items (or ItemReader), ItemSelector's inputs,
 * ItemBatcher, ResultWriter, MaxConcurrency and the tolerated failures into a MapRunSpec, records
 * MapStateStarted (length 0 with an ItemReader, whose items are not known yet) and MapRunStarted,
 * and waits for the Map Run like a task (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html).
 */
async function actDistributedMap(c: Ctx, f: Frame, st: State, outer: JsonObject) {
  const jsonataMode = isJsonata(c, st);
  const proc = st.ItemProcessor as JsonObject;
  const cfg = proc.ProcessorConfig as JsonObject;
  const eff = jsonataMode ? f.input : selectPath(c, f, outer, st, "InputPath", f.input);
  const reader = st.ItemReader as JsonObject | undefined;
  let items: Json[] | undefined;
  if (!reader) {
    const v = await mapItems(c, f, outer, st, eff);
    itemsArray(f, v);
    items = v;
  }
  const num = (name: string) => (jsonataMode ? jsonataNumber(c, f, outer, st, name) : Promise.resolve(numberField(c, f, outer, st, name, eff, { min: 0 })));
  const maxConcurrency = (await num("MaxConcurrency")) ?? 0;
  const toleratedFailureCount = await num("ToleratedFailureCount");
  const toleratedFailurePercentage = await num("ToleratedFailurePercentage");
  // The children run the ItemProcessor as their own state machine, in the parent's query language.
  const definition: JsonObject = { ...proc };
  delete definition.ProcessorConfig;
  const ql = proc.QueryLanguage ?? st.QueryLanguage ?? c.def.QueryLanguage;
  if (ql !== undefined) definition.QueryLanguage = ql;
  // Redriven: the failed or aborted Map Run is redriven under its ARN (redrive-map-run.html).
  const again = f.lastMapRun?.redrive ? f.lastMapRun : undefined;
  const label = typeof st.Label === "string" ? st.Label : again ? again.arn.split(":").at(-2)!.split("/").slice(1).join("/") : c.ports.newId().slice(0, 8);
  const p = c.s.exec.smArn.split(":");
  const mapRunArn = again?.arn ?? `arn:aws:states:${p[3]}:${p[4]}:mapRun:${c.s.exec.smName}/${label}:${c.ports.newId()}`;
  const spec: MapRunSpec = {
    mapRunArn,
    label,
    executionType: cfg.ExecutionType === "EXPRESS" ? "EXPRESS" : "STANDARD",
    definition,
    maxConcurrency,
  };
  if (items) spec.items = items;
  if (toleratedFailureCount !== undefined) spec.toleratedFailureCount = toleratedFailureCount;
  if (toleratedFailurePercentage !== undefined) spec.toleratedFailurePercentage = toleratedFailurePercentage;
  if (reader) {
    const config = { ...((reader.ReaderConfig as JsonObject | undefined) ?? {}) };
    const maxItems = await numberSubField(c, f, outer, st, config, "MaxItems", eff);
    delete config.MaxItemsPath;
    if (maxItems !== undefined) config.MaxItems = maxItems;
    const parameters = await evalField(c, f, outer, st, (jsonataMode ? reader.Arguments : reader.Parameters) ?? {}, eff, jsonataMode ? "Arguments" : "Parameters");
    spec.reader = { resource: String(reader.Resource ?? ""), parameters: (parameters ?? {}) as JsonObject, config };
  }
  const selector = st.ItemSelector ?? st.Parameters;
  if (selector !== undefined) {
    const ctx = contextObject(c, f);
    spec.selector = { template: selector, jsonata: jsonataMode, input: jsonataMode ? f.input : eff, context: ctx, vars: f.vars ? { ...outer, ...f.vars } : outer };
  }
  const batcher = st.ItemBatcher as JsonObject | undefined;
  if (batcher) {
    spec.batcher = {};
    const mi = await numberSubField(c, f, outer, st, batcher, "MaxItemsPerBatch", eff);
    const mb = await numberSubField(c, f, outer, st, batcher, "MaxInputBytesPerBatch", eff);
    if (mi !== undefined) spec.batcher.maxItems = mi;
    if (mb !== undefined) spec.batcher.maxBytes = mb;
    const bi = await evalField(c, f, outer, st, batcher.BatchInput, eff, "BatchInput");
    if (bi !== undefined) spec.batcher.batchInput = bi;
  }
  const writer = st.ResultWriter as JsonObject | undefined;
  if (writer) {
    const wc = (writer.WriterConfig as JsonObject | undefined) ?? {};
    spec.writer = {};
    if (writer.Resource !== undefined) spec.writer.resource = String(writer.Resource);
    const wp = await evalField(c, f, outer, st, jsonataMode ? writer.Arguments : writer.Parameters, eff, jsonataMode ? "Arguments" : "Parameters");
    if (wp !== undefined) spec.writer.parameters = wp as JsonObject;
    if (typeof wc.Transformation === "string") spec.writer.transformation = wc.Transformation;
    if (typeof wc.OutputType === "string") spec.writer.outputType = wc.OutputType;
  }
  emit(c, f, "MapStateStarted", { mapStateStartedEventDetails: { length: items?.length ?? 0 } });
  if (again) {
    again.redrives += 1;
    again.redrive = undefined;
    spec.redrive = true;
    emit(c, f, "MapRunRedriven", { mapRunRedrivenEventDetails: { mapRunArn, redriveCount: again.redrives } });
  } else {
    f.lastMapRun = undefined;
    emit(c, f, "MapRunStarted", { mapRunStartedEventDetails: { mapRunArn } });
  }
  const taskId = `task-${++c.s.seq}`;
  f.task = { id: taskId, resource: "mapRun", kind: "mapRun", mapRunArn, started: true };
  f.phase = "task";
  c.effects.push({ type: "StartMapRun", taskId, stateName: f.name, spec });
}

async function launch(c: Ctx, f: Frame, st: State, i: number, childOuter: JsonObject, outer: JsonObject): Promise<Frame> {
  const fan = f.fan!;
  if (fan.kind === "parallel") {
    const branch = (st.Branches as JsonObject[])[i];
    const ch: Frame = { scope: [...f.scope, f.name, i], name: branch.StartAt as string, input: fan.input, entered: c.now, prev: f.prev, phase: "run", index: i };
    await runFrame(c, ch, childOuter);
    return ch;
  }
  const proc = (st.ItemProcessor ?? st.Iterator) as JsonObject;
  const value = fan.items![i];
  const item = { index: i, value };
  let input: Json = value;
  const selector = st.ItemSelector ?? st.Parameters;
  if (selector !== undefined) {
    if (isJsonata(c, st)) input = await evalJsonataRequired(selector, jsonataScope(c, f, outer, { item }), c.ports, "ItemSelector");
    else input = applyTemplate(selector, roots(c, f, outer, fan.input, { item }), c.ports, "ItemSelector");
  }
  const startedId = emit(c, { ...f }, "MapIterationStarted", { mapIterationStartedEventDetails: { name: f.name, index: i } });
  const ch: Frame = { scope: [...f.scope, f.name], name: proc.StartAt as string, input, entered: c.now, prev: startedId, phase: "run", index: i, item };
  await runFrame(c, ch, childOuter);
  return ch;
}

/** Collects finished children, launches more within MaxConcurrency, completes or fails the state. */
async function pumpFan(c: Ctx, f: Frame, st: State, outer: JsonObject): Promise<void> {
  const fan = f.fan;
  if (!fan || f.phase !== "fan") return;
  const childOuter = f.vars ? { ...outer, ...f.vars } : outer;
  let failure: { error: string; cause: string } | undefined;
  // The children that failed the state (run again by a redrive) and whether an ItemSelector did.
  const failedFrames: Frame[] = [];
  let selectorFailed = false;
  const settle = (ch: Frame) => {
    const i = ch.index!;
    if (ch.phase === "done") {
      fan.results[i] = ch.result ?? null;
      if (fan.kind === "map") emit(c, ch, "MapIterationSucceeded", { mapIterationSucceededEventDetails: { name: f.name, index: i } });
      return;
    }
    const err = ch.err ?? { error: "States.Runtime", cause: "" };
    if (fan.kind === "parallel") {
      failure ??= err;
      failedFrames.push(ch);
      return;
    }
    emit(c, ch, "MapIterationFailed", { mapIterationFailedEventDetails: { name: f.name, index: i, error: err.error, cause: err.cause } });
    fan.failed++;
    // DEVIATION: AWS applies tolerated failures to Distributed Map; here inline Map honours them too,
    // and a tolerated failed iteration leaves {Error, Cause} in its result slot.
    fan.results[i] = { Error: err.error, Cause: err.cause };
    const hasTolerance = fan.toleratedCount !== undefined || fan.toleratedPct !== undefined;
    if (!hasTolerance) {
      failure ??= err;
      failedFrames.push(ch);
      return;
    }
    const countOk = fan.toleratedCount === undefined || fan.failed <= fan.toleratedCount;
    const pctOk = fan.toleratedPct === undefined || (fan.failed * 100) / fan.total <= fan.toleratedPct;
    const bothSet = fan.toleratedCount !== undefined && fan.toleratedPct !== undefined;
    const ok = bothSet ? countOk || pctOk : countOk && pctOk;
    if (!ok) {
      failure ??= {
        error: "States.ExceedToleratedFailureThreshold",
        cause: `The specified tolerated failure threshold was exceeded: ${fan.failed} of ${fan.total} iterations failed`,
      };
      failedFrames.push(ch);
    }
  };
  fan.running = fan.running.filter((ch) => {
    if (ch.phase === "done" || ch.phase === "failed") {
      settle(ch);
      return false;
    }
    return true;
  });
  while (!failure && fan.next < fan.total && (fan.max === 0 || fan.running.length < fan.max)) {
    let ch: Frame;
    try {
      ch = await launch(c, f, st, fan.next++, childOuter, outer);
    } catch (e) {
      // ItemSelector failed for this item: the Map state fails with that error.
      if (!(e instanceof StatesError)) throw e;
      failure = { error: e.error, cause: e.causeText };
      selectorFailed = true;
      break;
    }
    if (ch.phase === "done" || ch.phase === "failed") settle(ch);
    else fan.running.push(ch);
  }
  if (failure) {
    abortFrame(c, f, false);
    // For a redrive: the failed children run again from their failed state, the aborted ones
    // from where they stopped; an item whose ItemSelector failed is launched again.
    f.lastFan!.frames.unshift(...failedFrames);
    if (selectorFailed) f.lastFan!.fan.next -= 1;
    f.fan = undefined;
    emit(c, f, fan.kind === "map" ? "MapStateFailed" : "ParallelStateFailed", {});
    c.explain.push(`${f.name}: ${fan.kind === "map" ? "an iteration" : "a branch"} failed with ${failure.error}`);
    await handleError(c, f, st, failure.error, failure.cause, outer);
    return;
  }
  if (fan.running.length === 0 && fan.next >= fan.total) {
    f.fan = undefined;
    emit(c, f, fan.kind === "map" ? "MapStateSucceeded" : "ParallelStateSucceeded", {});
    await guarded(c, f, st, outer, async () => {
      const out = await produceOutput(c, f, st, fan.results, outer);
      transition(c, f, st, out.output, out.assigned);
    });
  }
}

// ------------------------------------------------------------------------------------ Retry and Catch

function matches(errorEquals: Json, error: string): boolean {
  const list = Array.isArray(errorEquals) ? (errorEquals as string[]) : [];
  if (list.includes(error)) return true;
  if (error === "States.Runtime") return false; // AWS: States.ALL does not catch States.Runtime
  if (list.includes("States.ALL")) return true;
  // AWS: States.TaskFailed in Retry/Catch matches any known error except States.Timeout.
  return list.includes("States.TaskFailed") && error !== "States.Timeout";
}

async function handleError(c: Ctx, f: Frame, st: State, error: string, cause: string, outer: JsonObject): Promise<void> {
  f.task = undefined;
  const retriers = (st.Retry ?? []) as State[];
  for (let i = 0; i < retriers.length; i++) {
    const r = retriers[i];
    if (!matches(r.ErrorEquals, error)) continue;
    const used = f.retries?.[i] ?? 0;
    const max = typeof r.MaxAttempts === "number" ? r.MaxAttempts : 3;
    if (used >= max) {
      c.explain.push(`${f.name}: ${error} matched Retry[${i}] but its ${max} attempt(s) are used up`);
      break;
    }
    const interval = typeof r.IntervalSeconds === "number" ? r.IntervalSeconds : 1;
    const backoff = typeof r.BackoffRate === "number" ? r.BackoffRate : 2;
    let delay = interval * Math.pow(backoff, used);
    if (typeof r.MaxDelaySeconds === "number") delay = Math.min(delay, r.MaxDelaySeconds);
    if (r.JitterStrategy === "FULL") delay = c.ports.random() * delay;
    const ms = Math.round(delay * 1000);
    f.retries = f.retries ?? [];
    f.retries[i] = used + 1;
    f.retryCount = (f.retryCount ?? 0) + 1;
    f.phase = "retry";
    f.timer = startTimer(c, c.now + ms, "Retry");
    c.explain.push(`${f.name}: ${error} matched Retry[${i}], attempt ${used + 1} of ${max} in ${ms / 1000}s`);
    return;
  }
  const catchers = (st.Catch ?? []) as State[];
  for (let i = 0; i < catchers.length; i++) {
    const r = catchers[i];
    if (!matches(r.ErrorEquals, error)) continue;
    const errorOutput: JsonObject = { Error: error, Cause: cause };
    c.explain.push(`${f.name}: ${error} caught by Catch[${i}], next ${String(r.Next)}`);
    try {
      let output: Json;
      let assigned: JsonObject | undefined;
      if (isJsonata(c, st)) {
        const scope = jsonataScope(c, f, outer, { errorOutput });
        output = r.Output !== undefined ? await evalJsonataRequired(r.Output, scope, c.ports, "Output") : errorOutput;
        assigned = await assignJsonata(c, scope, r.Assign);
      } else {
        if (!("ResultPath" in r) || r.ResultPath === "$") output = errorOutput;
        else if (r.ResultPath === null) output = f.input;
        else {
          try {
            output = setPath(f.input, r.ResultPath as string, errorOutput);
          } catch (e) {
            if (e instanceof ResultPathMatchFailure) throw new StatesError("States.ResultPathMatchFailure", e.message);
            throw e;
          }
        }
        if (r.Assign !== undefined)
          assigned = applyTemplate(r.Assign, roots(c, f, outer, errorOutput, { states: { errorOutput } }), c.ports, "Assign") as JsonObject;
      }
      applyAssign(f, assigned);
      transition(c, f, st, output, assigned, r.Next as string);
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      f.phase = "failed";
      f.err = { error: e.error, cause: e.causeText };
    }
    return;
  }
  f.phase = "failed";
  f.err = { error, cause };
}

