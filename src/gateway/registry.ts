/**
 * The gateway's view of the services: lookup by signing name, X-Amz-Target prefix, endpoint
 * prefix, and each service's model, loaded lazily on its first request (concurrent first requests
 * share one promise). The gateway gets this registry from runtime; it never imports a service.
 */
import type { Operation, ServiceDefinition } from "../core/index.js";
// Type-only: the protocol layer (fast-xml-parser, the Smithy schema code) loads with the first
// service request, not at startup.
import type { ServiceModel } from "../protocol/index.js";

export interface RegisteredService {
  readonly def: ServiceDefinition;
  /** Implemented operations by name. */
  readonly operations: ReadonlyMap<string, Operation>;
}

export interface ServiceRegistry {
  readonly services: readonly RegisteredService[];
  byName(name: string): RegisteredService | undefined;
  bySigningName(signingName: string): RegisteredService | undefined;
  /** Matches ServiceDefinition.targetPrefix, then the targetPrefix of models already loaded. */
  byTargetPrefix(prefix: string): RegisteredService | undefined;
  byEndpointPrefix(prefix: string): RegisteredService | undefined;
  /**
   * Unsigned query-protocol requests (e.g. STS AssumeRoleWithWebIdentity) name no service in
   * their headers: find the query/ec2 service whose model's API version is `version`. Looks at
   * loaded models first, then loads the others (a rare path, so its cost is acceptable).
   */
  byApiVersion(version: string): Promise<RegisteredService | undefined>;
  /** The model if it is loaded already (the fast path), else undefined. */
  loadedModel(service: RegisteredService): ServiceModel | undefined;
  /** Loads the model once; a failed load is retried on the next request. */
  model(service: RegisteredService): Promise<ServiceModel>;
}

export const createServiceRegistry = (defs: readonly ServiceDefinition[]): ServiceRegistry => {
  const services: RegisteredService[] = [];
  const byName = new Map<string, RegisteredService>();
  const bySigning = new Map<string, RegisteredService>();
  const byTarget = new Map<string, RegisteredService>();
  const byEndpoint = new Map<string, RegisteredService>();
  for (const def of defs) {
    if (byName.has(def.name)) throw new Error(`Two services are named ${def.name}`);
    const operations = new Map<string, Operation>();
    for (const op of def.operations) {
      if (operations.has(op.name)) throw new Error(`Service ${def.name} lists operation ${op.name} twice`);
      operations.set(op.name, op);
    }
    const entry: RegisteredService = { def, operations };
    services.push(entry);
    byName.set(def.name, entry);
    // First service wins when two share a signing name or prefix.
    if (!bySigning.has(def.signingName)) bySigning.set(def.signingName, entry);
    if (def.targetPrefix && !byTarget.has(def.targetPrefix)) byTarget.set(def.targetPrefix, entry);
    if (!byEndpoint.has(def.endpointPrefix)) byEndpoint.set(def.endpointPrefix, entry);
  }

  const models = new Map<RegisteredService, ServiceModel>();
  const pending = new Map<RegisteredService, Promise<ServiceModel>>();

  const load = async (service: RegisteredService): Promise<ServiceModel> => {
    const { def } = service;
    const [sdk, { loadServiceModel }] = await Promise.all([def.loadSdk(), import("../protocol/index.js")]);
    const model = loadServiceModel({ name: def.name, protocol: def.protocol, sdk, clientClass: def.clientClass });
    models.set(service, model);
    if (model.targetPrefix && !byTarget.has(model.targetPrefix)) byTarget.set(model.targetPrefix, service);
    return model;
  };

  return {
    services,
    byName: (name) => byName.get(name),
    bySigningName: (name) => bySigning.get(name),
    byTargetPrefix: (prefix) => byTarget.get(prefix),
    byEndpointPrefix: (prefix) => byEndpoint.get(prefix),
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
    model(service) {
      const loaded = models.get(service);
      if (loaded) return Promise.resolve(loaded);
      let p = pending.get(service);
      if (!p) {
        p = load(service).finally(() => pending.delete(service));
        pending.set(service, p);
      }
      return p;
    },
  };
};
