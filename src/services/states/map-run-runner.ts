/**
 * Map Runs: the service side of a distributed Map state. The engine asks for one with a
 * StartMapRun effect (a MapRunSpec); this module
 *   1. records the Map Run (sfn_map_runs) and acknowledges the parent's task,
 *   2. reads the items (spec.items or the ItemReader, map-run-io.ts), applies MaxItems, ItemSelector
 *      and ItemBatcher, and records one child row per child input (sfn_map_run_children),
 *   3. starts child executions up to MaxConcurrency (STANDARD children are durable executions
 *      linked to the Map Run; EXPRESS ones run in memory), one at a time as others finish,
 *   4. on each child's end checks the tolerated failures; when every child is done, or the
 *      tolerance is exceeded, writes the results (ResultWriter) and answers the parent's task with
 *      the Map's result (or States.ExceedToleratedFailureThreshold, States.ItemReaderFailed...).
 * Work on one Map Run is serialized on the runner's queue under the Map Run's ARN. Everything is
 * in the store, so resumeMapRuns continues RUNNING Map Runs after a restart (EXPRESS children in
 * flight are started again). A parent that stops (or times out) aborts its Map Run and children.
 * Child ARNs: arn:aws:states:<region>:<account>:execution:<machine>/<label>:<uuid>; their state
 * machine ARN is ...:stateMachine:<machine>/<label>
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html).
 */
import { randomUUID } from "node:crypto";
import type { StorePort } from "../../core/index.js";
import { distributed, StatesError, type Effect, type ExecutionState, type Json, type MapRunSpec } from "../../engines/asl/index.js";
import { readItems, writeObjects } from "./map-run-io.js";
import { enqueue, send, start, type Live, type Worker } from "./runner.js";
import { sfnStore, type MapRunChildRow, type MapRunRow } from "./store.js";

type StartMapRun = Extract<Effect, { type: "StartMapRun" }>;

/** AWS runs at most 10,000 children at once; MaxConcurrency 0 means that (state-map-distributed.html). */
const MAX_CHILDREN = 10_000;
const FINISHED = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

const parseJson = (s: string | null): Json | undefined => (s === null ? undefined : (JSON.parse(s) as Json));

/** Starts (or, after a restart or for a redrive, picks up) the Map Run a parent's state asked for. */
export const startMapRun = (w: Worker, parent: Live, e: StartMapRun): Promise<void> =>
  enqueue(w, e.spec.mapRunArn, async () => {
    const s = sfnStore(w.rt.store);
    const spec = e.spec;
    const now = w.ports.now();
    w.rt.store.transaction(() => {
      const existing = s.mapRun(spec.mapRunArn);
      if (!existing) {
        const p = parent.state.exec.smArn.split(":");
        s.insertMapRun({
          arn: spec.mapRunArn, account_id: parent.account, region: parent.region, execution_arn: parent.arn, task_id: e.taskId,
          machine_arn: `arn:aws:states:${p[3]}:${p[4]}:stateMachine:${parent.state.exec.smName}/${spec.label}`, label: spec.label,
          role_arn: parent.state.exec.roleArn, status: "RUNNING", phase: "reading", spec: JSON.stringify(spec), start_ms: now, stop_ms: null,
          max_concurrency: spec.maxConcurrency, tolerated_count: spec.toleratedFailureCount ?? null, tolerated_pct: spec.toleratedFailurePercentage ?? null,
          total_items: 0, error: null, cause: null, redrive_count: 0, redrive_ms: null,
        });
      } else if (spec.redrive && existing.task_id !== e.taskId) {
        // Redrive: the unsuccessful children run again; the items are read again if they never were.
        const children = s.children(spec.mapRunArn);
        for (const c of children)
          if (c.status !== "SUCCEEDED") s.setChild(spec.mapRunArn, c.idx, { status: "PENDING", execution_arn: null, output: null, error: null, cause: null, start_ms: null, stop_ms: null });
        s.setMapRun(spec.mapRunArn, {
          task_id: e.taskId, status: "RUNNING", stop_ms: null, error: null, cause: null, spec: JSON.stringify(spec),
          redrive_count: existing.redrive_count + 1, redrive_ms: now, phase: children.length ? "running" : "reading",
        });
      }
      s.ackTask(parent.arn, e.taskId);
    });
    await progress(w, spec.mapRunArn);
  });

