/**
 * EC2 resource family "traffic" (issue 4): traffic that obeys the network.
 * - Reachability Analyzer operations (insights.ts) over the path engine;
 * - probes and VPC flow log records (probe.ts, flow-records.ts, flow-logs.ts), served on the EC2
 *   service's internalRoute hook (/_cloudbox/probe, /_cloudbox/flow-logs/flush), flushed on stop;
 * - the network model built from the resource store (network-model.ts), cached per version.
 */
import type { Operation } from "../../../core/index.js";
import { insightsOperations } from "./insights.js";
import { trafficInternalRoute, trafficStop } from "./probe.js";
import { trafficMigrations } from "./store.js";

export const operations: readonly Operation[] = [...insightsOperations];
export const migrations: readonly string[] = trafficMigrations;

export const internalRoute = trafficInternalRoute;
export const stop = trafficStop;

export { buildNetwork, currentNetwork } from "./network-model.js";
export { runProbe, type ProbeRequest, type ProbeResponse } from "./probe.js";
export { formatRecord, FlowLogWriter, s3KeyOf } from "./flow-logs.js";
export { recordsOf } from "./flow-records.js";
