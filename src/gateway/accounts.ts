/**
 * Which account and principal a request acts as. In order: each service's resolveCaller hook
 * (e.g. STS maps the temporary credentials it issued to the assumed role); else a 12-digit
 * access key id is that account (LocalStack's convention, so its tools work with us); else the
 * default account. A plain key's caller is the account root.
 */
import type { Caller, Clock, StorePort } from "../core/index.js";
import type { RegisteredService } from "./registry.js";

export const DEFAULT_ACCOUNT_ID = "000000000000";
const ACCOUNT_RE = /^\d{12}$/;

export const isAccountId = (value: string): boolean => ACCOUNT_RE.test(value);

export const rootCaller = (accessKeyId: string, accountId: string): Caller => ({
  accessKeyId,
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accountId,
});

export const createCallerResolver = (
  services: readonly RegisteredService[],
  store: StorePort,
  defaultAccountId: string,
  clock: Clock,
): ((accessKeyId: string | undefined) => Caller) => {
  const hooks = services.map((s) => s.def.resolveCaller).filter((h): h is NonNullable<typeof h> => typeof h === "function");
  return (accessKeyId) => {
    if (!accessKeyId) return rootCaller("", defaultAccountId);
    for (const hook of hooks) {
      // The hook gets the clock's time so that expiry follows a test's advanced clock.
      const caller = hook(store, accessKeyId, clock.now());
      if (caller) return caller;
    }
    return rootCaller(accessKeyId, isAccountId(accessKeyId) ? accessKeyId : defaultAccountId);
  };
};
