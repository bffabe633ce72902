/**
 * Time comes in through a Clock so that tests can advance it (Step Functions waits, retries,
 * schedules). Engines never read Date.now themselves.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that runs with real time but can be pushed forward by tests. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("advance() takes a non-negative number of milliseconds");
    this.offsetMs += ms;
  }
}
