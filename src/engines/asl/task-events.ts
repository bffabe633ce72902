/**
 * History event names of a Task state's work, by what the Resource is (HistoryEventType in the
 * API reference, https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 *  - service integrations (arn:aws:states:::...): TaskScheduled, TaskStarted, TaskSubmitted (a
 *    .sync job was submitted), TaskSucceeded, TaskFailed, TaskTimedOut, with resourceType/resource
 *    in every detail;
 *  - activities (arn:aws:states:...:activity:...): ActivityScheduled {resource, input,
 *    timeoutInSeconds, heartbeatInSeconds}, ActivityStarted {workerName}, ActivitySucceeded,
 *    ActivityFailed, ActivityTimedOut, ActivityScheduleFailed;
 *  - a plain Lambda function ARN as Resource: LambdaFunctionScheduled, LambdaFunctionStarted (no
 *    details), LambdaFunctionSucceeded, LambdaFunctionFailed, LambdaFunctionTimedOut,
 *    LambdaFunctionScheduleFailed;
 *  - a distributed Map's Map Run: MapRunSucceeded (no details), MapRunFailed, MapRunAborted.
 */
import type { TaskKind } from "./types.js";

export type TaskPhase = "scheduled" | "started" | "submitted" | "succeeded" | "failed" | "timedOut" | "scheduleFailed" | "aborted";

/** [event type, details key] per kind and phase; no key: the event has no details. */
const NAMES: Record<TaskKind, Partial<Record<TaskPhase, [string, string?]>>> = {
  task: {
    scheduled: ["TaskScheduled", "taskScheduledEventDetails"],
    started: ["TaskStarted", "taskStartedEventDetails"],
    submitted: ["TaskSubmitted", "taskSubmittedEventDetails"],
    succeeded: ["TaskSucceeded", "taskSucceededEventDetails"],
    failed: ["TaskFailed", "taskFailedEventDetails"],
    timedOut: ["TaskTimedOut", "taskTimedOutEventDetails"],
    scheduleFailed: ["TaskStartFailed", "taskStartFailedEventDetails"],
  },
  activity: {
    scheduled: ["ActivityScheduled", "activityScheduledEventDetails"],
    started: ["ActivityStarted", "activityStartedEventDetails"],
    succeeded: ["ActivitySucceeded", "activitySucceededEventDetails"],
    failed: ["ActivityFailed", "activityFailedEventDetails"],
    timedOut: ["ActivityTimedOut", "activityTimedOutEventDetails"],
    scheduleFailed: ["ActivityScheduleFailed", "activityScheduleFailedEventDetails"],
  },
  lambda: {
    scheduled: ["LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails"],
    started: ["LambdaFunctionStarted"],
    succeeded: ["LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails"],
    failed: ["LambdaFunctionFailed", "lambdaFunctionFailedEventDetails"],
    timedOut: ["LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails"],
    scheduleFailed: ["LambdaFunctionScheduleFailed", "lambdaFunctionScheduleFailedEventDetails"],
  },
  mapRun: {
    succeeded: ["MapRunSucceeded"],
    failed: ["MapRunFailed", "mapRunFailedEventDetails"],
    aborted: ["MapRunAborted"],
  },
};

/**
 * The event type and details object of one phase. `resource` ({resourceType, resource}) is only
 * part of the Task* details; the other kinds name the resource in their Scheduled event only.
 */
export function taskEvent(
  kind: TaskKind,
  phase: TaskPhase,
  details: Record<string, unknown>,
  resource: { resourceType: string; resource: string },
): { type: string; details: Record<string, unknown> } | undefined {
  const n = NAMES[kind][phase];
  if (!n) return undefined;
  const [type, key] = n;
  if (!key) return { type, details: {} };
  const d = kind === "task" ? { ...resource, ...details } : details;
  return { type, details: { [key]: d } };
}

/** Which history family a Task state's Resource belongs to. */
export function taskKind(resource: string): TaskKind {
  if (/^arn:aws[a-z-]*:states:[^:]*:[^:]*:activity:/.test(resource)) return "activity";
  if (/^arn:aws[a-z-]*:lambda:/.test(resource)) return "lambda";
  return "task";
}
