// What every image-to-image op (shift, flip, crop, affine, brightness and
// contrast, gamma, blur, erase, resizedCrop) has once its arguments are
// resolved, and the …Async run they share: the batch lent for reading, the
// output for writing, whole images split over the threads.
import type { Backend } from '../backends/backend.js';
import { activeBackend } from '../backends/select.js';
import type { CheckedBatch } from './batch.js';
import { runAsyncWork, type KernelArray } from './common.js';

/** An image op's arguments, checked and resolved before any work starts. */
export interface ResolvedImageOp<Request> {
  batch: CheckedBatch;
  /** Written by the kernels. */
  out: Uint8Array | Float32Array;
  /** Returned: the caller's `out`, or `out` itself. */
  result: Uint8Array | Float32Array;
  /** `out` is a new array, not the caller's. */
  created: boolean;
  /** What the backend's kernels take. */
  request: Request;
  /** Threads the caller asked for (1 for a synchronous call). */
  threads: number;
}

/** Runs an op's kernels on images [first, first + count): the backend's …Async kernel when `async`, else its synchronous one. */
export type ImageKernels = (backend: Backend, src: KernelArray, dst: KernelArray, first: number, count: number, async: boolean) => Promise<unknown> | void;

/**
 * One thread's time per byte of an op's data, about (ns), by element type:
 * uint8 kernels convert, round and saturate every element, so their cost per
 * byte is often 3–10× float32's (issue 20: a single figure for both kept
 * 6.8 ms uint8 flips on one thread and sent 34 ms float32 gammas to staged
 * copies).
 */
export interface NsPerByte {
  uint8: number;
  float32: number;
}

/** One thread's time per image, about (ns), for an op that costs `nsPerByte` per byte of `array` (the batch's data, or the output). */
export function nsPerImage(array: ArrayBufferView, images: number, nsPerByte: number | NsPerByte): number {
  const perByte = typeof nsPerByte === 'number' ? nsPerByte : array instanceof Uint8Array ? nsPerByte.uint8 : nsPerByte.float32;
  return (array.byteLength / Math.max(images, 1)) * perByte;
}

/**
 * The …Async half of an image op: `batch.data` lent for reading and `out`
 * for writing, images split over threads as runAsyncWork chooses from
 * `nsPerImageEstimate`. The bytes are those of the synchronous call.
 */
export function runImagesAsync(op: string, r: ResolvedImageOp<unknown>, nsPerImageEstimate: number, kernels: ImageKernels): Promise<void> {
  // runAsyncWork's promise itself, not an async function's around it: one promise hop less (it rejects on a failed check)
  const backend = activeBackend();
  const lent = [{ name: 'batch.data', array: r.batch.data, read: true, write: false }, { name: 'out', array: r.out, read: false, write: true, created: r.created }];
  return runAsyncWork(op, backend, lent, {
    units: r.batch.n, align: 1, nsPerUnit: nsPerImageEstimate, threads: r.threads,
    run: ([src, dst], first, count, async) => kernels(backend, src!, dst!, first, count, async),
  });
}
