/**
 * Async kernels run while JavaScript runs. Meanwhile a caller's ArrayBuffer can be transferred
 * (structuredClone or postMessage with a transfer list) or, if resizable, shrunk: a worker thread
 * still reading or writing it would touch freed memory (a crash), and a kernel in JavaScript slices
 * would read a zero-length array (a wrong answer). So every async kernel works on private memory:
 *
 * - inputs are copied, 8 MiB per event-loop turn (a copy of 1 GiB never blocks the loop for long);
 *   a buffer detached or resized before its copy is complete rejects the call, naming the argument;
 * - outputs the caller passed are written into a private array and copied back at the end, if the
 *   caller's array is still whole (else the call rejects, and the caller's memory is not touched);
 * - arrays mlwatch allocated and never handed out (scratch buffers, these copies) are marked private
 *   and used in place, so internal calls pay nothing.
 *
 * The copies go into buffers kept for reuse (up to POOL_BYTES in all), so that repeated calls pay for
 * the copy itself and not for fresh memory (a page fault per 4 KiB, and zero-filling, cost more than
 * the copy). What the copies cost is measured in bench/RESULTS.md.
 */
import type { Backend, DenseLayerArrays } from './contract.js';
import { DetachedInputError } from '../errors.js';

type Typed = Float32Array | Float64Array | Int32Array;

const SLICE_BYTES = 8 * 1024 * 1024; // with first-touch page faults, ~10 ms of copying per turn
const POOL_BYTES = 1024 * 1024 * 1024;
const privateArrays = new WeakSet<ArrayBufferLike>();

/** Free buffers for private copies, smallest first. */
const pool: ArrayBuffer[] = [];

/** A private array of n values on a pooled buffer (return it with giveBack when the call is done). */
function borrow<T extends Typed>(like: T, n: number): T {
  const bytes = Math.max(8, n * like.BYTES_PER_ELEMENT);
  const at = pool.findIndex((b) => b.byteLength >= bytes && b.byteLength <= 2 * bytes);
  const buffer = at >= 0 ? pool.splice(at, 1)[0] : new ArrayBuffer(bytes);
  privateArrays.add(buffer);
  return new (like.constructor as new (b: ArrayBuffer, o: number, n: number) => T)(buffer, 0, n);
}

/** Returns borrowed arrays' buffers to the pool (the largest ones leave when it is over POOL_BYTES). */
function giveBack(arrays: Typed[]): void {
  for (const a of arrays) {
    if (!privateArrays.has(a.buffer) || pool.includes(a.buffer as ArrayBuffer)) continue;
    pool.push(a.buffer as ArrayBuffer);
  }
  pool.sort((x, y) => x.byteLength - y.byteLength);
  let total = pool.reduce((n, b) => n + b.byteLength, 0);
  while (total > POOL_BYTES) total -= pool.pop()!.byteLength;
}

/** Marks an array allocated by mlwatch, never exposed while a kernel uses it, as safe to use in place. */
export function markPrivate<T extends Typed>(a: T): T {
  privateArrays.add(a.buffer);
  return a;
}

/** Ends an array's private status before mlwatch hands it out (a result returned to the caller). */
export function handOut<T extends Typed>(a: T): T {
  privateArrays.delete(a.buffer);
  return a;
}

function isPrivate(a: Typed): boolean {
  return privateArrays.has(a.buffer);
}

function detachedError(name: string): Error {
  return new DetachedInputError(name);
}

/** True when a's buffer still holds all of a (not transferred, not shrunk below it). */
function whole(a: Typed, length: number, byteOffset: number): boolean {
  return a.length === length && a.byteOffset === byteOffset && a.buffer.byteLength >= byteOffset + length * a.BYTES_PER_ELEMENT;
}

/** A private copy of an input (or the input itself when it is already private); copies go in `borrowed`. */
export async function privateInput<T extends Typed>(a: T, name: string, borrowed: Typed[] = []): Promise<T> {
  if (isPrivate(a)) return a;
  const { length, byteOffset } = a;
  const copy = borrow(a, length);
  borrowed.push(copy);
  const step = Math.max(1, Math.floor(SLICE_BYTES / a.BYTES_PER_ELEMENT));
  for (let i = 0; i < length; i += step) {
    if (!whole(a, length, byteOffset)) throw detachedError(name);
    copy.set(a.subarray(i, Math.min(length, i + step)), i);
    if (i + step < length) await new Promise((resolve) => setImmediate(resolve));
  }
  if (!whole(a, length, byteOffset)) throw detachedError(name);
  return copy;
}

/**
 * Where an async kernel writes an output: the caller's array if private, else a private one copied
 * back by finish(). Call it before the first await, while the caller's array is certainly whole.
 */
