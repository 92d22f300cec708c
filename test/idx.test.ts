// The IDX reader on hand-made files, raw and gzipped.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { loadImageDataset, parseIdx, readIdx } from '../src/data/idx.js';
import { tempDir } from './helpers/tempdir.js';

// 2 images of 2×3 uint8: magic 00 00 08 03, dims 2, 2, 3 (big-endian), 12 values
const images = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);

describe('IDX', () => {
  const dir = tempDir('fastaug-idx-');
  it('reads a hand-made uint8 file, raw and gzipped', () => {
    for (const bytes of [images, new Uint8Array(gzipSync(images))]) {
      const r = parseIdx(bytes);
      expect(r.shape).toEqual([2, 2, 3]);
      expect([...r.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
    }
  });
  it('reads big-endian int32 and float32', () => {
    const int32 = Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
    expect([...parseIdx(int32).data]).toEqual([-2, 256]);
    const f32 = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    expect([...parseIdx(f32).data]).toEqual([1.5]);
  });
  it('rejects bad magic, unknown types and truncated data', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]))).toThrow('bad magic number');
    expect(() => parseIdx(Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 0]))).toThrow('unknown IDX data type 0x7');
    expect(() => parseIdx(images.subarray(0, 20))).toThrow('expected 12 values of 1 bytes after the header, found 4 bytes');
  });
  it('names the file when its gzip stream is broken, or it cannot be read', () => {
    const gz = gzipSync(images);
    expect(() => parseIdx(gz.subarray(0, gz.length - 6), 'a.gz')).toThrow('a.gz: not a valid gzipped IDX file (unexpected end of file)');
    const corrupt = Uint8Array.from(gz);
    corrupt[2] = 7; // compression method: not deflate
    expect(() => parseIdx(corrupt, 'b.gz')).toThrow('b.gz: not a valid gzipped IDX file (');
    expect(() => readIdx(dir)).toThrow(`${dir}: cannot read (EISDIR`);
  });
  it('stops inflating a gzipped file at the length its header declares', () => {
    // a 1×1 image declared, then 64 MiB of zeros: rejected without inflating them
    const bomb = gzipSync(Buffer.concat([Buffer.from([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1]), Buffer.alloc(64 << 20)]));
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => parseIdx(bomb, 'bomb.gz')).toThrow('bomb.gz: not a valid gzipped IDX file (inflates to more bytes than its header declares)');
  });
  it('finds the IDX header after gzip header fields of any length (a long file name did not bypass the inflate limit)', () => {
    // gzipSync writes no optional fields: insert FEXTRA, FNAME and FCOMMENT after the fixed 10 bytes
    const withFields = (gz: Uint8Array, fileName: number): Buffer => Buffer.concat([
      Buffer.from([...gz.subarray(0, 3), 0x04 | 0x08 | 0x10, ...gz.subarray(4, 10)]),
      Buffer.from([3, 0, 1, 2, 3]), Buffer.alloc(fileName, 'a'), Buffer.from([0]), Buffer.from('comment\0'),
      gz.subarray(10),
    ]);
    const read = parseIdx(withFields(gzipSync(images), 7840), 'named.gz');
    expect(read.shape).toEqual([2, 2, 3]);
    expect([...read.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
    // a 1-byte file declared, 64 MiB inflated, its header beyond the first 4096 bytes of the file
    const bomb = withFields(gzipSync(Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0, 1]), Buffer.alloc(64 << 20)])), 7840);
    expect(() => parseIdx(bomb, 'bomb.gz')).toThrow('bomb.gz: not a valid gzipped IDX file (inflates to more bytes than its header declares)');
    expect(() => parseIdx(withFields(gzipSync(images), 7840).subarray(0, 2000), 'cut.gz')).toThrow('cut.gz: not a valid gzipped IDX file (truncated gzip header)');
  });

  it('loads a dataset directory and names the package when files are missing', () => {
    writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), labels);
    const d = loadImageDataset(dir, 'train');
    expect([d.n, d.h, d.w]).toEqual([2, 2, 3]);
    expect([...d.labels]).toEqual([7, 3]);
    expect(() => loadImageDataset(dir, 't10k')).toThrow(`no t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] in ${dir}`);
    expect(() => loadImageDataset('/usr/share/datasets/fashion-mnist-missing', 'train')).toThrow('pass --data');
  });
});
