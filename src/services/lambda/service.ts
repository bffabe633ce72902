/**
 * AWS Lambda (protocol rest-json): functions that really run, locally, through the Lambda Runtime
 * API. Implemented: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
 * DeleteFunction, UpdateFunctionCode, UpdateFunctionConfiguration, PublishVersion,
 * ListVersionsByFunction, Invoke (with Event retries and destinations), aliases, reserved
 * concurrency, the resource policy, function URL configs, layers and their policies, event invoke
 * configs. Function logs go to CloudWatch Logs. The start hook resumes the asynchronous invocations
 * queued in the store (after a restart; the service loads at startup for it, identity `boot`).
 * The stop hook stops the queue's timers, kills every execution environment and delivers the last
 * logs.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { lambdaIdentity } from "./identity.js";
import { resumeAsyncEvents, stopAsyncEvents } from "./async-invoke.js";
import { stopEnvironments } from "./environments.js";
import { lambdaInternalRoute } from "./http-routes.js";
import {
  createFunction,
  deleteFunction,
  getFunction,
  getFunctionConfiguration,
  listFunctions,
  listVersionsByFunction,
  publishVersion,
  updateFunctionCode,
  updateFunctionConfiguration,
} from "./functions.js";
import { invoke } from "./invoke.js";
import {
  deleteFunctionEventInvokeConfig,
  getFunctionEventInvokeConfig,
  listFunctionEventInvokeConfigs,
  putFunctionEventInvokeConfig,
  updateFunctionEventInvokeConfig,
} from "./event-invoke-config.js";
import {
  addLayerVersionPermission,
  deleteLayerVersion,
  getLayerVersion,
  getLayerVersionByArn,
  getLayerVersionPolicy,
  listLayers,
  listLayerVersions,
  publishLayerVersion,
  removeLayerVersionPermission,
} from "./layers.js";
import {
  addPermission,
  createAlias,
  createFunctionUrlConfig,
  deleteAlias,
  deleteFunctionConcurrency,
  deleteFunctionUrlConfig,
  getAlias,
  getFunctionConcurrency,
  getFunctionUrlConfig,
  getPolicy,
  listAliases,
  listFunctionUrlConfigs,
  putFunctionConcurrency,
  removePermission,
  updateAlias,
  updateFunctionUrlConfig,
} from "./resources.js";
import { lambdaMigrations } from "./store.js";

export const lambdaService: ServiceDefinition = {
  ...lambdaIdentity,
  operations: [
    createFunction,
    getFunction,
    getFunctionConfiguration,
    listFunctions,
    deleteFunction,
    updateFunctionCode,
    updateFunctionConfiguration,
    publishVersion,
    listVersionsByFunction,
    invoke,
    createAlias,
    getAlias,
    listAliases,
    updateAlias,
    deleteAlias,
    putFunctionConcurrency,
    getFunctionConcurrency,
    deleteFunctionConcurrency,
    addPermission,
    getPolicy,
    removePermission,
    createFunctionUrlConfig,
    getFunctionUrlConfig,
    updateFunctionUrlConfig,
    deleteFunctionUrlConfig,
    listFunctionUrlConfigs,
    publishLayerVersion,
    getLayerVersion,
    getLayerVersionByArn,
    listLayers,
    listLayerVersions,
    deleteLayerVersion,
    addLayerVersionPermission,
    getLayerVersionPolicy,
    removeLayerVersionPermission,
    putFunctionEventInvokeConfig,
    getFunctionEventInvokeConfig,
    updateFunctionEventInvokeConfig,
    deleteFunctionEventInvokeConfig,
    listFunctionEventInvokeConfigs,
  ],
  migrations: lambdaMigrations,
  start: (runtime) => resumeAsyncEvents(runtime),
  stop: async (runtime) => {
    // The queue first (no new attempt starts); its attempts in flight end with the environments.
    const settled = stopAsyncEvents(runtime);
    await stopEnvironments(runtime);
    await settled;
  },
  // Code downloads and function URLs (http-routes.ts).
  internalRoute: (req, runtime) => lambdaInternalRoute(req, runtime),
};
