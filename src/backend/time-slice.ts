/**
 * Time slicing for async work done on the JS thread (the js kernels, the drift suite's own loops):
 * work goes on until SLICE_MS have passed since the event loop last had a turn from us, then
 * yields one turn. Budgets counted in values gave slices of 30-100 ms on a slow machine (a sort of
 * 2^14 doubles alone takes 2 ms on this 2-core VM, 0.2 ms on a fast one), so the clock decides,
 * and the units of work between checks are kept well under a millisecond or two.
 *
 * The clock is shared by every caller: a sequence of short async calls (predictAsync's batches,
 * say) adds up and yields like one long call. When nothing ran for a while, the first check
 * yields at once, which is harmless.
 */

/** Milliseconds of work between event-loop turns. */
export const SLICE_MS = 8;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

let sliceStarted = performance.now();

/** Call after each unit of work: yields one event-loop turn once SLICE_MS of work have run since the last one. */
export async function pauseIfDue(): Promise<void> {
  if (performance.now() - sliceStarted < SLICE_MS) return;
  await turn();
  sliceStarted = performance.now();
}
