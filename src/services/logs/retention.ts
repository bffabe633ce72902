/**
 * The retention sweep: deletes events older than their group's retention, by the Cloudbox clock.
 * Reads already hide such events (common.ts retentionCutoff), so results never depend on when the
 * sweep runs; the sweep keeps storedBytes and the store honest. AWS says "CloudWatch Logs doesn't
 * immediately delete log events when they reach their retention setting. It typically takes up to
 * 72 hours after that before log events are deleted" (API_PutRetentionPolicy.html); Cloudbox hides
 * them at once (DEVIATION, on purpose: a test that advances the clock sees the effect).
 * The sweep runs every hour of Cloudbox time (clock.schedule, which also fires when a test
 * advances the clock); its state is kept per runtime in a WeakMap.
 */
import type { ServiceRuntime } from "../../core/index.js";
import { deleteExpired } from "./store.js";

const SWEEP_EVERY_MS = 3_600_000;
const sweepers = new WeakMap<ServiceRuntime, { cancel: () => void; stopped: boolean }>();

export const sweepOnce = (runtime: ServiceRuntime): number =>
  runtime.store.transaction(() => deleteExpired(runtime.store, runtime.clock.now()));

export const startRetentionSweep = (runtime: ServiceRuntime): void => {
  stopRetentionSweep(runtime);
  const state = { cancel: () => {}, stopped: false };
  const arm = () => {
    if (state.stopped) return;
    state.cancel = runtime.clock.schedule(runtime.clock.now() + SWEEP_EVERY_MS, () => {
      try {
        const n = sweepOnce(runtime);
        if (n) runtime.log.debug(`logs: retention sweep deleted ${n} events`);
      } catch (e) {
        runtime.log.warn(`logs: retention sweep failed: ${(e as Error).message}`);
      }
      arm();
    });
  };
  sweepers.set(runtime, state);
  arm();
};

export const stopRetentionSweep = (runtime: ServiceRuntime): void => {
  const st = sweepers.get(runtime);
  if (!st) return;
  st.stopped = true;
  st.cancel();
  sweepers.delete(runtime);
};
