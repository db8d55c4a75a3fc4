/**
 * Time slicing for async work done on the JS thread (the js kernels, the drift suite's own loops): work goes on until SLICE_MS have passed
 * since the last pause, then yields one event-loop turn. Budgets counted in values gave slices
 * of 30-100 ms on a slow machine (a sort of 2^14 doubles alone takes 2 ms on this 2-core VM,
 * 0.2 ms on a fast one), so the clock decides, and the units of work between checks are kept
 * well under a millisecond or two.
 */

/** Milliseconds of work between event-loop turns. */
export const SLICE_MS = 8;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Call pause() after each unit of work: it yields to the event loop once the slice's time is spent. */
export class TimeSlicer {
  private started = performance.now();

  /** True when the current slice has run SLICE_MS or more. */
  get due(): boolean {
    return performance.now() - this.started >= SLICE_MS;
  }

  /** Yields one event-loop turn when the slice's time is spent; returns at once otherwise. */
  async pause(): Promise<void> {
    if (!this.due) return;
    await turn();
    this.started = performance.now();
  }
}
