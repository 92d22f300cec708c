// Bad input: each gives a TypeError or RangeError naming the argument, with
// the one message shape, before any work — the same whichever backend runs.
import { describe, expect, it } from 'vitest';

import { philox4x32, randomNormal, randomNormalAsync, randomUniform, randomUniformAsync } from '../src/index.js';

const expected = (name: string, what: string, got: string, type: string): string =>
  `Expected ${what} for ${name} but received ${got} of type ${type}`;

describe('random stream validation', () => {
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['fractional length', () => randomNormal(1.5), RangeError, expected('randomNormal length', 'an integer between 0 and 4294967296', '1.5', 'number')],
    ['negative length', () => randomUniform(-1), RangeError, expected('randomUniform length', 'an integer between 0 and 4294967296', '-1', 'number')],
    ['length over the typed-array limit', () => randomNormal(2 ** 32 + 1), RangeError, expected('randomNormal length', 'an integer between 0 and 4294967296', '4294967297', 'number')],
    ['string length', () => randomNormal('10' as unknown as number), TypeError, expected('randomNormal length', 'an integer between 0 and 4294967296', "'10'", 'string')],
    ['negative seed', () => randomNormal(4, { seed: -1 }), RangeError, expected('seed', 'an integer between 0 and 9007199254740991', '-1', 'number')],
    ['fractional seed', () => randomNormal(4, { seed: 0.5 }), RangeError, expected('seed', 'an integer between 0 and 9007199254740991', '0.5', 'number')],
    ['unsafe seed', () => randomNormal(4, { seed: 2 ** 53 }), RangeError, expected('seed', 'an integer between 0 and 9007199254740991', '9007199254740992', 'number')],
    ['bigint seed ≥ 2^64', () => randomNormal(4, { seed: 2n ** 64n }), RangeError, expected('seed', 'a bigint between 0 and 2^64 - 1', '18446744073709551616n', 'bigint')],
    ['negative bigint seed', () => randomNormal(4, { seed: -1n }), RangeError, expected('seed', 'a bigint between 0 and 2^64 - 1', '-1n', 'bigint')],
    ['string seed', () => randomNormal(4, { seed: '1' as unknown as number }), TypeError, expected('seed', 'an integer between 0 and 9007199254740991', "'1'", 'string')],
    ['negative index', () => randomNormal(4, { index: -4 }), RangeError, expected('index', 'an integer between 0 and 9007199254740987', '-4', 'number')],
    ['index past 2^53 with length', () => randomUniform(10, { index: 2 ** 53 - 5 }), RangeError, expected('index', 'an integer between 0 and 9007199254740981', '9007199254740987', 'number')],
    ['epoch ≥ 2^32', () => randomNormal(4, { epoch: 2 ** 32 }), RangeError, expected('epoch', 'an integer between 0 and 4294967295', '4294967296', 'number')],
    ['NaN epoch', () => randomNormal(4, { epoch: NaN }), RangeError, expected('epoch', 'an integer between 0 and 4294967295', 'NaN', 'number')],
    ['out of the wrong type', () => randomNormal(4, { out: new Float64Array(4) as unknown as Float32Array }), TypeError, expected('out', 'a Float32Array', 'Float64Array(4)', 'Float64Array')],
    ['out of the wrong length', () => randomNormal(4, { out: new Float32Array(5) }), RangeError, expected('out', 'a Float32Array of length 4', 'Float32Array(5)', 'Float32Array')],
    ['low > high', () => randomUniform(4, { low: 2, high: 1 }), RangeError, expected('high', 'a number >= low (2)', '1', 'number')],
    ['NaN low', () => randomUniform(4, { low: NaN }), RangeError, expected('low', 'a finite number', 'NaN', 'number')],
    ['infinite high', () => randomUniform(4, { high: Infinity }), RangeError, expected('high', 'a finite number', 'Infinity', 'number')],
    ['span beyond float32', () => randomUniform(4, { low: -3e38, high: 3e38 }), RangeError, expected('high', 'low and high whose difference fits in float32', '3e+38', 'number')],
    ['negative std', () => randomNormal(4, { std: -1 }), RangeError, expected('std', 'a finite number >= 0', '-1', 'number')],
    ['NaN mean', () => randomNormal(4, { mean: NaN }), RangeError, expected('mean', 'a finite number', 'NaN', 'number')],
    ['options not an object', () => randomNormal(4, 5 as unknown as object), TypeError, expected('randomNormal options', 'a plain object', '5', 'number')],
    ['counter too short', () => philox4x32([1, 2, 3], [0, 0]), RangeError, expected('counter', '4 integers between 0 and 2^32 - 1', 'array(3)', 'array')],
    ['key word too large', () => philox4x32([0, 0, 0, 0], [0, 2 ** 32]), RangeError, expected('key[1]', 'an integer between 0 and 4294967295', '4294967296', 'number')],
  ];
  for (const [what, call, type, message] of cases) {
    it(what, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }

  it('an unknown option (a typo) is an error, not ignored', () => {
    expect(() => randomNormal(4, { sed: 1 } as object)).toThrow(new TypeError("Unknown option 'sed' for randomNormal; expected one of: seed, index, epoch, mean, std, out"));
    expect(() => randomUniform(4, { mean: 1 } as object)).toThrow("Unknown option 'mean' for randomUniform");
    // threads only exists on the …Async twin
    expect(() => randomNormal(4, { threads: 2 } as object)).toThrow("Unknown option 'threads' for randomNormal");
  });

  it('async twins reject (not throw) with the same errors, and check threads', async () => {
    await expect(randomNormalAsync(4, { seed: -1 })).rejects.toThrow(RangeError);
    await expect(randomUniformAsync(4, { threads: 0 })).rejects.toThrow(expected('threads', 'an integer between 1 and 256', '0', 'number'));
    await expect(randomUniformAsync(4, { thread: 2 } as object)).rejects.toThrow("Unknown option 'thread' for randomUniformAsync");
  });

  it('nothing is written when validation fails', () => {
    const out = new Float32Array(4).fill(7);
    expect(() => randomNormal(4, { out, epoch: -1 })).toThrow(RangeError);
    expect([...out]).toEqual([7, 7, 7, 7]);
  });
});
