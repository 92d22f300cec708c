// IDX values of every data type, written byte by byte (big-endian), and
// headers that are not IDX.
import { describe, expect, it } from 'vitest';

import { parseIdx } from '../src/data/idx.js';

/** Magic (0, 0, dtype, rank 1), the length, then the value bytes. */
const idx = (dtype: number, count: number, values: number[]): Uint8Array => Uint8Array.from([0, 0, dtype, 1, 0, 0, 0, count, ...values]);

describe('parseIdx data types', () => {
  it('reads int8, int16, int32, float32 and float64 big-endian', () => {
    expect(parseIdx(idx(0x09, 3, [0x00, 0x7f, 0xff]))).toEqual({ shape: [3], data: Int8Array.of(0, 127, -1) });
    expect(parseIdx(idx(0x0b, 2, [0x01, 0x02, 0xff, 0xfe]))).toEqual({ shape: [2], data: Int16Array.of(0x0102, -2) });
    expect(parseIdx(idx(0x0c, 1, [0x80, 0, 0, 1]))).toEqual({ shape: [1], data: Int32Array.of(-(2 ** 31) + 1) });
    expect(parseIdx(idx(0x0d, 1, [0x3f, 0xc0, 0, 0]))).toEqual({ shape: [1], data: Float32Array.of(1.5) });
    expect(parseIdx(idx(0x0e, 1, [0xc0, 0x04, 0, 0, 0, 0, 0, 0]))).toEqual({ shape: [1], data: Float64Array.of(-2.5) });
  });

  it('names what is wrong with a header', () => {
    expect(() => parseIdx(Uint8Array.of(1, 0, 8, 1), 'f')).toThrow('f: not an IDX file (bad magic number)');
    expect(() => parseIdx(Uint8Array.of(0, 0), 'f')).toThrow('f: not an IDX file (bad magic number)');
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 0), 'f')).toThrow('f: unknown IDX data type 0xa');
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 1), 'f')).toThrow('f: truncated header');
    expect(() => parseIdx(idx(0x0b, 2, [0, 1, 0]), 'f')).toThrow('f: expected 2 values of 2 bytes after the header, found 3 bytes');
  });
});
