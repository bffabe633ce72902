// ExternalServiceFunction: a flaky service. It fails with ServiceException until the third attempt
// ($$.State.RetryCount arrives as "attempt"), so the Retry with IntervalSeconds 2 and BackoffRate 2
// waits 2 s, then 4 s.
export const handler = async (event) => {
  if ((event.attempt ?? 0) < 2) {
    const e = new Error(`service busy (attempt ${event.attempt})`);
    e.name = "ServiceException";
    throw e;
  }
  return { accepted: event.count ?? null, attempt: event.attempt };
};
