/**
 * What an execution environment needs to run one version of a function (environments.ts
 * ExecSpec), built from a resolved version: its configuration, where its code and its layers'
 * code are in the store, and its reserved concurrency. Shared by Invoke, Event invocations and
 * function URLs.
 */
import type { ServiceRuntime } from "../../core/index.js";
import { loadZip } from "./code.js";
import type { ExecSpec } from "./environments.js";
import { layerCodeOf } from "./layers.js";
import type { ResolvedVersion } from "./model.js";
import type { Scope } from "./store.js";

export const execSpec = (runtime: ServiceRuntime, s: Scope, name: string, r: ResolvedVersion): ExecSpec => ({
  scope: s,
  functionName: name,
  version: r.version,
  config: r.config,
  codeSha256: r.codeSha256,
  loadZip: () => loadZip(runtime.store, s, r.codeSha256),
  layers: r.config.Layers?.length ? layerCodeOf(runtime.store, r.config.Layers) : [],
  loadLayer: (l) => loadZip(runtime.store, l.scope, l.sha256),
  reservedConcurrency: r.fn.reserved_concurrency,
});
