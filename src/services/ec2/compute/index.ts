/**
 * EC2 resource family "compute": instance types, network interfaces, instances, EBS volumes and
 * snapshots. Every resource lives in the foundation's resource store (no tables of our own).
 */
import type { Operation } from "../../../core/index.js";
import { instanceTypeOperations } from "./instance-types.js";
import { instanceOperations } from "./instances.js";
import { networkInterfaceOperations } from "./network-interfaces.js";
import { snapshotOperations } from "./snapshots.js";
import { volumeOperations } from "./volumes.js";

export const operations: readonly Operation[] = [
  ...instanceTypeOperations,
  ...networkInterfaceOperations,
  ...instanceOperations,
  ...volumeOperations,
  ...snapshotOperations,
];
export const migrations: readonly string[] = [];
