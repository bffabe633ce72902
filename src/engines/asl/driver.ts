/**
 * A small in-memory driver for the reducer: resolves InvokeTask effects with functions, runs
 * timers on a fake clock (jumping straight to the next deadline), and records everything.
 * Used by the engine's tests and handy for a service's TestState / unit tests. It is not the
 * durable runner: no persistence, one execution, events processed in FIFO order.
 */
import { advance, startExecution, type AdvanceResult } from "./interpreter.js";
import type { Effect, EngineEvent, ExecutionContextInput, ExecutionState, HistoryEvent, Json, JsonObject, Ports } from "./types.js";

export type TaskOutcome = { output: Json } | { error: string; cause?: string } | "pending";

export interface TaskCall {
  effect: Extract<Effect, { type: "InvokeTask" }>;
  /** How many times this driver invoked tasks of this state so far (1 = first). */
  call: number;
  now: number;
}

export interface DriverOptions {
  /** Called for every InvokeTask; "pending" leaves the task open (callbacks: use onIdle). */
  handler: (call: TaskCall) => TaskOutcome;
  /** Called when nothing else can happen; return events to feed (e.g. SendTaskSuccess), or none to stop. */
  onIdle?: (d: DriverRun) => EngineEvent[];
  startTime?: number;
  context?: Partial<ExecutionContextInput>;
  random?: () => number;
  maxSteps?: number;
  /** JSON round-trip the state after every step, as a durable service would (default true). */
  roundTrip?: boolean;
}

export interface DriverRun {
  state: ExecutionState;
  history: HistoryEvent[];
  effects: Effect[];
  explain: string[];
  /** Timer effects with their delay from the moment they were requested (ms). */
  timers: { timerId: string; reason: string; delayMs: number }[];
  /** Tasks waiting for a callback: taskToken -> effect. */
  pendingTokens: Map<string, Extract<Effect, { type: "InvokeTask" }>>;
  maxOutstanding: number;
  steps: number;
  now: number;
}

export async function runExecution(definition: JsonObject, input: Json, opts: DriverOptions): Promise<DriverRun> {
  let now = opts.startTime ?? Date.UTC(2026, 0, 1);
  let ids = 0;
  const ports: Ports = {
    now: () => now,
    newId: () => {
      const n = (++ids).toString(16).padStart(12, "0");
      return `00000000-0000-4000-8000-${n}`;
    },
    random: opts.random ?? (() => 0.5),
  };
  const ctx: ExecutionContextInput = {
    executionArn: "arn:aws:states:us-east-1:000000000000:execution:Machine:run-1",
    name: "run-1",
    stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:Machine",
    stateMachineName: "Machine",
    roleArn: "arn:aws:iam::000000000000:role/StepFunctionsRole",
    ...opts.context,
  };
  const calls = new Map<string, number>();
  const queue: EngineEvent[] = [];
  const timers = new Map<string, number>();
  const outstanding = new Set<string>();
  const run: DriverRun = {
    state: undefined as unknown as ExecutionState,
    history: [],
    effects: [],
    explain: [],
    timers: [],
    pendingTokens: new Map(),
    maxOutstanding: 0,
    steps: 0,
    now,
  };
  const absorb = (r: AdvanceResult) => {
    run.state = opts.roundTrip === false ? r.state : (JSON.parse(JSON.stringify(r.state)) as ExecutionState);
    run.history.push(...r.historyEvents);
    run.effects.push(...r.effects);
    run.explain.push(...r.explain);
    run.steps++;
    for (const e of r.effects) {
      if (e.type === "InvokeTask") {
        outstanding.add(e.taskId);
        run.maxOutstanding = Math.max(run.maxOutstanding, outstanding.size);
        const n = (calls.get(e.stateName) ?? 0) + 1;
        calls.set(e.stateName, n);
        const out = opts.handler({ effect: e, call: n, now });
        if (out === "pending") {
          if (e.taskToken) run.pendingTokens.set(e.taskToken, e);
        } else if ("output" in out) queue.push({ type: "TaskSucceeded", taskId: e.taskId, output: out.output });
        else queue.push({ type: "TaskFailed", taskId: e.taskId, error: out.error, cause: out.cause });
      } else if (e.type === "CancelTask") {
        outstanding.delete(e.taskId);
        if (e.taskToken) run.pendingTokens.delete(e.taskToken);
      } else if (e.type === "StartTimer") {
        timers.set(e.timerId, e.at);
        run.timers.push({ timerId: e.timerId, reason: e.reason, delayMs: e.at - now });
      } else if (e.type === "CancelTimer") timers.delete(e.timerId);
    }
  };
  absorb(await startExecution(definition, input, ctx, ports));
  const max = opts.maxSteps ?? 1_000_000;
  while (run.state.status === "RUNNING" && run.steps < max) {
    let ev = queue.shift();
    // The outside world (callbacks, heartbeats) answers before time moves on.
    if (!ev && opts.onIdle) {
      queue.push(...opts.onIdle(run));
      ev = queue.shift();
    }
    if (!ev && timers.size) {
      const [id, at] = [...timers.entries()].sort((a, b) => a[1] - b[1])[0];
      timers.delete(id);
      now = Math.max(now, at);
      ev = { type: "TimerFired", timerId: id };
    }
    if (!ev) break;
    if (ev.type === "TaskSucceeded" || ev.type === "TaskFailed") {
      if (ev.taskId) outstanding.delete(ev.taskId);
      if (ev.taskToken) {
        const eff = run.pendingTokens.get(ev.taskToken);
        if (eff) outstanding.delete(eff.taskId);
        run.pendingTokens.delete(ev.taskToken);
      }
    }
    absorb(await advance(definition, run.state, ev, ports));
  }
  run.now = now;
  return run;
}
