/**
 * What a handler knows about the request it serves: who is calling, where, and the ports it may
 * use (clock, store, logger). Built by the gateway; handlers never read HTTP.
 */
import type { Clock } from "./clock.js";
import type { Logger } from "./logger.js";
import type { ServiceRuntime } from "./service.js";
import type { StorePort } from "./store-port.js";

export interface Caller {
  accessKeyId: string;
  accountId: string;
  /** The principal ARN (arn:aws:iam::<account>:root, or an assumed-role session ARN). */
  arn: string;
  /** The UserId that GetCallerIdentity returns. */
  userId: string;
}

export interface OperationContext {
  requestId: string;
  /** The service's short name, e.g. "ec2". */
  service: string;
  operation: string;
  accountId: string;
  region: string;
  caller: Caller;
  clock: Clock;
  store: StorePort;
  log: Logger;
  /** Data that runtime configured for services (e.g. AZ pins, regions data); read-only. */
  settings: Readonly<Record<string, unknown>>;
  /** Background-work ports (scheduling, in-memory SDK clients); see ServiceRuntime. */
  runtime?: ServiceRuntime;
}
