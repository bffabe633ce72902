/**
 * What a service folder exports: its identity on the wire, its lazily loaded SDK model, and the
 * list of operations it implements (the only registry: no decorators, no scanning). Operations in
 * the model but not listed answer with the uniform NotImplemented error.
 */
import type { SchedulingClock } from "./clock.js";
import type { Caller } from "./context.js";
import type { Logger } from "./logger.js";
import type { Operation } from "./define-op.js";
import type { HttpRequest, HttpResponse } from "./http.js";
import type { StorePort } from "./store-port.js";

/** SDK v3 client configuration (endpoint, region, credentials and, in memory, a request handler). */
export interface AwsClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestHandler?: unknown;
}

/**
 * What runtime gives a service for work outside a request (Step Functions executions, Lambda
 * environments, EventBridge deliveries): the store, a clock that can schedule, a logger, the
 * settings, and SDK clients that call Cloudbox itself (architecture rule 3: services call each
 * other through the API). A service keeps per-instance workers keyed by this object (a WeakMap),
 * never in module-level state.
 */
export interface ServiceRuntime {
  readonly store: StorePort;
  readonly clock: SchedulingClock;
  readonly log: Logger;
  readonly settings: Readonly<Record<string, unknown>>;
  /** The URL Cloudbox listens on (for processes it starts, such as Lambda runtimes). */
  endpoint(): string;
  /** A client config that reaches Cloudbox in memory, signed as the given account and Region. */
  sdkConfig(options: { accountId: string; region: string }): AwsClientConfig;
}

export type ProtocolName = "ec2" | "query" | "json" | "rest-json" | "rest-xml";

export interface ServiceDefinition {
  /** Cloudbox's short name, e.g. "ec2", "sts", "states". */
  readonly name: string;
  /** The SigV4 signing name in the credential scope, e.g. "ec2", "states", "events", "s3". */
  readonly signingName: string;
  /** The endpoint prefix of the service's hostnames (e.g. "states" for states.us-east-1.amazonaws.com). */
  readonly endpointPrefix: string;
  readonly protocol: ProtocolName;
  /** Loads the official SDK client module; called on the service's first request only. */
  readonly loadSdk: () => Promise<Record<string, unknown>>;
  /** The client class exported by that module, e.g. "EC2Client". */
  readonly clientClass: string;
  /**
   * Optional: the X-Amz-Target prefix of a json-protocol service (e.g. "AWSStepFunctions"), so
   * that the gateway can route an unsigned request by its target without loading the model.
   */
  readonly targetPrefix?: string;
  /** Optional: the largest request body this service accepts (bytes); the gateway's default otherwise. */
  readonly maxBodyBytes?: number;
  /** Global services (STS's global endpoint, IAM) keep their state under a fixed region. */
  readonly global?: boolean;
  readonly operations: readonly Operation[];
  /** The service's table migrations, applied in order at startup. */
  readonly migrations?: readonly string[];
  /**
   * Optional: map an access key id that this service issued (e.g. STS temporary credentials) to
   * its caller. The gateway asks each service that has this hook before applying the default
   * rule (a 12-digit access key id is that account; anything else is the default account).
   */
  readonly resolveCaller?: (store: StorePort, accessKeyId: string, nowMs?: number) => Caller | undefined;
  /**
   * Optional: serves Cloudbox's own HTTP routes under /_cloudbox/ that the gateway does not know
   * (e.g. Lambda code downloads at /_cloudbox/lambda/code/...). The gateway asks each service with
   * this hook in order; the first response wins; undefined means "not mine".
   */
  readonly internalRoute?: (
    req: HttpRequest,
    runtime: ServiceRuntime,
  ) => HttpResponse | undefined | Promise<HttpResponse | undefined>;
  /**
   * Optional: hosts this service serves outside the AWS APIs, e.g. Lambda function URLs
   * (`<url-id>.lambda-url.<region>.localhost`). Requests to a matching Host go to internalRoute.
   */
  readonly internalHost?: RegExp;
  /** Optional: starts background work (e.g. resumes executions after a restart). */
  readonly start?: (runtime: ServiceRuntime) => void | Promise<void>;
  /** Optional: stops background work (before the store closes). */
  readonly stop?: (runtime: ServiceRuntime) => void | Promise<void>;
}
