/**
 * Time comes in through a Clock so that tests can advance it (Step Functions waits, retries,
 * schedules, Lambda timeouts). Engines never read Date.now themselves; services schedule work
 * through `clock.schedule`, which fires on real time and also as soon as a test advances the clock
 * past the due time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A clock that can also run callbacks at a time on its own scale. */
export interface SchedulingClock extends Clock {
  /** Runs fn once the clock reaches `atMs`; returns a function that cancels it. */
  schedule(atMs: number, fn: () => void): () => void;
}

export const systemClock: Clock = { now: () => Date.now() };

interface Timer {
  at: number;
  fn: () => void;
  handle?: NodeJS.Timeout;
}

/** A clock that runs with real time but can be pushed forward by tests (`advance`). */
export class AdjustableClock implements SchedulingClock {
  private offsetMs = 0;
  private readonly timers = new Set<Timer>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("advance() takes a non-negative number of milliseconds");
    this.offsetMs += ms;
    this.fireDue();
    for (const t of this.timers) this.arm(t);
  }

  schedule(atMs: number, fn: () => void): () => void {
    const timer: Timer = { at: atMs, fn };
    this.timers.add(timer);
    this.arm(timer);
    return () => {
      if (timer.handle) clearTimeout(timer.handle);
      this.timers.delete(timer);
    };
  }

  /** Cancels every pending timer (on shutdown). */
  clear(): void {
    for (const t of this.timers) if (t.handle) clearTimeout(t.handle);
    this.timers.clear();
  }

  private arm(timer: Timer): void {
    if (timer.handle) clearTimeout(timer.handle);
    // Node caps timeouts at 2^31-1 ms; a later re-arm covers longer waits.
    const delay = Math.min(Math.max(0, timer.at - this.now()), 2 ** 31 - 1);
    timer.handle = setTimeout(() => this.fire(timer), delay);
    timer.handle.unref?.();
  }

  private fire(timer: Timer): void {
    if (!this.timers.has(timer)) return;
    if (timer.at > this.now()) return this.arm(timer);
    this.timers.delete(timer);
    timer.fn();
  }

  private fireDue(): void {
    const due = [...this.timers].filter((t) => t.at <= this.now()).sort((a, b) => a.at - b.at);
    for (const t of due) {
      if (t.handle) clearTimeout(t.handle);
      this.timers.delete(t);
      t.fn();
    }
  }
}
