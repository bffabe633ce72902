/**
 * The execution runner: one per ServiceRuntime (a WeakMap, no module-level state). It drives the
 * ASL engine (src/engines/asl) for every execution:
 *
 *   event -> advance(definition, state, event) -> commit(state, history events, pending tasks) in one
 *   transaction -> perform the effects (timers on runtime.clock, task invocations through the API,
 *   completion of waiters and parent executions).
 *
 * Events of one execution are processed one at a time (a promise chain per execution); executions
 * run concurrently. STANDARD executions are durable: start(runtime) resumes every RUNNING execution
 * from its committed state (timers re-armed at their absolute due time, i.e. with the remaining
 * time; tasks whose invocation was never acknowledged are invoked again; activity tasks and task
 * tokens stay valid). EXPRESS executions live in memory only and are gone with their result.
 * Waits, retry intervals and timeouts follow runtime.clock: a test's `cb.clock.advance(ms)` fires them.
 * Distributed Map runs are coordinated by map-run-runner.ts (StartMapRun effects, the children's
 * completion, aborts); redrive() continues a finished execution (RedriveExecution).
 */
import { randomUUID } from "node:crypto";
import type { ServiceRuntime } from "../../core/index.js";
import {
  advance,
  findTaskByToken,
  pendingWork,
  redriveExecution,
  startExecution,
  type AdvanceResult,
  type Effect,
  type EngineEvent,
  type ExecutionState,
  type HistoryEvent,
  type Json,
  type JsonObject,
  type Ports,
} from "../../engines/asl/index.js";
import { callAwsSdk, destroyClients, invokeLambda, unsupportedResource, type Outcome } from "./integrations.js";
import { abortMapRun, childFinished, resumeMapRuns, startMapRun } from "./map-run-runner.js";
import { loadMockConfig, mockedOutcome } from "./mocks.js";
import { sfnStore, tokenStore, type ExecutionRow } from "./store.js";

type InvokeTask = Extract<Effect, { type: "InvokeTask" }>;
type StartMapRun = Extract<Effect, { type: "StartMapRun" }>;

/**
 * Who waits for an execution: the parent of a child started with states:startExecution.sync /
 * .sync:2 (no kind, as stored before Map Runs existed), or the Map Run of a child execution.
 */
export type ParentLink =
  | {
      kind?: "sync";
      arn: string;
      taskId: string;
      /** "sync" (Output as a string) or "sync2" (Output as JSON). */
      mode: "sync" | "sync2";
    }
  | { kind: "mapRun"; arn: string; idx: number };

export interface Live {
  arn: string;
  account: string;
  region: string;
  def: JsonObject;
  state: ExecutionState;
  express: boolean;
  testCase?: string;
  parent?: ParentLink;
  /** Express executions keep their history here. */
  history?: HistoryEvent[];
  /** TestState's mock: the outcome of every task of this execution. */
  inlineMock?: Outcome;
}

export interface Finished {
  arn: string;
  status: string;
  state: ExecutionState;
  /** Express executions only. */
  history?: HistoryEvent[];
}

export interface Worker {
  rt: ServiceRuntime;
  ports: Ports;
  live: Map<string, Live>;
  queues: Map<string, Promise<unknown>>;
  timers: Map<string, () => void>;
  waiters: Map<string, ((f: Finished) => void)[]>;
  mockCounts: Map<string, number>;
  pollers: Map<string, Set<() => void>>;
  inflight: Set<Promise<unknown>>;
  stopped: boolean;
}

const workers = new WeakMap<ServiceRuntime, Worker>();

export const runnerFor = (rt: ServiceRuntime): Worker => {
  let w = workers.get(rt);
  if (!w) {
    w = {
      rt,
      ports: { now: () => rt.clock.now(), newId: () => randomUUID(), random: () => Math.random() },
      live: new Map(),
      queues: new Map(),
      timers: new Map(),
      waiters: new Map(),
      mockCounts: new Map(),
      pollers: new Map(),
      inflight: new Set(),
      stopped: false,
    };
    workers.set(rt, w);
  }
  return w;
};

