/**
 * The default VPC, created in an account and Region the first time anything needs it (owned by
 * the vpc family; other families call ensureDefaultVpc before listing or placing resources).
 */
import type { StorePort } from "../../../core/index.js";
import type { Scope } from "../foundation/index.js";

/** Creates the default VPC and its components unless the scope already has (or deleted) one. */
export const ensureDefaultVpc = (_store: StorePort, _scope: Scope, _settings: Readonly<Record<string, unknown>>): void => {
  // Written by the vpc family.
};