/** Reads the items if needed, then launches children or completes. Runs on the Map Run's queue. */
const progress = async (w: Worker, arn: string): Promise<void> => {
  const s = sfnStore(w.rt.store);
  let run = s.mapRun(arn);
  if (!run || run.status !== "RUNNING") return;
  if (run.phase === "reading") {
    const spec = JSON.parse(run.spec) as MapRunSpec;
    let inputs: { input: Json; items: number }[];
    let total: number;
    try {
      let items = spec.items ?? (await readItems(w.rt, run.account_id, run.region, spec.reader!));
      items = distributed.limitItems(items, spec.reader?.config);
      total = items.length;
      const selected: Json[] = [];
      for (let i = 0; i < items.length; i++) selected.push(await distributed.selectItem(spec, i, items[i], w.ports));
      inputs = distributed.batchItems(selected, spec.batcher);
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      return complete(w, run, { error: e.error, cause: e.causeText });
    }
    w.rt.store.transaction(() => {
      s.deleteChildren(arn);
      inputs.forEach((c, idx) =>
        s.insertChild({ map_run_arn: arn, idx, input: JSON.stringify(c.input), items: c.items, status: "PENDING", execution_arn: null, output: null, error: null, cause: null, start_ms: null, stop_ms: null }),
      );
      s.setMapRun(arn, { phase: "running", total_items: total });
    });
    run = s.mapRun(arn)!;
  }
  await pump(w, run);
};

/** Launches pending children within MaxConcurrency; completes the Map Run when nothing is left. */
const pump = async (w: Worker, run: MapRunRow): Promise<void> => {
  const s = sfnStore(w.rt.store);
  const counts = countsOf(s.childCounts(run.arn));
  if (counts.RUNNING.n === 0 && counts.PENDING.n === 0) return complete(w, run);
  const limit = run.max_concurrency > 0 ? Math.min(run.max_concurrency, MAX_CHILDREN) : MAX_CHILDREN;
  const free = limit - counts.RUNNING.n;
  if (free <= 0) return;
  const spec = JSON.parse(run.spec) as MapRunSpec;
  for (const child of s.childrenIn(run.arn, "PENDING", free)) await launch(w, run, spec, child);
};

const launch = async (w: Worker, run: MapRunRow, spec: MapRunSpec, child: MapRunChildRow) => {
  const s = sfnStore(w.rt.store);
  const name = randomUUID();
  const express = spec.executionType === "EXPRESS";
  const p = run.machine_arn.split(":");
  const smName = p.slice(6).join(":");
  const base = `arn:aws:states:${p[3]}:${p[4]}:${express ? "express" : "execution"}:${smName}:${name}`;
  const arn = express ? `${base}:${randomUUID()}` : base;
  const now = w.ports.now();
  const definition = JSON.stringify(spec.definition);
  const input = JSON.parse(child.input) as Json;
  s.setChild(run.arn, child.idx, { status: "RUNNING", execution_arn: arn, start_ms: now });
  await start(w, {
    arn, account: run.account_id, region: run.region, def: spec.definition, input, name, smArn: run.machine_arn, smName, roleArn: run.role_arn,
    express, parent: { kind: "mapRun", arn: run.arn, idx: child.idx },
    row: express
      ? undefined
      : {
          arn, account_id: run.account_id, region: run.region, machine_arn: run.machine_arn, version_arn: null, alias_arn: null, name,
          input: child.input, start_ms: now, definition, test_case: null, parent: JSON.stringify({ kind: "mapRun", arn: run.arn, idx: child.idx }), trace_header: null,
        },
    afterInsert: () => s.markMapRunChild(arn, run.arn, child.items),
  });
};

