/**
 * The composition root: createCloudbox(options) opens the store, registers the services by their
 * identities, and starts the HTTP gateway. No service module and no SDK model loads here: each
 * service loads on its first request (applying its migrations then), and services that resume
 * work after a restart (identity `boot`) load right after the server listens when the store
 * holds their tables; `ready` settles when they have started. So Cloudbox answers its health check in a fraction of a second.
 *
 *   const cb = await createCloudbox({ port: 0, ephemeral: true });
 *   const ec2 = new EC2Client(cb.clientConfig);
 *   ...
 *   await cb.stop();
 */
import "./env.js";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dirname, join } from "node:path";
import {
  AdjustableClock,
  createLogger,
  type AwsClientConfig,
  type HttpRequest,
  type HttpResponse,
  type Logger,
  type LogLevel,
  loadedService,
  type LazyService,
  type ServiceDefinition,
  type ServiceRuntime,
} from "../core/index.js";
import { createGateway, createServiceRegistry, DEFAULT_ACCOUNT_ID, isAccountId, type Gateway } from "../gateway/index.js";
import { allServices } from "../services/index.js";
import { openStore, type Store } from "../state/index.js";
import { createInMemoryRequestHandler, type InMemoryRequestHandler } from "./in-memory-handler.js";
import { packageInfo } from "./package-info.js";

export interface CloudboxOptions {
  /** TCP port; default 4566; 0 picks a free port (read it from `port` / `endpoint`). */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Directory of the SQLite database; default ./.cloudbox. Ignored when ephemeral. */
  dataDir?: string;
  /** Keep all state in memory. */
  ephemeral?: boolean;
  /** Default "silent" (the CLI uses "info"). */
  logLevel?: LogLevel;
  /** Where log lines go; default stderr. */
  logWrite?: (line: string) => void;
  /** Account for access keys that are not 12 digits; default env CLOUDBOX_DEFAULT_ACCOUNT or 000000000000. */
  defaultAccountId?: string;
  /**
   * Pinned Availability Zone mappings: accountId → the JSON output of
   * `aws ec2 describe-availability-zones` from that account (one object, or an array of them for
   * several Regions). Handed to services as settings.azPins.
   */
  azPins?: Record<string, unknown>;
  /** Largest request body (bytes) for services that do not set their own; default 100 MiB. */
  maxBodyBytes?: number;
  /**
   * Step Functions Local mock configuration (`StateMachines` / `MockedResponses`), as an object
   * or a file path; default env CLOUDBOX_SFN_MOCK_CONFIG. Handed to services as settings.sfnMockConfig.
   */
  sfnMockConfig?: unknown;
  /** The services to serve; default every service Cloudbox has. Plain definitions count as loaded. */
  services?: readonly (LazyService | ServiceDefinition)[];
}