export const track = <T>(w: Worker, p: Promise<T>): Promise<T> => {
  w.inflight.add(p);
  void p.finally(() => w.inflight.delete(p)).catch(() => undefined);
  return p;
};

/** Runs fn after every earlier job of the same execution. */
export const enqueue = <T>(w: Worker, arn: string, fn: () => Promise<T> | T): Promise<T> => {
  const prev = w.queues.get(arn) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const settled = next.catch((e) => w.rt.log.error(`states: execution ${arn}: step failed`, e));
  w.queues.set(arn, settled);
  void settled.then(() => {
    if (w.queues.get(arn) === settled) w.queues.delete(arn);
  });
  return track(w, next);
};

// --------------------------------------------------------------------------------------- loading

const parseRow = (row: ExecutionRow): Live => {
  const p = row.parent ? (JSON.parse(row.parent) as ParentLink) : undefined;
  return {
    arn: row.arn,
    account: row.account_id,
    region: row.region,
    def: JSON.parse(row.definition) as JsonObject,
    state: JSON.parse(row.state) as ExecutionState,
    express: false,
    testCase: row.test_case ?? undefined,
    parent: p,
  };
};

const load = (w: Worker, arn: string): Live | undefined => {
  const hit = w.live.get(arn);
  if (hit) return hit;
  const row = sfnStore(w.rt.store).execution(arn);
  if (!row || row.status !== "RUNNING") return undefined;
  const live = parseRow(row);
  w.live.set(arn, live);
  return live;
};

// --------------------------------------------------------------------------------------- commit

const str = (v: Json | undefined) => (v === undefined ? null : JSON.stringify(v));

/** Commits one transition: state, history, outstanding tasks and tokens, in one transaction. */
const commit = (w: Worker, live: Live, r: AdvanceResult, eventTaskId?: string): boolean => {
  live.state = r.state;
  if (live.express) {
    live.history!.push(...r.historyEvents);
    return true;
  }
  const s = sfnStore(w.rt.store);
  const st = r.state;
  return w.rt.store.transaction(() => {
    const done = st.status !== "RUNNING";
    const res = s.commitState(live.arn, st.status, JSON.stringify(st), done ? str(st.output) : null, st.error ?? null, st.cause ?? null, done ? w.ports.now() : null);
    if (res.changes === 0) return false; // the row is gone (reset, deleted)
    s.appendHistory(live.arn, r.historyEvents);
    if (eventTaskId) s.deleteTask(live.arn, eventTaskId);
    putTasks(w, live.arn, r.effects);
    if (done) s.deleteTasksOf(live.arn);
    return true;
  });
};

/** Records the work a transition asked for (invocations, Map Runs) and drops what it cancelled. */
const putTasks = (w: Worker, arn: string, effects: Effect[]) => {
  const s = sfnStore(w.rt.store);
  for (const e of effects) {
    if (e.type === "InvokeTask" || e.type === "StartMapRun") {
      s.putTask(arn, e.taskId, JSON.stringify(e));
      if (e.type === "InvokeTask" && e.taskToken) tokenStore(w.rt.store).put(e.taskToken, arn, e.taskId, true);
    } else if (e.type === "CancelTask") s.deleteTask(arn, e.taskId);
  }
};

// --------------------------------------------------------------------------------------- stepping

/** Feeds one event to an execution; resolves after the transition is committed. */
export const send = (w: Worker, arn: string, event: EngineEvent) =>
  enqueue(w, arn, async () => {
    const live = load(w, arn);
    if (!live || live.state.status !== "RUNNING") return { ignored: "not running" } as const;
    let taskId = event.type !== "TimerFired" && event.type !== "Stop" ? event.taskId : undefined;
    if (!taskId && (event.type === "TaskSucceeded" || event.type === "TaskFailed") && event.taskToken)
      taskId = findTaskByToken(live.state, event.taskToken)?.taskId;
    const r = await advance(live.def, live.state, event, w.ports);
    if (r.ignored) return { ignored: r.ignored } as const;
    const terminal = event.type === "TaskSucceeded" || event.type === "TaskFailed";
    if (!commit(w, live, r, terminal ? taskId : undefined)) {
      w.live.delete(arn);
      return { ignored: "gone" } as const;
    }
    perform(w, live, r.effects);
    return { ok: true } as const;
  });