/** A child execution ended: record it, apply the tolerance, launch more or complete. */
export const childFinished = (w: Worker, arn: string, idx: number, state: ExecutionState, stopMs: number): Promise<void> =>
  enqueue(w, arn, async () => {
    const s = sfnStore(w.rt.store);
    const run = s.mapRun(arn);
    const child = s.child(arn, idx);
    if (!run || !child || child.status !== "RUNNING" || (child.execution_arn !== state.exec.arn)) return;
    s.setChild(arn, idx, settledFields(state, stopMs));
    if (run.status !== "RUNNING") return;
    await afterSettle(w, run);
  });

const settledFields = (st: ExecutionState, stopMs: number): Partial<MapRunChildRow> => ({
  status: st.status,
  output: st.status === "SUCCEEDED" ? JSON.stringify(st.output ?? null) : null,
  error: st.error ?? null,
  cause: st.cause ?? null,
  stop_ms: stopMs,
});

const afterSettle = async (w: Worker, run: MapRunRow) => {
  const counts = countsOf(sfnStore(w.rt.store).childCounts(run.arn));
  const failedItems = counts.FAILED.items + counts.TIMED_OUT.items + counts.ABORTED.items;
  if (distributed.toleranceExceeded(failedItems, run.total_items, run.tolerated_count, run.tolerated_pct)) return complete(w, run, distributed.thresholdError());
  await pump(w, run);
};

/**
 * Ends the Map Run: aborts children still running (after a failure), writes the ResultWriter's
 * files, records the status and answers the parent's task.
 */
const complete = async (w: Worker, run: MapRunRow, failure?: { error: string; cause: string }) => {
  const s = sfnStore(w.rt.store);
  const spec = JSON.parse(run.spec) as MapRunSpec;
  const now = w.ports.now();
  if (failure) await stopChildren(w, run.arn, now);
  const rows = s.children(run.arn);
  const finished = rows.filter((c) => FINISHED.includes(c.status)).map((c) => childResult(run, c));
  let output: Json | undefined;
  if (spec.writer?.resource) {
    const pending = rows.filter((c) => c.status === "PENDING").map((c) => JSON.parse(c.input) as Json);
    const files = distributed.resultFiles(run.arn, spec.writer, finished, pending);
    try {
      await writeObjects(w.rt, run.account_id, run.region, spec.writer.resource, files.bucket, files.objects);
      output = files.output;
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      failure ??= { error: e.error, cause: e.causeText };
    }
  } else output = distributed.transformResults(finished, spec.writer?.transformation);
  w.rt.store.transaction(() =>
    s.setMapRun(run.arn, { status: failure ? "FAILED" : "SUCCEEDED", phase: "done", stop_ms: now, error: failure?.error ?? null, cause: failure?.cause ?? null }),
  );
  await send(
    w,
    run.execution_arn,
    failure ? { type: "TaskFailed", taskId: run.task_id, error: failure.error, cause: failure.cause } : { type: "TaskSucceeded", taskId: run.task_id, output: output ?? null },
  );
};

const childResult = (run: MapRunRow, c: MapRunChildRow): distributed.ChildResult => ({
  executionArn: c.execution_arn ?? "",
  name: c.execution_arn?.split(":")[7] ?? "",
  stateMachineArn: run.machine_arn,
  status: c.status,
  input: JSON.parse(c.input) as Json,
  output: parseJson(c.output),
  error: c.error ?? undefined,
  cause: c.cause ?? undefined,
  startMs: c.start_ms ?? run.start_ms,
  stopMs: c.stop_ms ?? undefined,
});

