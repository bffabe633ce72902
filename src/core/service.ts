/**
 * A service's identity (known at startup), its definition (loaded with its first request), and
 * the ports runtime gives it for background work.
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

/**
 * What runtime and the gateway know of a service before its module loads: how requests name it
 * (signing name, endpoint prefix, X-Amz-Target prefix, hosts, paths) and when it must load. Each
 * service folder exports one from identity.ts; its service.ts spreads it into the definition.
 * Startup imports only these, so that Cloudbox answers within a fraction of a second and a
 * service's operations, engines and libraries load with its first request.
 */
export interface ServiceIdentity {
  /** Cloudbox's short name, e.g. "ec2", "sts", "states". */
  readonly name: string;
  /** The SigV4 signing name in the credential scope, e.g. "ec2", "states", "events", "s3". */
  readonly signingName: string;
  /** The endpoint prefix of the service's hostnames (e.g. "states" for states.us-east-1.amazonaws.com). */
  readonly endpointPrefix: string;
  readonly protocol: ProtocolName;
  /**
   * The official SDK client package whose model describes the wire format, e.g.
   * "@aws-sdk/client-ec2". Read on the service's first request only, from a snapshot cache when
   * one exists for the installed version (gateway/model-cache.ts).
   */
  readonly sdkPackage: string;
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
  /**
   * Optional: hosts this service serves outside the AWS APIs, e.g. Lambda function URLs
   * (`<url-id>.lambda-url.<region>.localhost`). Requests to a matching Host go to internalRoute.
   */
  readonly internalHost?: RegExp;
  /** Optional: the paths under /_cloudbox/ its internalRoute serves, as prefixes (e.g. "lambda/"). */
  readonly internalPaths?: readonly string[];
  /**
   * Loads at startup, right after the server listens, when the store holds the service's tables:
   * for services whose work must go on after a restart without waiting for a request (Step
   * Functions executions). Others load on first use.
   */
  readonly boot?: boolean;
  /** Has a resolveCaller hook: loaded before the gateway resolves a key that is not an account id. */
  readonly resolvesCallers?: boolean;
}

/**
 * What a service folder's service.ts exports: its identity, the list of operations it implements
 * (the only registry: no decorators, no scanning), its tables and its hooks. Operations in the
 * model but not listed answer with the uniform NotImplemented error.
 */
export interface ServiceDefinition extends ServiceIdentity {
  readonly operations: readonly Operation[];
  /** The service's table migrations, applied in order when the service loads. */
  readonly migrations?: readonly string[];
  /**
   * Optional: map an access key id that this service issued (e.g. STS temporary credentials) to
   * its caller. The gateway asks each service that has this hook before applying the default
   * rule (a 12-digit access key id is that account; anything else is the default account).
   * Requires `resolvesCallers` in the identity.
   */
  readonly resolveCaller?: (store: StorePort, accessKeyId: string, nowMs?: number) => Caller | undefined;
  /**
   * Optional: serves Cloudbox's own HTTP routes under /_cloudbox/ (the identity's internalPaths,
   * e.g. Lambda code downloads at /_cloudbox/lambda/code/...) and requests to its internalHost.
   * Undefined means "not mine".
   */
  readonly internalRoute?: (
    req: HttpRequest,
    runtime: ServiceRuntime,
  ) => HttpResponse | undefined | Promise<HttpResponse | undefined>;
  /** Optional: starts background work when the service loads (e.g. resumes executions after a restart). */
  readonly start?: (runtime: ServiceRuntime) => void | Promise<void>;
  /** Optional: stops background work (before the store closes). */
  readonly stop?: (runtime: ServiceRuntime) => void | Promise<void>;
}

/** A service as runtime lists it: the identity now, the definition on demand. */
export interface LazyService {
  readonly identity: ServiceIdentity;
  readonly load: () => Promise<ServiceDefinition>;
}

/** Wraps a definition that is already loaded (tests, embedders with their own services). */
export const loadedService = (def: ServiceDefinition): LazyService => ({ identity: def, load: async () => def });

/**
 * Why a loaded definition does not keep its identity's promises, or undefined if it does. The
 * hints in the identity (boot, resolvesCallers, internalPaths) are what lets runtime leave the
 * module unloaded, so a definition that needs them and lacks them is a bug caught at load.
 */
export const identityMismatch = (identity: ServiceIdentity, def: ServiceDefinition): string | undefined => {
  const keys = ["name", "signingName", "endpointPrefix", "protocol", "clientClass", "targetPrefix", "maxBodyBytes", "global", "boot", "resolvesCallers"] as const;
  for (const k of keys) if (identity[k] !== def[k]) return `${k} is ${String(def[k])} in the definition, ${String(identity[k])} in the identity`;
  if (String(identity.internalHost) !== String(def.internalHost)) return "internalHost differs from the identity";
  if ((identity.internalPaths ?? []).join() !== (def.internalPaths ?? []).join()) return "internalPaths differ from the identity";
  if (def.resolveCaller && !def.resolvesCallers) return "it has a resolveCaller hook but its identity does not set resolvesCallers";
  if (def.internalRoute && !def.internalPaths?.length && !def.internalHost) return "it has an internalRoute hook but its identity names no internalPaths or internalHost";
  return undefined;
};