export function privateOutput<T extends Typed>(out: T, name: string, borrowed: Typed[]): { array: T; finish(): void } {
  if (isPrivate(out)) return { array: out, finish: () => {} };
  const { length, byteOffset } = out;
  const array = borrow(out, length);
  borrowed.push(array);
  return {
    array,
    finish() {
      if (!whole(out, length, byteOffset)) throw detachedError(name);
      out.set(array);
    },
  };
}

async function privateLayers(layers: readonly DenseLayerArrays[], borrowed: Typed[]): Promise<DenseLayerArrays[]> {
  const copies: DenseLayerArrays[] = [];
  for (const [i, l] of layers.entries()) {
    copies.push({ ...l, weights: await privateInput(l.weights, `layers[${i}].weights`, borrowed), bias: await privateInput(l.bias, `layers[${i}].bias`, borrowed) });
  }
  return copies;
}

/**
 * Runs fn with a private copy of `a` (copied once, for several async kernel calls on it, such as
 * the column groups of one detectAsync), and returns the copy to the pool afterwards.
 */
export function withPrivateCopy<T extends Typed, R>(a: T, name: string, fn: (copy: T) => Promise<R>): Promise<R> {
  return borrowing(async (own) => fn(await privateInput(a, name, own)));
}

/** Runs an async kernel with a list for the private copies it borrows, and returns them after. */
async function borrowing<R>(run: (borrowed: Typed[]) => Promise<R>): Promise<R> {
  const borrowed: Typed[] = [];
  try {
    return await run(borrowed);
  } finally {
    giveBack(borrowed);
  }
}

/** The backend with every async kernel working on private memory (see above). */
export function withPrivateMemory(b: Backend): Backend {
  return {
    ...b,
    columnStatsAsync: (data, rows, cols) => borrowing(async (own) => b.columnStatsAsync(await privateInput(data, 'data', own), rows, cols)),
    sortColumnsAsync: (data, rows, cols, firstCol, colCount, out) =>
      borrowing(async (own) => {
        const target = out ? privateOutput(out, 'out', own) : null; // taken before any await: out is whole now
        const input = await privateInput(data, 'data', own);
        const sorted = await b.sortColumnsAsync(input, rows, cols, firstCol, colCount, target?.array);
        if (!target) return sorted;
        target.finish();
        return { values: out!, counts: sorted.counts };
      }),
    ecdfDistancesAsync: (a, aStart, aCount, bb, bStart, bCount) =>
      borrowing(async (own) =>
        b.ecdfDistancesAsync(
          await privateInput(a, 'a', own),
          await privateInput(aStart, 'aStart', own),
          await privateInput(aCount, 'aCount', own),
          await privateInput(bb, 'b', own),
          await privateInput(bStart, 'bStart', own),
          await privateInput(bCount, 'bCount', own),
        ),
      ),
    sortAndMeasureAsync: (data, rows, cols, firstCol, colCount, reference, aStart, aCount, column, out) =>
      borrowing(async (own) => {
        const target = out ? privateOutput(out, 'out', own) : null;
        const input = await privateInput(data, 'data', own);
        const starts = await privateInput(aStart, 'aStart', own);
        const counts = await privateInput(aCount, 'aCount', own);
        const columns = await privateInput(column, 'column', own);
        const measured = await b.sortAndMeasureAsync(input, rows, cols, firstCol, colCount, reference, starts, counts, columns, target?.array);
        if (!target) return measured;
        target.finish();
        return { ...measured, values: out! };
      }),
    denseForwardAsync: (x, rows, nIn, w, bias, nOut, activation, out) =>
      borrowing(async (own) => {
        const target = privateOutput(out, 'out', own);
        await b.denseForwardAsync(await privateInput(x, 'x', own), rows, nIn, await privateInput(w, 'w', own), await privateInput(bias, 'b', own), nOut, activation, target.array);
        target.finish();
      }),
    argmaxRowsAsync: (p, rows, cols, labels, confidence) =>
      borrowing(async (own) => {
        const outLabels = privateOutput(labels, 'labels', own);
        const outConfidence = privateOutput(confidence, 'confidence', own);
        await b.argmaxRowsAsync(await privateInput(p, 'p', own), rows, cols, outLabels.array, outConfidence.array);
        outLabels.finish();
        outConfidence.finish();
      }),
    denseStackForwardAsync: (x, rows, layers, out, batchRows) =>
      borrowing(async (own) => {
        const target = privateOutput(out, 'out', own);
        const input = await privateInput(x, 'x', own);
        const copies = await privateLayers(layers, own);
        await b.denseStackForwardAsync(input, rows, copies, target.array, batchRows);
        target.finish();
      }),
  };
}