/** Marks running children ABORTED and stops their executions (their own end is then ignored). */
const stopChildren = async (w: Worker, arn: string, now: number) => {
  const s = sfnStore(w.rt.store);
  const running = s.childrenIn(arn, "RUNNING");
  for (const c of running) s.setChild(arn, c.idx, { status: "ABORTED", stop_ms: now });
  for (const c of running) if (c.execution_arn) void send(w, c.execution_arn, { type: "Stop", error: "States.Aborted", cause: "The Map Run was stopped" });
};

/** The parent's Map state was cancelled (StopExecution, its timeout): the Map Run is ABORTED. */
export const abortMapRun = async (w: Worker, parentArn: string, taskId: string): Promise<void> => {
  const run = sfnStore(w.rt.store).mapRunOfTask(parentArn, taskId);
  if (!run || run.status !== "RUNNING") return;
  await enqueue(w, run.arn, async () => {
    const s = sfnStore(w.rt.store);
    const now = w.ports.now();
    if (s.mapRun(run.arn)?.status !== "RUNNING") return;
    s.setMapRun(run.arn, { status: "ABORTED", phase: "done", stop_ms: now });
    await stopChildren(w, run.arn, now);
  });
};

/** After a restart: settles children that ended meanwhile, restarts lost EXPRESS children, goes on. */
export const resumeMapRuns = (w: Worker) => {
  const s = sfnStore(w.rt.store);
  for (const r of s.runningMapRuns()) {
    void enqueue(w, r.arn, async () => {
      const run = s.mapRun(r.arn)!;
      if (run.phase === "reading") return progress(w, run.arn);
      for (const c of s.childrenIn(run.arn, "RUNNING")) {
        const ex = c.execution_arn ? s.execution(c.execution_arn) : undefined;
        if (!ex) s.setChild(run.arn, c.idx, { status: "PENDING", execution_arn: null, start_ms: null });
        else if (ex.status !== "RUNNING") s.setChild(run.arn, c.idx, settledFields(JSON.parse(ex.state) as ExecutionState, ex.stop_ms ?? w.ports.now()));
      }
      await afterSettle(w, run);
    });
  }
};

// ------------------------------------------------------------------------------------------ DescribeMapRun

type Counts = Record<string, { n: number; items: number }>;
const countsOf = (rows: { status: string; n: number; items: number }[]): Counts => {
  const c: Counts = {};
  for (const k of ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]) c[k] = { n: 0, items: 0 };
  for (const r of rows) c[r.status] = { n: r.n, items: r.items };
  return c;
};

/** ItemCounts and ExecutionCounts of DescribeMapRun, from the children rows. */
export const mapRunCounts = (store: StorePort, run: MapRunRow) => {
  const c = countsOf(sfnStore(store).childCounts(run.arn));
  const done = run.status !== "RUNNING";
  const of = (k: "n" | "items") => {
    const finished = c.SUCCEEDED[k] + c.FAILED[k] + c.TIMED_OUT[k] + c.ABORTED[k];
    const total = finished + c.PENDING[k] + c.RUNNING[k];
    // Items never read (a Map Run that failed reading) count as none; results are written at the end.
    return {
      pending: c.PENDING[k], running: c.RUNNING[k], succeeded: c.SUCCEEDED[k], failed: c.FAILED[k], timedOut: c.TIMED_OUT[k], aborted: c.ABORTED[k],
      total, resultsWritten: done ? finished : 0, failuresNotRedrivable: 0, pendingRedrive: 0,
    };
  };
  return { itemCounts: of("items"), executionCounts: of("n") };
};

/** UpdateMapRun: re-checks the tolerance and launches up to the new MaxConcurrency. */
export const nudgeMapRun = (w: Worker, arn: string): Promise<void> =>
  enqueue(w, arn, async () => {
    const run = sfnStore(w.rt.store).mapRun(arn);
    if (run?.status === "RUNNING" && run.phase === "running") await afterSettle(w, run);
  });
