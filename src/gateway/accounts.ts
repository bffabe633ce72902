/**
 * Which account and principal a request acts as. In order: each service's resolveCaller hook
 * (e.g. STS maps the temporary credentials it issued to the assumed role); else a 12-digit
 * access key id is that account (LocalStack's convention, so its tools work with us); else the
 * default account. A plain key's caller is the account root.
 */
import type { Caller, Clock, StorePort } from "../core/index.js";
import type { ServiceRegistry } from "./registry.js";

export const DEFAULT_ACCOUNT_ID = "000000000000";
const ACCOUNT_RE = /^\d{12}$/;

export const isAccountId = (value: string): boolean => ACCOUNT_RE.test(value);

export const rootCaller = (accessKeyId: string, accountId: string): Caller => ({
  accessKeyId,
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accountId,
});

/**
 * Resolves callers. Hooks belong to services whose identity sets resolvesCallers; a key that is
 * not an account id loads those services first (STS's temporary credentials outlive a restart,
 * so the first request after one may carry them before STS has served anything).
 */
export const createCallerResolver = (
  registry: Pick<ServiceRegistry, "services" | "load">,
  store: StorePort,
  defaultAccountId: string,
  clock: Clock,
): ((accessKeyId: string | undefined) => Caller | Promise<Caller>) => {
  const owners = registry.services.filter((s) => s.def.resolvesCallers);
  const resolve = (accessKeyId: string): Caller => {
    for (const owner of owners) {
      // The hook gets the clock's time so that expiry follows a test's advanced clock.
      const caller = owner.loaded?.def.resolveCaller?.(store, accessKeyId, clock.now());
      if (caller) return caller;
    }
    return rootCaller(accessKeyId, isAccountId(accessKeyId) ? accessKeyId : defaultAccountId);
  };
  return (accessKeyId) => {
    if (!accessKeyId) return rootCaller("", defaultAccountId);
    // Hooks map keys they issued; an account-id key is never one of those.
    if (isAccountId(accessKeyId) || owners.every((o) => o.loaded)) return resolve(accessKeyId);
    return Promise.all(owners.map((o) => registry.load(o))).then(() => resolve(accessKeyId));
  };
};
