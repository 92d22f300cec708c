// IDX files (the MNIST / Fashion-MNIST format), raw or gzipped: a magic
// number (0, 0, dtype code, rank), rank big-endian uint32 dimensions, then
// the values big-endian.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { constants as zlibConstants, gunzipSync, type ZlibOptions } from 'node:zlib';

export interface IdxArray {
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const DTYPES: Record<number, { size: number; read: (view: DataView, at: number) => number; make: (n: number) => IdxArray['data'] }> = {
  0x08: { size: 1, read: (v, at) => v.getUint8(at), make: (n) => new Uint8Array(n) },
  0x09: { size: 1, read: (v, at) => v.getInt8(at), make: (n) => new Int8Array(n) },
  0x0b: { size: 2, read: (v, at) => v.getInt16(at), make: (n) => new Int16Array(n) },
  0x0c: { size: 4, read: (v, at) => v.getInt32(at), make: (n) => new Int32Array(n) },
  0x0d: { size: 4, read: (v, at) => v.getFloat32(at), make: (n) => new Float32Array(n) },
  0x0e: { size: 8, read: (v, at) => v.getFloat64(at), make: (n) => new Float64Array(n) },
};

interface IdxHeader {
  dtype: (typeof DTYPES)[number];
  shape: number[];
  /** Byte offset of the values. */
  start: number;
}

/** The header of IDX bytes, or an Error naming `name` for bytes that do not start with one. */
function readHeader(raw: Uint8Array, name: string): IdxHeader {
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error(`${name}: not an IDX file (bad magic number)`);
  const dtype = DTYPES[raw[2]!];
  if (!dtype) throw new Error(`${name}: unknown IDX data type 0x${raw[2]!.toString(16)}`);
  const rank = raw[3]!;
  if (raw.length < 4 + 4 * rank) throw new Error(`${name}: truncated header`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return { dtype, shape: Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i)), start: 4 + 4 * rank };
}

/** Bytes of the header and the values it declares. */
function declaredLength({ dtype, shape, start }: IdxHeader): number {
  return start + shape.reduce((a, b) => a * b, dtype.size);
}

/**
 * Gunzips an IDX file no further than its header says it needs: the header
 * comes from the first compressed bytes alone, so a small file that inflates
 * to gigabytes is rejected without inflating it (and one that is not IDX at
 * all, as soon as its first bytes are out).
 */
function gunzipIdx(bytes: Uint8Array, name: string): Uint8Array {
  const inflate = (input: Uint8Array, options: ZlibOptions): Uint8Array => {
    try {
      return gunzipSync(input, options);
    } catch (error) {
      const why = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'inflates to more bytes than its header declares' : (error as Error).message;
      throw new Error(`${name}: not a valid gzipped IDX file (${why})`);
    }
  };
  // the look-ahead starts where the compressed data does: the gzip header's
  // optional fields (a file name, a comment) can be of any length
  const head = inflate(bytes.subarray(0, gzipHeaderLength(bytes, name) + HEAD_BYTES), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  if (head.length < 4 || head.length < 4 + 4 * head[3]!) {
    // a real deflate stream gives its first kilobyte from far fewer bytes: never inflate without a declared length
    throw new Error(`${name}: not a valid gzipped IDX file (no IDX header in the first ${HEAD_BYTES} compressed bytes)`);
  }
  const limit = declaredLength(readHeader(head, name)) + 1;
  return inflate(bytes, { maxOutputLength: Math.min(limit, MAX_INFLATED) });
}

/** Compressed bytes inflated to find the IDX header (at most 4 + 4 · 255 bytes). */
const HEAD_BYTES = 4096;

/** Where the compressed data of a gzip member starts (RFC 1952 §2.3): after the fixed 10 bytes and the optional fields FLG announces. */
function gzipHeaderLength(bytes: Uint8Array, name: string): number {
  const truncated = (): Error => new Error(`${name}: not a valid gzipped IDX file (truncated gzip header)`);
  if (bytes.length < 10) throw truncated();
  const flags = bytes[3]!;
  let at = 10;
  if (flags & 0x04) {
    // FEXTRA: a little-endian length, then that many bytes
    if (at + 2 > bytes.length) throw truncated();
    at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
  }
  for (const field of [0x08, 0x10]) {
    // FNAME, FCOMMENT: zero-terminated
    if (flags & field) {
      const end = bytes.indexOf(0, at);
      if (end < 0) throw truncated();
      at = end + 1;
    }
  }
  if (flags & 0x02) at += 2; // FHCRC
  if (at > bytes.length) throw truncated();
  return at;
}

/** Largest inflated IDX file (1 GiB: Fashion-MNIST's training images are 47 MB). */
const MAX_INFLATED = 2 ** 30;

/** Parses IDX bytes (gunzipping them first when they start with the gzip magic). */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipIdx(bytes, name) : bytes;
  const { dtype, shape, start } = readHeader(raw, name);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = shape.reduce((a, b) => a * b, 1);
  if (raw.length !== start + count * dtype.size) {
    throw new Error(`${name}: expected ${count} values of ${dtype.size} bytes after the header, found ${raw.length - start} bytes`);
  }
  if (dtype.size === 1) {
    const slice = raw.subarray(start, start + count);
    return { shape, data: raw[2] === 0x08 ? Uint8Array.from(slice) : new Int8Array(Uint8Array.from(slice).buffer) };
  }
  const data = dtype.make(count);
  for (let i = 0; i < count; i += 1) data[i] = dtype.read(view, start + i * dtype.size);
  return { shape, data };
}

export function readIdx(file: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as Error).message})`);
  }
  return parseIdx(bytes, file);
}

export interface ImageDataset {
  /** uint8 images, NHWC with c = 1. */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  h: number;
  w: number;
}

export const DEFAULT_DATA_DIR = '/usr/share/datasets/fashion-mnist';

function findFile(dir: string, stem: string): string | undefined {
  return [`${stem}.gz`, stem].map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

/** Loads the train or test split of an MNIST-style dataset directory. */
export function loadImageDataset(dir: string, split: 'train' | 't10k'): ImageDataset {
  const imagesFile = findFile(dir, `${split}-images-idx3-ubyte`);
  const labelsFile = findFile(dir, `${split}-labels-idx1-ubyte`);
  if (!imagesFile || !labelsFile) {
    const hint = dir === DEFAULT_DATA_DIR
      ? "install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)"
      : 'pass --data with a directory of MNIST-style IDX files';
    throw new Error(`no ${split}-images-idx3-ubyte[.gz] and ${split}-labels-idx1-ubyte[.gz] in ${dir}: ${hint}`);
  }
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  if (images.shape.length !== 3 || !(images.data instanceof Uint8Array)) throw new Error(`${imagesFile}: expected uint8 images of shape [n, h, w]`);
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0] || !(labels.data instanceof Uint8Array)) {
    throw new Error(`${labelsFile}: expected ${images.shape[0]} uint8 labels`);
  }
  const [n, h, w] = images.shape as [number, number, number];
  if (h === 0 || w === 0) throw new Error(`${imagesFile}: images of ${h}×${w} pixels; expected at least 1×1`);
  return { images: images.data, labels: labels.data, n, h, w };
}