export interface CloudboxClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface Cloudbox {
  /** e.g. http://127.0.0.1:4566 */
  readonly endpoint: string;
  readonly port: number;
  readonly host: string;
  /** Spread into any SDK v3 client: `new S3Client({ ...cb.clientConfig, forcePathStyle: true })`. */
  readonly clientConfig: CloudboxClientConfig;
  /** Real time plus an offset that tests can advance. */
  readonly clock: AdjustableClock;
  readonly store: Store;
  readonly log: Logger;
  /**
   * Settles when the services that load at startup (identity `boot`, e.g. Step Functions resuming
   * executions) have loaded and started; requests do not need to wait for it.
   */
  readonly ready: Promise<void>;
  /** The ports services get for background work (also ctx.runtime in handlers). */
  readonly runtime: ServiceRuntime;
  /** Serves one request in memory, without the network. */
  handle(req: HttpRequest): Promise<HttpResponse>;
  /** An SDK v3 requestHandler that calls the gateway in memory (no socket). */
  readonly inMemoryRequestHandler: InMemoryRequestHandler;
  /** clientConfig plus the in-memory requestHandler: `new LambdaClient(cb.inMemoryClientConfig)`. */
  readonly inMemoryClientConfig: CloudboxClientConfig & { requestHandler: InMemoryRequestHandler };
  /** Empties all state (tables stay). */
  reset(): Promise<void>;
  /** Closes the server and the store. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_PORT = 4566;
export const DEFAULT_HOST = "127.0.0.1";

const endpointHost = (host: string): string => {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
};

export const createCloudbox = async (options: CloudboxOptions = {}): Promise<Cloudbox> => {
  const host = options.host ?? DEFAULT_HOST;
  const requestedPort = options.port ?? DEFAULT_PORT;
  const log = createLogger(options.logLevel ?? "silent", options.logWrite);
  const defaultAccountId = options.defaultAccountId ?? (process.env.CLOUDBOX_DEFAULT_ACCOUNT || undefined) ?? DEFAULT_ACCOUNT_ID;
  if (!isAccountId(defaultAccountId)) throw new Error(`The default account id must be 12 digits, got "${defaultAccountId}"`);
  const given = options.services ?? allServices;
  const services = given.map((s) => ("load" in s ? s : loadedService(s)));
  // Definitions handed over already loaded (tests, embedders) start before createCloudbox returns.
  const eager = new Set(given.filter((s) => !("load" in s)).map((s) => (s as ServiceDefinition).name));
  const info = packageInfo();

  const store = openStore({ dataDir: options.dataDir, ephemeral: options.ephemeral });
  let gateway: Gateway;
  let server: Server;
  try {
    const clock = new AdjustableClock();
    const settings: Record<string, unknown> = {
      azPins: options.azPins ?? {},
      ...(options.sfnMockConfig !== undefined ? { sfnMockConfig: options.sfnMockConfig } : {}),
      defaultAccountId,
      // Where services may keep files next to the database (undefined when ephemeral).
      dataDir: store.file ? dirname(store.file) : undefined,
    };
    let endpoint = "";
    let inMemoryRequestHandler: InMemoryRequestHandler | undefined;
    const runtime: ServiceRuntime = {
      store,
      clock,
      log,
      settings,
      endpoint: () => endpoint,
      sdkConfig: ({ accountId, region }): AwsClientConfig => ({
        endpoint,
        region,
        // A 12-digit access key id acts as that account (see gateway/accounts.ts).
        credentials: { accessKeyId: accountId, secretAccessKey: "cloudbox" },
        requestHandler: inMemoryRequestHandler,
      }),
    };
    // Services with a start or a stop hook are stopped on shutdown in reverse order of the list
    // (allServices puts a service that calls others in the background after them: it stops first).
    const started: ServiceDefinition[] = [];
    let stopping: Promise<void> | undefined;
    const registry = createServiceRegistry(services, {
      // Snapshots of the SDK models, next to the packages they come from (like other tools' caches).
      modelCacheDir: process.env.CLOUDBOX_MODEL_CACHE === "off" ? undefined : join(info.root, "node_modules", ".cache", "cloudbox", "models"),
      onLoad: async (def) => {
        if (def.migrations?.length) store.migrate(def.name, def.migrations);
        if (def.start || def.stop) started.push(def);
        await def.start?.(runtime);
      },
    });
    gateway = createGateway({
      registry,
      store,
      clock,
      log,
      settings,
      defaultAccountId,
      maxBodyBytes: options.maxBodyBytes,
      runtime,
      info,
      reset: () => store.reset(),
      healthExtra: () => ({ endpoint, dataDir: store.file ? dirname(store.file) : null, ephemeral: store.ephemeral }),
    });

    server = createServer({ keepAlive: true }, gateway.listener);
    // Idle keep-alive sockets of SDK clients: keep them a while, but let stop() end them.
    server.keepAliveTimeout = 60_000;
    // CONNECT (proxy tunnels) never reaches the request listener: answer it in AWS's JSON error
    // shape instead of leaving the client without a response.
    server.on("connect", (_req, socket: Socket) => {
      const body = JSON.stringify({ __type: "MethodNotAllowedException", message: "CONNECT is not supported." });
      socket.end(
        `HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    const sockets = new Set<Socket>();
    server.on("connection", (s: Socket) => {
      s.setNoDelay(true);
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      server.once("error", onError);
      server.listen(requestedPort, host, () => {
        server.off("error", onError);
        resolve();
      });
    });
    server.on("error", (e) => log.error("server error", e));
    const port = (server.address() as AddressInfo).port;
    endpoint = `http://${endpointHost(host)}:${port}`;
    settings.endpoint = endpoint;

    const clientConfig: CloudboxClientConfig = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    inMemoryRequestHandler = createInMemoryRequestHandler((req) => gateway.handle(req));
    // Services that call other services through the API build their SDK clients with this handler.
    settings.inMemoryRequestHandler = inMemoryRequestHandler;

    const stopServices = async () => {
      const rank = (def: ServiceDefinition) => services.findIndex((s) => s.identity.name === def.name);
      // A stop hook may load another service (Lambda's last log lines load CloudWatch Logs): it
      // joins the list and stops in its turn.
      while (started.length > 0) {
        started.sort((a, b) => rank(b) - rank(a));
        const def = started.shift()!;
        try {
          await def.stop?.(runtime);
        } catch (e) {
          log.error(`service ${def.name}: stop failed`, e);
        }
      }
    };
    // Background work starts after listening, so that workers can call Cloudbox over HTTP too.
    try {
      for (const service of registry.services) if (eager.has(service.def.name)) await registry.load(service);
    } catch (e) {
      await stopServices();
      clock.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      throw e;
    }
    // A boot service that fails to load is logged; its requests answer InternalFailure and retry the load.
    const ready = (async () => {
      for (const service of registry.services) {
        // Only a store that holds the service's tables can hold work to resume.
        if (!service.def.boot || stopping || !store.hasMigrated(service.def.name)) continue;
        try {
          await registry.load(service);
        } catch (e) {
          log.error(`service ${service.def.name}: failed to load at startup`, e);
        }
      }
    })();

    const cb: Cloudbox = {
      endpoint,
      port,
      host,
      clientConfig,
      inMemoryRequestHandler,
      inMemoryClientConfig: { ...clientConfig, requestHandler: inMemoryRequestHandler },
      runtime,
      clock,
      store,
      log,
      ready,
      handle: (req) => gateway.handle(req),
      reset: async () => store.reset(),
      stop: () =>
        (stopping ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          // Requests in flight get a moment; then every socket goes.
          setTimeout(() => {
            for (const s of sockets) s.destroy();
          }, 200).unref();
          await ready;
          await stopServices();
          clock.clear();
          await closed;
          store.close();
        })()),
    };
    return cb;
  } catch (e) {
    store.close();
    throw e;
  }
};
