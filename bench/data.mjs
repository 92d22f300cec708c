// Shared by the bench case files: batch sizes and their input data.
export const W1 = [64, 224, 224, 3];

/** Elements of a shape. */
export const size = (s) => s.reduce((a, b) => a * b, 1);

/** n values of a fixed pattern: uint8 levels, or the same levels / 255 as floats. */
export function ramp(Type, n) {
  const data = new Type(n);
  for (let i = 0; i < n; i += 1) data[i] = Type === Uint8Array ? (i * 7) & 255 : ((i * 7) & 255) / 255;
  return data;
}

/**
 * A bench case for an image op `op(batch, opts)` and its `…Async` twin:
 * a `ramp` batch of `shape`, a preallocated output of
 * `outShape` (default: the input's shape) passed as `out`. `bytes` and
 * `items` count the output (the yardstick is a memcpy of what is written);
 * `family` defaults to the op's name.
 */
export function imageOpCase({ id, op, family = op, name, shape = W1, outShape = shape, Type, opts }) {
  const outSize = size(outShape);
  return {
    id,
    family,
    name,
    bytes: outSize * Type.BYTES_PER_ELEMENT,
    items: outSize / outShape[3],
    unit: 'pixels',
    setup: () => ({ batch: { data: ramp(Type, size(shape)), shape }, opts, out: new Type(outSize) }),
    run: (fastaug, ctx, threads) =>
      threads === 1 ? fastaug[op](ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug[`${op}Async`](ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
  };
}