export interface StartSpec {
  arn: string;
  account: string;
  region: string;
  def: JsonObject;
  input: Json;
  name: string;
  smArn: string;
  smName: string;
  roleArn: string;
  express: boolean;
  testCase?: string;
  inlineMock?: Outcome;
  /** Row fields for STANDARD executions. */
  row?: Omit<ExecutionRow, "status" | "output" | "error" | "cause" | "stop_ms" | "state" | "seq">;
  /** Called inside the start transaction (e.g. to re-check name idempotency). */
  inTransaction?: () => void;
  /** Called inside the start transaction after the row is inserted. */
  afterInsert?: () => void;
  /** Who waits for this execution (a Map Run for its children). STANDARD rows store it in `parent`. */
  parent?: ParentLink;
}

/** Starts an execution: runs the engine's first step, commits it with the new row, performs effects. */
export const start = async (w: Worker, spec: StartSpec): Promise<Live> => {
  const r = await startExecution(
    spec.def,
    spec.input,
    { executionArn: spec.arn, name: spec.name, stateMachineArn: spec.smArn, stateMachineName: spec.smName, roleArn: spec.roleArn },
    w.ports,
  );
  const live: Live = {
    arn: spec.arn, account: spec.account, region: spec.region, def: spec.def, state: r.state, express: spec.express,
    testCase: spec.testCase, inlineMock: spec.inlineMock, parent: spec.parent,
  };
  if (spec.express) {
    live.history = [...r.historyEvents];
  } else {
    const s = sfnStore(w.rt.store);
    w.rt.store.transaction(() => {
      spec.inTransaction?.();
      const st = r.state;
      const done = st.status !== "RUNNING";
      s.insertExecution({
        ...spec.row!,
        status: st.status,
        output: done ? str(st.output) : null,
        error: st.error ?? null,
        cause: st.cause ?? null,
        stop_ms: done ? w.ports.now() : null,
        state: JSON.stringify(st),
        seq: 0,
      });
      spec.afterInsert?.();
      s.appendHistory(spec.arn, r.historyEvents);
      putTasks(w, spec.arn, r.effects);
    });
  }
  w.live.set(spec.arn, live);
  // Effects run after the caller got its answer (queued behind this execution's chain).
  void enqueue(w, spec.arn, () => perform(w, live, r.effects));
  return live;
};

/** Waits for an execution to finish (StartSyncExecution, tests). */
export const whenFinished = (w: Worker, arn: string): Promise<Finished> =>
  new Promise((resolve) => {
    const live = w.live.get(arn);
    if (live && live.state.status !== "RUNNING") return resolve({ arn, status: live.state.status, state: live.state, history: live.history });
    const list = w.waiters.get(arn) ?? [];
    list.push(resolve);
    w.waiters.set(arn, list);
  });

// --------------------------------------------------------------------------------------- effects

const perform = (w: Worker, live: Live, effects: Effect[]) => {
  for (const e of effects) {
    switch (e.type) {
      case "StartTimer": {
        const key = `${live.arn}|${e.timerId}`;
        w.timers.get(key)?.();
        w.timers.set(
          key,
          w.rt.clock.schedule(e.at, () => {
            w.timers.delete(key);
            if (!w.stopped) void send(w, live.arn, { type: "TimerFired", timerId: e.timerId });
          }),
        );
        break;
      }
      case "CancelTimer": {
        const key = `${live.arn}|${e.timerId}`;
        w.timers.get(key)?.();
        w.timers.delete(key);
        break;
      }
      case "InvokeTask":
        void track(w, invoke(w, live, e));
        break;
      case "StartMapRun":
        // TestState's mock answers for the whole Map Run.
        if (live.inlineMock) void track(w, send(w, live.arn, outcomeEvent(e.taskId, live.inlineMock)));
        else void track(w, startMapRun(w, live, e));
        break;
      case "CancelTask":
        if (!live.express) w.rt.store.run(`DELETE FROM sfn_activity_tasks WHERE execution_arn = ? AND task_id = ?`, [live.arn, e.taskId]);
        void track(w, abortMapRun(w, live.arn, e.taskId));
        break;
      case "CompleteExecution":
        finish(w, live);
        break;
    }
  }
};

