/**
 * The gateway's view of the services: lookup by signing name, X-Amz-Target prefix, endpoint
 * prefix, host and internal path, all from the services' identities; each service's definition
 * (its operations and hooks) and its SDK model load lazily, on first use, once (concurrent first
 * requests share one promise; a failed load is retried next time). The gateway gets this registry
 * from runtime; it never imports a service.
 */
import { identityMismatch, type LazyService, type Operation, type ServiceDefinition, type ServiceIdentity } from "../core/index.js";
// Type-only: the protocol layer (fast-xml-parser, the Smithy schema code) loads with the first
// service request, not at startup.
import type { ServiceModel } from "../protocol/index.js";

/** A loaded service: its definition and its operations by name. */
export interface LoadedService {
  readonly def: ServiceDefinition;
  readonly operations: ReadonlyMap<string, Operation>;
}

export interface RegisteredService {
  /** What is known before loading: names, prefixes, hosts, hints. */
  readonly def: ServiceIdentity;
  /** The loaded definition, if it is loaded (the fast path), else undefined. */
  readonly loaded: LoadedService | undefined;
}

export interface ServiceRegistry {
  readonly services: readonly RegisteredService[];
  byName(name: string): RegisteredService | undefined;
  bySigningName(signingName: string): RegisteredService | undefined;
  /** Matches ServiceIdentity.targetPrefix, then the targetPrefix of models already loaded. */
  byTargetPrefix(prefix: string): RegisteredService | undefined;
  byEndpointPrefix(prefix: string): RegisteredService | undefined;
  /** The service whose internalHost matches `host`. */
  byInternalHost(host: string): RegisteredService | undefined;
  /** The service whose internalPaths has a prefix of `route` (the path after /_cloudbox/). */
  byInternalPath(route: string): RegisteredService | undefined;
  /**
   * Unsigned query-protocol requests (e.g. STS AssumeRoleWithWebIdentity) name no service in
   * their headers: find the query/ec2 service whose model's API version is `version`. Looks at
   * loaded models first, then loads the others (a rare path, so its cost is acceptable).
   */
  byApiVersion(version: string): Promise<RegisteredService | undefined>;
  /** The definition, loading it (and running the onLoad hook) on first use. */
  load(service: RegisteredService): Promise<LoadedService>;
  /** The model if it is loaded already (the fast path), else undefined. */
  loadedModel(service: RegisteredService): ServiceModel | undefined;
  /** Loads the model once; a failed load is retried on the next request. */
  model(service: RegisteredService): Promise<ServiceModel>;
}

export interface RegistryOptions {
  /** Runs once per service after its definition loads and before any request uses it (migrations, start). */
  onLoad?: (def: ServiceDefinition) => void | Promise<void>;
  /** Where model snapshots are kept (model-cache.ts); none means every model loads from its SDK. */
  modelCacheDir?: string;
}

/** Shares one in-flight promise per key; a rejected one is forgotten so that the next call retries. */
const onceEach = <K, V>(run: (key: K) => Promise<V>): ((key: K) => Promise<V>) => {
  const pending = new Map<K, Promise<V>>();
  return (key) => {
    let p = pending.get(key);
    if (!p) {
      p = run(key).catch((e: unknown) => {
        pending.delete(key);
        throw e;
      });
      pending.set(key, p);
    }
    return p;
  };
};

export const createServiceRegistry = (list: readonly LazyService[], options: RegistryOptions = {}): ServiceRegistry => {
  const services: (RegisteredService & { loaded: LoadedService | undefined })[] = [];
  const loaders = new Map<RegisteredService, LazyService>();
  const byName = new Map<string, RegisteredService>();
  const bySigning = new Map<string, RegisteredService>();
  const byTarget = new Map<string, RegisteredService>();
  const byEndpoint = new Map<string, RegisteredService>();
  for (const lazy of list) {
    const def = lazy.identity;
    if (byName.has(def.name)) throw new Error(`Two services are named ${def.name}`);
    const entry = { def, loaded: undefined as LoadedService | undefined };
    services.push(entry);
    loaders.set(entry, lazy);
    byName.set(def.name, entry);
    // First service wins when two share a signing name or prefix.
    if (!bySigning.has(def.signingName)) bySigning.set(def.signingName, entry);
    if (def.targetPrefix && !byTarget.has(def.targetPrefix)) byTarget.set(def.targetPrefix, entry);
    if (!byEndpoint.has(def.endpointPrefix)) byEndpoint.set(def.endpointPrefix, entry);
  }

  const loadDefinition = onceEach(async (service: RegisteredService): Promise<LoadedService> => {
    const def = await loaders.get(service)!.load();
    const mismatch = identityMismatch(service.def, def);
    if (mismatch) throw new Error(`Service ${service.def.name}: ${mismatch}`);
    const operations = new Map<string, Operation>();
    for (const op of def.operations) {
      if (operations.has(op.name)) throw new Error(`Service ${def.name} lists operation ${op.name} twice`);
      operations.set(op.name, op);
    }
    await options.onLoad?.(def);
    const loaded = { def, operations };
    (service as { loaded: LoadedService | undefined }).loaded = loaded;
    return loaded;
  });

  const models = new Map<RegisteredService, ServiceModel>();
  const loadModel = onceEach(async (service: RegisteredService): Promise<ServiceModel> => {
    const { def } = service;
    const [protocol, { loadModel }] = await Promise.all([import("../protocol/index.js"), import("./model-cache.js")]);
    const model = await loadModel(def, protocol, options.modelCacheDir);
    models.set(service, model);
    if (model.targetPrefix && !byTarget.has(model.targetPrefix)) byTarget.set(model.targetPrefix, service);
    return model;
  });

  return {
    services,
    byName: (name) => byName.get(name),
    bySigningName: (name) => bySigning.get(name),
    byTargetPrefix: (prefix) => byTarget.get(prefix),
    byEndpointPrefix: (prefix) => byEndpoint.get(prefix),
    byInternalHost: (host) => services.find((s) => s.def.internalHost?.test(host)),
    byInternalPath: (route) => services.find((s) => s.def.internalPaths?.some((p) => route === p || route.startsWith(p))),
    loadedModel: (service) => models.get(service),
    async byApiVersion(version) {
      const candidates = services.filter((s) => s.def.protocol === "query" || s.def.protocol === "ec2");
      for (const s of candidates) if (models.get(s)?.version === version) return s;
      for (const s of candidates) {
        if (models.has(s)) continue;
        try {
          if ((await this.model(s)).version === version) return s;
        } catch {
          // a model that does not load cannot match
        }
      }
      return undefined;
    },
    load: (service) => (service.loaded ? Promise.resolve(service.loaded) : loadDefinition(service)),
    model: (service) => {
      const loaded = models.get(service);
      return loaded ? Promise.resolve(loaded) : loadModel(service);
    },
  };
};
