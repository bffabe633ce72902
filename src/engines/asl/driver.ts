/**
 * A small in-memory driver for the reducer: resolves InvokeTask effects with functions, runs
 * timers on a fake clock (jumping straight to the next deadline), and records everything.
 * Used by the engine's tests and handy for a service's TestState / unit tests. It is not the
 * durable runner: no persistence, one execution, events processed in FIFO order.
 * A distributed Map's Map Run runs here too, in memory: its children one after the other through
 * the same handler, items from spec.items or from `readItems` (the ItemReader's part).
 */
import { batchItems, limitItems, resultFiles, selectItem, thresholdError, toleranceExceeded, transformResults, type ChildResult } from "./distributed.js";
import { advance, redriveExecution, startExecution, type AdvanceResult } from "./interpreter.js";
import { StatesError, type Effect, type EngineEvent, type ExecutionContextInput, type ExecutionState, type HistoryEvent, type Json, type JsonObject, type MapRunSpec, type Ports } from "./types.js";

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
  /** A distributed Map's ItemReader: the items it reads (default: the Map Run fails with States.ItemReaderFailed). */
  readItems?: (reader: NonNullable<MapRunSpec["reader"]>) => Json[];
  /** Redrive this FAILED/TIMED_OUT/ABORTED state instead of starting (history then holds the new events only). */
  redriveFrom?: ExecutionState;
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
  /** Map Runs: the spec, each child's input and final state, and what the ResultWriter would write. */
  mapRuns: { spec: MapRunSpec; children: { input: Json; state: ExecutionState }[]; written?: { key: string; body: string }[] }[];
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
    mapRuns: [],
    maxOutstanding: 0,
    steps: 0,
    now,
  };
  const mapRunJobs: (() => Promise<EngineEvent>)[] = [];
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
      else if (e.type === "StartMapRun") mapRunJobs.push(() => runMapRun(e.taskId, e.spec));
    }
  };
  /** One Map Run: children in item (batch) order until they are done or the tolerance is exceeded. */
  const runMapRun = async (taskId: string, spec: MapRunSpec): Promise<EngineEvent> => {
    const record: DriverRun["mapRuns"][number] = { spec, children: [] };
    run.mapRuns.push(record);
    try {
      let items = spec.items;
      if (!items) {
        if (!opts.readItems) throw new StatesError("States.ItemReaderFailed", "The driver has no readItems option");
        items = opts.readItems(spec.reader!);
      }
      items = limitItems(items, spec.reader?.config);
      const selected: Json[] = [];
      for (let i = 0; i < items.length; i++) selected.push(await selectItem(spec, i, items[i], ports));
      const batches = batchItems(selected, spec.batcher);
      const finished: ChildResult[] = [];
      let failedItems = 0;
      let stopped = batches.length;
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i];
        const name = `child-${i}`;
        const child = await runExecution(spec.definition, b.input, { ...opts, redriveFrom: undefined, startTime: now, context: { name, executionArn: `${spec.mapRunArn}:${name}` } });
        const st = child.state;
        record.children.push({ input: b.input, state: st });
        finished.push({
          executionArn: st.exec.arn, name, stateMachineArn: st.exec.smArn, status: st.status, input: b.input,
          output: st.output, error: st.error, cause: st.cause, startMs: now, stopMs: now,
        });
        if (st.status !== "SUCCEEDED") failedItems += b.items;
        if (toleranceExceeded(failedItems, items.length, spec.toleratedFailureCount, spec.toleratedFailurePercentage)) {
          stopped = i + 1;
          break;
        }
      }
      const failed = stopped < batches.length || toleranceExceeded(failedItems, items.length, spec.toleratedFailureCount, spec.toleratedFailurePercentage);
      if (spec.writer?.resource) {
        const files = resultFiles(spec.mapRunArn, spec.writer, finished, batches.slice(stopped).map((b) => b.input));
        record.written = files.objects;
        if (!failed) return { type: "TaskSucceeded", taskId, output: files.output };
      }
      if (failed) return { type: "TaskFailed", taskId, ...thresholdError() };
      return { type: "TaskSucceeded", taskId, output: transformResults(finished, spec.writer?.transformation) };
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      return { type: "TaskFailed", taskId, error: e.error, cause: e.causeText };
    }
  };
  absorb(opts.redriveFrom ? await redriveExecution(definition, opts.redriveFrom, ports) : await startExecution(definition, input, ctx, ports));
  const max = opts.maxSteps ?? 1_000_000;
  while (run.state.status === "RUNNING" && run.steps < max) {
    if (!queue.length && mapRunJobs.length) queue.push(await mapRunJobs.shift()!());
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