const finish = (w: Worker, live: Live) => {
  for (const [key, cancel] of w.timers) {
    if (key.startsWith(`${live.arn}|`)) {
      cancel();
      w.timers.delete(key);
    }
  }
  for (const k of w.mockCounts.keys()) if (k.startsWith(`${live.arn}|`)) w.mockCounts.delete(k);
  const f: Finished = { arn: live.arn, status: live.state.status, state: live.state, history: live.history };
  const list = w.waiters.get(live.arn) ?? [];
  w.waiters.delete(live.arn);
  for (const resolve of list) resolve(f);
  if (live.parent) notifyParent(w, live, live.parent);
  // Keep express executions for their waiters only; STANDARD ones are read back from the store.
  setTimeout(() => w.live.delete(live.arn), 0).unref?.();
};

/** The DescribeExecution-like result a parent's states:startExecution.sync task receives. */
const childResult = (live: Live, mode: "sync" | "sync2", now: number): JsonObject => {
  const st = live.state;
  const out: JsonObject = {
    ExecutionArn: live.arn,
    Input: mode === "sync2" ? st.exec.input : JSON.stringify(st.exec.input),
    InputDetails: { Included: true },
    Name: st.exec.name,
    StartDate: st.exec.startTime,
    StateMachineArn: st.exec.smArn,
    Status: st.status,
    StopDate: now,
  };
  if (st.status === "SUCCEEDED") {
    out.Output = mode === "sync2" ? (st.output ?? null) : JSON.stringify(st.output ?? null);
    out.OutputDetails = { Included: true };
  } else {
    if (st.error !== undefined) out.Error = st.error;
    if (st.cause !== undefined) out.Cause = st.cause;
  }
  return out;
};

const notifyParent = (w: Worker, child: Live, p: ParentLink) => {
  if (p.kind === "mapRun") {
    void track(w, childFinished(w, p.arn, p.idx, child.state, w.ports.now()));
    return;
  }
  const res = childResult(child, p.mode, w.ports.now());
  // A failed child fails the parent's task with States.TaskFailed and the description as cause
  // (https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html).
  const ev: EngineEvent =
    child.state.status === "SUCCEEDED"
      ? { type: "TaskSucceeded", taskId: p.taskId, output: res }
      : { type: "TaskFailed", taskId: p.taskId, error: "States.TaskFailed", cause: JSON.stringify(res) };
  void send(w, p.arn, ev);
};

const outcomeEvent = (taskId: string, o: Outcome): EngineEvent =>
  "output" in o ? { type: "TaskSucceeded", taskId, output: o.output } : { type: "TaskFailed", taskId, error: o.error, cause: o.cause };

const ack = (w: Worker, live: Live, taskId: string) => {
  if (!live.express) sfnStore(w.rt.store).ackTask(live.arn, taskId);
};

