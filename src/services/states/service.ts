/**
 * AWS Step Functions (protocol json 1.0, X-Amz-Target prefix AWSStepFunctions): state machines,
 * versions, aliases, tags (state-machines.ts), executions and task callbacks (executions.ts),
 * activities (activities.ts), RedriveExecution (redrive.ts), distributed Map runs (map-runs.ts,
 * map-run-runner.ts); the durable execution runner (runner.ts) starts with the service and
 * resumes RUNNING executions and Map Runs after a restart. See README.md for time control and mocks.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { statesIdentity } from "./identity.js";
import { createActivity, deleteActivity, describeActivity, getActivityTask, listActivities } from "./activities.js";
import {
  describeExecution,
  describeStateMachineForExecution,
  getExecutionHistory,
  listExecutions,
  sendTaskFailure,
  sendTaskHeartbeat,
  sendTaskSuccess,
  startExecutionOp,
  startSyncExecution,
  stopExecution,
} from "./executions.js";
import { describeMapRun, listMapRuns, updateMapRun } from "./map-runs.js";
import { redriveExecutionOp } from "./redrive.js";
import { resumeAll, stopRunner } from "./runner.js";
import {
  createStateMachine,
  createStateMachineAlias,
  deleteStateMachine,
  deleteStateMachineAlias,
  deleteStateMachineVersion,
  describeStateMachine,
  describeStateMachineAlias,
  listStateMachineAliases,
  listStateMachines,
  listStateMachineVersions,
  listTagsForResource,
  publishStateMachineVersion,
  tagResource,
  untagResource,
  updateStateMachine,
  updateStateMachineAlias,
  validateStateMachineDefinition,
} from "./state-machines.js";
import { statesMigrations, tokenMigrations } from "./store.js";
import { testState } from "./test-state.js";

export const statesService: ServiceDefinition = {
  ...statesIdentity,
  migrations: [...statesMigrations, ...tokenMigrations],
  operations: [
    createStateMachine, describeStateMachine, updateStateMachine, deleteStateMachine, listStateMachines, validateStateMachineDefinition,
    publishStateMachineVersion, listStateMachineVersions, deleteStateMachineVersion,
    createStateMachineAlias, describeStateMachineAlias, updateStateMachineAlias, deleteStateMachineAlias, listStateMachineAliases,
    tagResource, untagResource, listTagsForResource,
    startExecutionOp, startSyncExecution, describeExecution, listExecutions, stopExecution, getExecutionHistory,
    describeStateMachineForExecution, sendTaskSuccess, sendTaskFailure, sendTaskHeartbeat,
    createActivity, describeActivity, deleteActivity, listActivities, getActivityTask,
    redriveExecutionOp, listMapRuns, describeMapRun, updateMapRun,
    testState,
  ],
  start: (runtime) => resumeAll(runtime),
  stop: (runtime) => stopRunner(runtime),
};
