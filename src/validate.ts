// Argument checking for every op: small named predicates and one error
// builder, so both backends reject the same input with the same message
// before any work starts.
import { constants as bufferConstants } from 'node:buffer';

import { loadNative } from './backends/native.js';

/** Longest typed array this runtime can allocate (elements). */
export const MAX_TYPED_ARRAY_LENGTH: number = bufferConstants.MAX_LENGTH;

// The typed-array accessors themselves, read from %TypedArray%.prototype once:
// an array's own `length`, `buffer` or `byteOffset` property (defineProperty)
// would otherwise decide how many elements the kernels see.
const TYPED_ARRAY_PROTOTYPE = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter(key: PropertyKey): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, key)!.get!;
}
const typedArrayLength = intrinsicGetter('length');
const typedArrayBuffer = intrinsicGetter('buffer');
const typedArrayByteOffset = intrinsicGetter('byteOffset');
const typedArrayByteLength = intrinsicGetter('byteLength');

const typedArrayTag = intrinsicGetter(Symbol.toStringTag);

/**
 * Whether value is a typed array of this type, by its internal slot (the
 * %TypedArray%.prototype[@@toStringTag] getter): a Proxy around one, whose
 * prototype chain says it is, has no such slot, and the accessors above would
 * throw on it ("called on incompatible receiver").
 */
export function isTypedArray<T>(value: unknown, Type: { readonly name: string; readonly prototype: T }): value is T {
  return typedArrayTag.call(value) === Type.name;
}

/** A typed array's element count from its internal slots (byteLength / BYTES_PER_ELEMENT), whatever its properties say. */
export function elementLength(view: ArrayBufferView): number {
  return typedArrayLength.call(view) as number;
}

/** A typed array's buffer, from its internal slot. */
export function bufferOf(view: ArrayBufferView): ArrayBufferLike {
  return typedArrayBuffer.call(view) as ArrayBufferLike;
}

/** The buffer, byte offset and byte length of a typed array, from its internal slots. */
export function memoryOf(view: ArrayBufferView): { buffer: ArrayBufferLike; byteOffset: number; byteLength: number } {
  return { buffer: typedArrayBuffer.call(view) as ArrayBufferLike, byteOffset: typedArrayByteOffset.call(view) as number, byteLength: typedArrayByteLength.call(view) as number };
}

type ViewType<T> = { new (length: number): T; new (buffer: ArrayBufferLike, byteOffset: number, length: number): T };

/**
 * A fresh view of a typed array's elements, made from its internal slots: what
 * the kernels work on, so that no property the caller defined on the array
 * (`length`, `subarray`, …) is read once work has started.
 */
export function plainView<T extends ArrayBufferView>(Type: ViewType<T>, view: T): T {
  const length = elementLength(view);
  // a detached buffer cannot be viewed again; it has no elements to lose
  if (length === 0) return new Type(0);
  const { buffer, byteOffset } = memoryOf(view);
  return new Type(buffer, byteOffset, length);
}

/**
 * The name of an object's class, read without running any of its code: only a
 * data property `constructor` on its prototype counts (a getter there, or a
 * revoked Proxy, must not turn the error being built into another one).
 */