/** Performs one InvokeTask: a mock, an activity, or an integration call. */
const invoke = async (w: Worker, live: Live, e: InvokeTask): Promise<void> => {
  if (w.stopped) return;
  // 1. Mocked responses (TestState's mock, Step Functions Local mock configuration).
  if (live.inlineMock) {
    await send(w, live.arn, outcomeEvent(e.taskId, live.inlineMock));
    return;
  }
  if (live.testCase) {
    const key = `${live.arn}|${e.stateName}`;
    const n = w.mockCounts.get(key) ?? 0;
    const mocked = mockedOutcome(loadMockConfig(w.rt.settings), live.state.exec.smName, live.testCase, e.stateName, n);
    if (mocked) {
      w.mockCounts.set(key, n + 1);
      ack(w, live, e.taskId);
      await send(w, live.arn, outcomeEvent(e.taskId, mocked));
      return;
    }
  }
  const res = e.baseResource;
  // 2. Activities: queued for GetActivityTask; the worker's SendTask* answer.
  if (e.awaitsStart) {
    if (live.express) {
      await send(w, live.arn, { type: "TaskFailed", taskId: e.taskId, error: "States.Runtime", cause: "Activities are not supported by EXPRESS state machines" });
      return;
    }
    if (!sfnStore(w.rt.store).activity(res)) {
      // The Task state names an activity that does not exist (or was deleted): ActivityScheduleFailed.
      // DEVIATION: AWS's error and cause for this case are not documented; Cloudbox answers States.Runtime.
      await send(w, live.arn, { type: "TaskFailed", taskId: e.taskId, error: "States.Runtime", cause: `Activity Does Not Exist: '${res}'`, scheduleFailed: true });
      return;
    }
    const token = `${randomUUID()}`;
    w.rt.store.transaction(() => {
      sfnStore(w.rt.store).queueActivityTask({
        token, activity_arn: res, execution_arn: live.arn, task_id: e.taskId, input: JSON.stringify(e.input), created_ms: w.ports.now(), claimed: 0,
      });
      tokenStore(w.rt.store).put(token, live.arn, e.taskId, false);
      sfnStore(w.rt.store).ackTask(live.arn, e.taskId);
    });
    wakePollers(w, res);
    return;
  }
  // 3. Integrations through the API.
  let outcome: Outcome | "pending";
  try {
    outcome = await call(w, live, e);
  } catch (err) {
    outcome = { error: "States.Runtime", cause: (err as Error).message };
  }
  if (w.stopped) return; // not acknowledged: invoked again after a restart
  ack(w, live, e.taskId);
  if (outcome === "pending") return;
  if (e.pattern === "WAIT_FOR_TASK_TOKEN" && "output" in outcome) return; // the token completes it
  await send(w, live.arn, outcomeEvent(e.taskId, outcome));
};

const call = async (w: Worker, live: Live, e: InvokeTask): Promise<Outcome | "pending"> => {
  const res = e.baseResource;
  const { account, region } = live;
  if (res === "arn:aws:states:::lambda:invoke") return invokeLambda(w.rt, account, region, e.input, true);
  if (/^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:/.test(res)) return invokeLambda(w.rt, account, region, { FunctionName: res, Payload: e.input }, false);
  if (res === "arn:aws:states:::states:startExecution") return startChild(w, live, e);
  const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(res);
  if (sdk) return callAwsSdk(w.rt, account, region, sdk[1], sdk[2], e.input);
  return unsupportedResource(e.resource);
};

/** states:startExecution: starts the child through the API; .sync waits for it (a durable link). */
const startChild = async (w: Worker, live: Live, e: InvokeTask): Promise<Outcome | "pending"> => {
  const p = (e.input ?? {}) as JsonObject;
  const input = typeof p.Input === "string" ? p.Input : JSON.stringify(p.Input ?? {});
  const out = await callAwsSdk(w.rt, live.account, live.region, "sfn", "startExecution", {
    StateMachineArn: p.StateMachineArn ?? null,
    Input: input,
    ...(p.Name !== undefined ? { Name: p.Name } : {}),
  });
  if (!("output" in out) || e.pattern !== "RUN_JOB") return out;
  const childArn = (out.output as JsonObject).ExecutionArn as string;
  // The job is submitted: TaskSubmitted carries StartExecution's answer (connect-stepfunctions.html).
  await send(w, live.arn, { type: "TaskSubmitted", taskId: e.taskId, output: out.output });
  const link: ParentLink = { arn: live.arn, taskId: e.taskId, mode: e.resource.endsWith(".sync:2") ? "sync2" : "sync" };
  await enqueue(w, childArn, () => {
    const child = load(w, childArn);
    if (!child) {
      // Already finished: read its row and answer at once.
      const row = sfnStore(w.rt.store).execution(childArn);
      if (row) notifyParent(w, parseRow(row), link);
      return;
    }
    child.parent = link;
    w.rt.store.run(`UPDATE sfn_executions SET parent = ? WHERE arn = ?`, [JSON.stringify(link), childArn]);
  });
  return "pending";
};

// --------------------------------------------------------------------------------------- activities

const wakePollers = (w: Worker, activity: string) => {
  const set = w.pollers.get(activity);
  if (!set) return;
  for (const wake of set) wake();
};

