/** Every service Cloudbox serves. runtime/ is the only importer. */
import type { ServiceDefinition } from "../core/index.js";

export const allServices: readonly ServiceDefinition[] = [];
