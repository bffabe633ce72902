/**
 * Amazon CloudWatch Logs (protocol json 1.1, X-Amz-Target prefix Logs_20140328): log groups,
 * retention and tags (log-groups.ts), log streams (log-streams.ts), events and filter patterns
 * (log-events.ts; the pattern engine is src/engines/log-filter), the retention sweep
 * (retention.ts). VPC flow logs delivered to CloudWatch Logs arrive here through PutLogEvents.
 */
import type { ServiceDefinition } from "../../core/index.js";
import { logsIdentity } from "./identity.js";
import { filterLogEvents, getLogEvents, putLogEvents, testMetricFilter } from "./log-events.js";
import {
  createLogGroup, deleteLogGroup, deleteRetentionPolicy, describeLogGroups, listTagsForResource, listTagsLogGroup, putRetentionPolicy,
  tagLogGroup, tagResource, untagLogGroup, untagResource,
} from "./log-groups.js";
import { createLogStream, deleteLogStream, describeLogStreams } from "./log-streams.js";
import { startRetentionSweep, stopRetentionSweep } from "./retention.js";
import { logsMigrations } from "./store.js";

export const logsService: ServiceDefinition = {
  ...logsIdentity,
  migrations: logsMigrations,
  operations: [
    createLogGroup, describeLogGroups, deleteLogGroup, putRetentionPolicy, deleteRetentionPolicy,
    tagLogGroup, untagLogGroup, listTagsLogGroup, tagResource, untagResource, listTagsForResource,
    createLogStream, describeLogStreams, deleteLogStream,
    putLogEvents, getLogEvents, filterLogEvents, testMetricFilter,
  ],
  start: (runtime) => startRetentionSweep(runtime),
  stop: (runtime) => stopRetentionSweep(runtime),
};