/** GetActivityTask: claims a queued task or waits up to 60 s (on runtime.clock) for one. */
export const pollActivity = async (w: Worker, activity: string, workerName?: string): Promise<{ taskToken?: string; input?: string }> => {
  const deadline = w.ports.now() + 60_000;
  for (;;) {
    const row = w.rt.store.transaction(() => sfnStore(w.rt.store).claimActivityTask(activity));
    if (row) {
      await send(w, row.execution_arn, { type: "TaskStarted", taskId: row.task_id, workerName });
      return { taskToken: row.token, input: row.input };
    }
    if (w.stopped || w.ports.now() >= deadline) return {};
    await new Promise<void>((resolve) => {
      let set = w.pollers.get(activity);
      if (!set) w.pollers.set(activity, (set = new Set()));
      const done = () => {
        set!.delete(done);
        cancel();
        resolve();
      };
      const cancel = w.rt.clock.schedule(deadline, done);
      set.add(done);
    });
  }
};

// --------------------------------------------------------------------------------------- lifecycle

/** Resumes every RUNNING STANDARD execution from its committed state (service start hook). */
export const resumeAll = async (rt: ServiceRuntime) => {
  const w = runnerFor(rt);
  w.stopped = false;
  const s = sfnStore(rt.store);
  for (const { arn } of s.running()) {
    const live = load(w, arn);
    if (!live) continue;
    const work = pendingWork(live.state);
    const effects: Effect[] = work.timers.map((t) => ({ type: "StartTimer", timerId: t.timerId, at: t.at, reason: t.reason as "Wait" }));
    perform(w, live, effects);
    for (const t of s.tasksOf(arn)) {
      if (t.acked) continue;
      const e = JSON.parse(t.effect) as InvokeTask | StartMapRun;
      rt.log.info(`states: ${arn}: ${e.type === "StartMapRun" ? "starting the Map Run of" : "invoking task"} ${e.taskId} (${e.stateName}) again after a restart`);
      void track(w, e.type === "StartMapRun" ? startMapRun(w, live, e) : invoke(w, live, e));
    }
  }
  resumeMapRuns(w);
};

/**
 * RedriveExecution: runs the engine's redrive on the committed state and commits it with the
 * redrive count, date and client token; then performs its effects. Resolves to the redrive date.
 */
export const redrive = (w: Worker, arn: string, clientToken: string | undefined, refuse: (row: ExecutionRow) => string | undefined): Promise<{ date: number } | { reason: string }> =>
  enqueue(w, arn, async () => {
    const s = sfnStore(w.rt.store);
    const row = s.execution(arn)!;
    // Checked again here: another redrive of the same execution may have been queued first.
    const reason = refuse(row);
    if (reason) return { reason };
    const live = parseRow(row);
    const r = await redriveExecution(live.def, live.state, w.ports);
    const now = w.ports.now();
    const st = r.state;
    const done = st.status !== "RUNNING";
    w.rt.store.transaction(() => {
      s.redriveExecution(arn, st.status, JSON.stringify(st), done ? str(st.output) : null, st.error ?? null, st.cause ?? null, done ? now : null, now, clientToken ?? null);
      s.appendHistory(arn, r.historyEvents);
      putTasks(w, arn, r.effects);
    });
    live.state = st;
    w.live.set(arn, live);
    perform(w, live, r.effects);
    return { date: now };
  });

export const stopRunner = async (rt: ServiceRuntime) => {
  const w = workers.get(rt);
  if (!w) return;
  w.stopped = true;
  for (const cancel of w.timers.values()) cancel();
  w.timers.clear();
  for (const set of w.pollers.values()) for (const wake of set) wake();
  // Steps in progress finish their commit; integration calls in flight are abandoned (not acked).
  await Promise.race([Promise.allSettled([...w.inflight]), new Promise((r) => setTimeout(r, 2000).unref())]);
  destroyClients(rt);
  workers.delete(rt);
};

/** Whether a task is still open: by engine token or by task id (activities). */
export const findTaskToken = (w: Worker, arn: string, ref: { token: string } | { taskId: string }): boolean => {
  const live = load(w, arn);
  if (!live || live.state.status !== "RUNNING") return false;
  if ("token" in ref) return !!findTaskByToken(live.state, ref.token);
  return pendingWork(live.state).tasks.some((t) => t.taskId === ref.taskId);
};