function className(value: object): string | undefined {
  try {
    const proto = Object.getPrototypeOf(value) as object | null;
    const ctor = proto === null ? undefined : (Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as unknown);
    const name = typeof ctor === 'function' ? (Object.getOwnPropertyDescriptor(ctor, 'name')?.value as unknown) : undefined;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Array.isArray, which throws on a revoked Proxy (false for one here). */
export function isArraySafe(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  const tag = typedArrayTag.call(value) as string | undefined;
  if (tag !== undefined) return `${className(value as object) ?? tag}(${elementLength(value as ArrayBufferView)})`;
  if (ArrayBuffer.isView(value)) return `${className(value) ?? 'DataView'}(${(value as DataView).byteLength})`;
  if (isArraySafe(value)) {
    try {
      return `array(${value.length})`;
    } catch {
      return 'array';
    }
  }
  if (typeof value === 'object' && value !== null) return className(value) ?? 'object';
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  const tag = typedArrayTag.call(value) as string | undefined;
  if (tag !== undefined) return className(value as object) ?? tag;
  if (ArrayBuffer.isView(value)) return 'DataView';
  if (isArraySafe(value)) return 'array';
  return typeof value;
}

/**
 * The one error shape: `Expected <expected> for <name> but received <actual>
 * of type <type>`. A wrong type gives a TypeError, a value of the right type
 * out of range a RangeError.
 */
export function invalidParameterError(name: string, expected: string, actual: unknown, kind: 'type' | 'range' = 'type'): Error {
  const message = `Expected ${expected} for ${name} but received ${describe(actual)} of type ${typeName(actual)}`;
  return kind === 'range' ? new RangeError(message) : new TypeError(message);
}

/**
 * An object literal (or Object.create(null), or a JSON.parse result): its
 * prototype is an Object.prototype, of this realm or another, or null. Class
 * instances, Maps and objects with a prototype of their own are not: an
 * inherited option would pass the checks and then be lost in a copy.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  try {
    // both throw on a revoked Proxy, which is no plain object
    if (Array.isArray(value)) return false;
    const proto = Object.getPrototypeOf(value) as object | null;
    return proto === null || Object.getPrototypeOf(proto) === null;
  } catch {
    return false;
  }
}

/** Options must be an object (or undefined) whose keys are all known: a typo must not be ignored. */
export function checkOptionNames<T extends object>(op: string, options: unknown, allowed: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw invalidParameterError(`${op} options`, 'a plain object', options);
  checkKnownNames(op, optionKeys(op, options), allowed);
  return options as Partial<T>;
}

/** Object.keys of an options object; a Proxy whose ownKeys trap throws is an error naming the options. */
export function optionKeys(op: string, options: object): string[] {
  try {
    return Object.keys(options);
  } catch (error) {
    // a Proxy whose ownKeys trap throws, or one revoked after isPlainObject
    throw invalidParameterError(`${op} options`, `a plain object whose keys can be listed (${error instanceof Error ? error.message : String(error)})`, options);
  }
}

/** Every key one of `allowed`, else a TypeError naming the first that is not and listing the allowed ones. */
export function checkKnownNames(op: string, keys: readonly string[], allowed: readonly string[]): void {
  for (let i = 0; i < keys.length; i += 1) {
    if (!allowed.includes(keys[i]!)) {
      throw new TypeError(`Unknown option '${keys[i]}' for ${op}; expected one of: ${allowed.join(', ')}`);
    }
  }
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

export function integerInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidParameterError(name, `an integer between ${min} and ${max}`, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParameterError(name, `an integer between ${min} and ${max}`, value, 'range');
  }
  return value;
}

export function finiteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidParameterError(name, 'a finite number', value);
  if (!Number.isFinite(value)) throw invalidParameterError(name, 'a finite number', value, 'range');
  return value;
}

export function numberInRange(name: string, value: unknown, min: number, max: number, expected: string): number {
  if (typeof value !== 'number') throw invalidParameterError(name, expected, value);
  if (!(value >= min && value <= max)) throw invalidParameterError(name, expected, value, 'range');
  return value;
}

const MEMORY = { disjoint: 0, sameStart: 1, partial: 2 } as const;
type MemoryRelation = (typeof MEMORY)[keyof typeof MEMORY];

/**
 * How the bytes of two typed arrays relate. Views on one buffer object are
 * compared by offset. Two SharedArrayBuffer objects can be the same memory
 * (structuredClone, postMessage), which JavaScript cannot see: the native
 * addon compares their addresses when it is loaded (whatever the backend);
 * without it they count as disjoint (README, "Errors").
 */
function memoryRelation(a: ArrayBufferView, b: ArrayBufferView): MemoryRelation {
  const x = memoryOf(a);
  const y = memoryOf(b);
  if (x.buffer !== y.buffer) {
    const shared = typeof SharedArrayBuffer === 'function' && x.buffer instanceof SharedArrayBuffer && y.buffer instanceof SharedArrayBuffer;
    const addon = shared ? loadNative().addon : undefined;
    return addon ? (addon.memoryOverlap(a, b) as MemoryRelation) : MEMORY.disjoint;
  }
  if (!(x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength)) return MEMORY.disjoint;
  return x.byteOffset === y.byteOffset ? MEMORY.sameStart : MEMORY.partial;
}

/** Whether two typed arrays share any byte. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return memoryRelation(a, b) !== MEMORY.disjoint;
}

/**
 * Whether out shares bytes with input other than as the very same elements
 * (the same memory from the same byte: in place, which element-wise ops allow).
 */
export function overlapsPartly(out: ArrayBufferView, input: ArrayBufferView): boolean {
  return memoryRelation(out, input) === MEMORY.partial;
}

/** Optional `out`: a Float32Array of exactly `length` elements (its length from its internal slots). */
export function float32Out(name: string, value: unknown, length: number): Float32Array | undefined {
  if (value === undefined) return undefined;
  if (!isTypedArray(value, Float32Array)) throw invalidParameterError(name, 'a Float32Array', value);
  if (elementLength(value) !== length) throw invalidParameterError(name, `a Float32Array of length ${length}`, value, 'range');
  return value;
}
