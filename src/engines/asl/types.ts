/**
 * Types of the Amazon States Language engine: JSON values, the serializable execution state,
 * the events the outside world feeds in, the effects the engine asks for, and the history
 * events it records (AWS GetExecutionHistory names and detail shapes).
 *
 * Everything in ExecutionState is plain JSON (no classes, no closures, no undefined-only
 * semantics that JSON would lose), so a service can JSON.stringify it after every transition.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** What the engine needs from the world. Engines never read clocks or randomness themselves. */
export interface Ports {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A fresh unique id: task tokens and States.UUID / $uuid(). Should be a v4 UUID for UUID(). */
  newId(): string;
  /** A number in [0, 1): States.MathRandom without a seed, $random(), FULL jitter. */
  random(): number;
}

/** Who is running: the $$.Execution / $$.StateMachine parts of the context object. */
export interface ExecutionContextInput {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  redriveCount?: number;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** One thread of control running inside a States block (the root, a Parallel branch, a Map iteration). */
export interface Frame {
  /** Where its States block is: [] = root; Parallel adds [stateName, branchIndex]; Map adds [stateName]. */
  scope: (string | number)[];
  /** Current state name. */
  name: string;
  /** Raw input of the current state. */
  input: Json;
  /** When the current state was entered (epoch ms). */
  entered: number;
  /** Id of the current state's Entered event (AWS cites it in error causes). */
  enteredId?: number;
  /** Id of the last history event on this line (previousEventId of the next one). */
  prev: number;
  phase: "run" | "task" | "retry" | "wait" | "fan" | "done" | "failed";
  /** Attempts used per retrier of the current state. */
  retries?: number[];
  /** $$.State.RetryCount */
  retryCount?: number;
  task?: TaskWait;
  /** Timer of a Wait state or of a Retry interval. */
  timer?: string;
  fan?: Fan;
  /** Variables assigned in this frame's scope (Assign). Outer scopes are read through the parents. */
  vars?: JsonObject;
  /** $$.Map.Item of a Map iteration. */
  item?: { index: number; value: Json };
  /** Index of this child in its parent's fan. */
  index?: number;
  /** Output when phase is "done". */
  result?: Json;
  /** Error when phase is "failed". */
  err?: { error: string; cause: string };
  /**
   * Redrive: what a Map or Parallel state had when it failed or was aborted: its fan without the
   * running children, and the children to run again (the failed one and the aborted ones).
   */
  lastFan?: { fan: Fan; frames: Frame[] };
  /** Redrive: the Map Run of a distributed Map state that failed or was aborted (redriven, not restarted). */
  lastMapRun?: { arn: string; redrives: number; redrive?: boolean };
}

/**
 * How a Task state's resource is recorded in the history: "activity" (Activity* events),
 * "lambda" (a plain function ARN: LambdaFunction* events), "mapRun" (a distributed Map's Map Run:
 * MapRun* events), otherwise the Task* events of service integrations.
 */
export type TaskKind = "task" | "activity" | "lambda" | "mapRun";

export interface TaskWait {
  id: string;
  resource: string;
  /** Absent means "task" (states committed before the kinds existed). */
  kind?: TaskKind;
  /** kind "mapRun": the Map Run's ARN. */
  mapRunArn?: string;
  token?: string;
  timeoutTimer?: string;
  heartbeatTimer?: string;
  heartbeatMs?: number;
  started: boolean;
}

/** Branches of a Parallel or iterations of a Map, all inside the parent frame. */
export interface Fan {
  kind: "map" | "parallel";
  total: number;
  /** Map: the items (before ItemSelector). */
  items?: Json[];
  /** Map: the effective input that ItemSelector reads as "$". Parallel: the branch input. */
  input: Json;
  results: Json[];
  running: Frame[];
  next: number;
  /** 0 = unbounded. */
  max: number;
  failed: number;
  toleratedCount?: number;
  toleratedPct?: number;
}

export interface ExecutionState {
  v: 1;
  status: ExecutionStatus;
  exec: {
    arn: string;
    name: string;
    smArn: string;
    smName: string;
    roleArn: string;
    startTime: number;
    input: Json;
    redriveCount: number;
  };
  /** Id of the last history event recorded (ids start at 1). */
  lastEventId: number;
  /** Counter for deterministic correlation ids of tasks and timers. */
  seq: number;
  root: Frame;
  execTimer?: string;
  /** Timers this execution waits for (so a restarted service can re-arm them from the state alone). */
  timers?: Record<string, { at: number; reason: string }>;
  output?: Json;
  error?: string;
  cause?: string;
}

// ---------------------------------------------------------------------------------------------
// Events: what happened outside. Tasks are addressed by taskId (from the InvokeTask effect) or by
// taskToken (SendTaskSuccess/Failure/Heartbeat only know the token).

export type TaskRef = { taskId: string; taskToken?: undefined } | { taskToken: string; taskId?: undefined };

export type EngineEvent =
  | ({ type: "TaskStarted"; workerName?: string } & TaskRef)
  | ({ type: "TaskSucceeded"; output: Json } & TaskRef)
  /** scheduleFailed: the task could not be scheduled (e.g. no such activity): *ScheduleFailed events. */
  | ({ type: "TaskFailed"; error?: string; cause?: string; scheduleFailed?: boolean } & TaskRef)
  | ({ type: "TaskHeartbeat" } & TaskRef)
  /** A .sync (RUN_JOB) task's job was submitted: TaskSubmitted with the submit call's answer. */
  | ({ type: "TaskSubmitted"; output: Json } & TaskRef)
  | { type: "TimerFired"; timerId: string }
  | { type: "Stop"; error?: string; cause?: string };

// ---------------------------------------------------------------------------------------------
// Effects: what the engine asks the service to do.

export type IntegrationPattern = "REQUEST_RESPONSE" | "RUN_JOB" | "WAIT_FOR_TASK_TOKEN";

export type Effect =
  | {
      type: "InvokeTask";
      taskId: string;
      /** The Resource field as written (e.g. arn:aws:states:::lambda:invoke.waitForTaskToken). */
      resource: string;
      /** Resource without the .sync / .waitForTaskToken suffix. */
      baseResource: string;
      pattern: IntegrationPattern;
      /** The effective parameters (after InputPath/Parameters, or Arguments in JSONata). */
      input: Json;
      taskToken?: string;
      timeoutSeconds?: number;
      heartbeatSeconds?: number;
      credentials?: Json;
      stateName: string;
      /** Activities are started when a worker polls: the service then sends TaskStarted. */
      awaitsStart: boolean;
    }
  /**
   * A distributed Map state starts its Map Run: the service reads the items, runs the child
   * executions and answers with TaskSucceeded (the Map's result) or TaskFailed, like a task.
   */
  | { type: "StartMapRun"; taskId: string; stateName: string; spec: MapRunSpec }
  | { type: "CancelTask"; taskId: string; taskToken?: string }
  | { type: "StartTimer"; timerId: string; at: number; reason: "Wait" | "Retry" | "TaskTimeout" | "HeartbeatTimeout" | "ExecutionTimeout" }
  | { type: "CancelTimer"; timerId: string }
  | { type: "CompleteExecution"; status: Exclude<ExecutionStatus, "RUNNING">; output?: Json; error?: string; cause?: string };

/** Everything a service needs to run a Map Run, evaluated by the engine (see distributed.ts). */
export interface MapRunSpec {
  mapRunArn: string;
  /** The Map's Label, or a generated one: part of the Map Run ARN and of the children's ARNs. */
  label: string;
  executionType: "STANDARD" | "EXPRESS";
  /** The children's state machine: the ItemProcessor without ProcessorConfig. */
  definition: JsonObject;
  /** Items when there is no ItemReader (ItemsPath / Items). */
  items?: Json[];
  reader?: { resource: string; parameters: JsonObject; config: JsonObject };
  /** ItemSelector (or Parameters) with what it reads: the Map's input, context and variables. */
  selector?: { template: Json; jsonata: boolean; input: Json; context: JsonObject; vars: JsonObject };
  batcher?: { maxItems?: number; maxBytes?: number; batchInput?: Json };
  writer?: { resource?: string; parameters?: JsonObject; transformation?: string; outputType?: string };
  /** 0: as many as possible. */
  maxConcurrency: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  /** Set when a redriven execution redrives this (failed or aborted) Map Run. */
  redrive?: boolean;
}

// ---------------------------------------------------------------------------------------------
// History events, as GetExecutionHistory returns them (timestamp as epoch ms; the service formats).

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [detailsKey: string]: unknown;
}

export interface StepResult {
  state: ExecutionState;
  effects: Effect[];
  historyEvents: HistoryEvent[];
  /** Set when the event did not apply (unknown or finished task, stale timer, execution not running). */
  ignored?: string;
}

/** A thrown ASL error (States.* or a task's error): caught by Retry/Catch or failing the execution. */
export class StatesError extends Error {
  constructor(
    public readonly error: string,
    public readonly causeText: string,
  ) {
    super(`${error}: ${causeText}`);
  }
}
