// IDX files written by tests (the MNIST format that fastaug/data reads).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** IDX bytes of uint8 values: magic 0 0 8 rank, big-endian dimensions, the values. */
export function idxBytes(dims: number[], values: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(8, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(Uint8Array.from(values))]);
}

/**
 * A split of an MNIST-style dataset that a small model learns in a few
 * dozen steps even under shifts of a few pixels: n 28×28 images in 10
 * classes (class i mod 10), class k lighting 4 of the 16 blocks of 7×7
 * pixels (blocks k, k + 3, k + 6 and k + 9, mod 16) at level 200 with a
 * little texture, on black; images gzipped, labels not (the reader takes
 * both).
 */
export function writeBlocksDataset(dir: string, split: 'train' | 't10k', n: number): void {
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const k = i % 10;
    labels[i] = k;
    for (const block of [k, k + 3, k + 6, k + 9].map((b) => b % 16)) {
      const [top, left] = [7 * Math.floor(block / 4), 7 * (block % 4)];
      for (let y = top; y < top + 7; y += 1) for (let x = left; x < left + 7; x += 1) images[i * 784 + y * 28 + x] = 200 + ((i + x + y) % 40);
    }
  }
  writeFileSync(path.join(dir, `${split}-images-idx3-ubyte.gz`), gzipSync(idxBytes([n, 28, 28], images)));
  writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte`), idxBytes([n], labels));
}
