// Argument checking for every op: small named predicates and one error
// builder, so both backends reject the same input with the same message
// before any work starts.
import { constants as bufferConstants } from 'node:buffer';

/** Longest typed array this runtime can allocate (elements). */
export const MAX_TYPED_ARRAY_LENGTH: number = bufferConstants.MAX_LENGTH;

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length;
    return `${value.constructor.name}(${length ?? value.byteLength})`;
  }
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (Array.isArray(value)) return 'array';
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
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Options must be an object (or undefined) whose keys are all known: a typo must not be ignored. */
export function checkOptionNames<T extends object>(op: string, options: unknown, allowed: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw invalidParameterError(`${op} options`, 'a plain object', options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`Unknown option '${key}' for ${op}; expected one of: ${allowed.join(', ')}`);
    }
  }
  return options as Partial<T>;
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

/** Whether two typed arrays share any byte. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Whether out shares bytes with input other than as the very same elements
 * (the same buffer from the same byte: in place, which element-wise ops allow).
 */
export function overlapsPartly(out: ArrayBufferView, input: ArrayBufferView): boolean {
  const inPlace = out.buffer === input.buffer && out.byteOffset === input.byteOffset;
  return !inPlace && overlaps(out, input);
}

/** Optional `out`: a Float32Array of exactly `length` elements. */
export function float32Out(name: string, value: unknown, length: number): Float32Array | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Float32Array)) throw invalidParameterError(name, 'a Float32Array', value);
  if (value.length !== length) throw invalidParameterError(name, `a Float32Array of length ${length}`, value, 'range');
  return value;
}
