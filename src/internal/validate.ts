import { isObservable, observable as interopObservable } from 'rxjs';
import type { EmitMode } from '../types.js';

/**
 * Describes a value for an error message, in p-map's style: "a Promise",
 * "an Observable", "`42` (number)", "null".
 */
export function describeValue(value: unknown): string {
  try {
    return describeUnchecked(value);
  } catch {
    // A getter or a Proxy trap threw while we looked.
    return 'an object';
  }
}

function describeUnchecked(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string': {
      const text = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return `a string ('${text}')`;
    }
    case 'number':
    case 'bigint':
    case 'boolean':
      return `\`${String(value)}\` (${typeof value})`;
    case 'symbol':
      return `a symbol (${String(value)})`;
    case 'function':
      return 'a function';
  }
  if (isPromise(value)) return 'a Promise';
  if (thenOf(value) !== undefined) return 'a thenable';
  if (isObservable(value)) return 'an Observable';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return 'an object';
  const name = (proto as { constructor?: { name?: string } }).constructor?.name;
  return name ? `an instance of ${name}` : 'an object';
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call`
const nativeThen = Promise.prototype.then;

/**
 * The `then` of a promise or thenable, read once; undefined for anything else.
 * An object whose `then` getter throws is none (rxjs's `from` then fails it).
 */
export function thenOf(value: unknown): ((this: unknown, ...args: unknown[]) => unknown) | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    const then = (value as { then?: unknown }).then;
    return typeof then === 'function' ? (then as (this: unknown, ...args: unknown[]) => unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Per prototype, whether its objects are promises (checked once on the first one seen). */
const promiseProtos = new WeakMap<object, boolean>([
  [Promise.prototype, true],
  [Object.prototype, false],
  [Array.prototype, false],
]);

/**
 * A real promise, of this realm or another (a `vm` context, jest's sandbox):
 * the built-in `then` accepts nothing else. A Proxy is none, and its traps
 * (like any getter's error) stay in here. Trying costs a thrown TypeError, so
 * the answer is remembered per prototype.
 */
function isPromise(value: unknown): value is Promise<unknown> {
  if (value === null || typeof value !== 'object') return false;
  let proto: object | null;
  try {
    proto = Object.getPrototypeOf(value) as object | null;
  } catch {
    return false;
  }
  if (proto === null) return false;
  let known = promiseProtos.get(proto);
  if (known === undefined) {
    known = tryThen(value, noop);
    promiseProtos.set(proto, known);
  }
  return known;
}

function tryThen(value: object, onRejected: (reason: unknown) => void): boolean {
  try {
    void nativeThen.call(value, undefined, onRejected);
    return true;
  } catch {
    return false;
  }
}

/**
 * A collection we accept: any iterable except a string (a string is text, not
 * inputs), an async iterable, or an Observable of inputs. `name` says what
 * `value` is in the error a throwing `Symbol.iterator` getter gives.
 */
export function isCollection(value: unknown, name = '`inputs`'): value is object {
  if (isIterable(value, name)) return true;
  if (value === null || typeof value !== 'object') return false;
  let asyncIterator: unknown;
  try {
    asyncIterator = (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator];
  } catch (error) {
    throw new TypeError(
      `Expected ${name} to be a collection of inputs, got ${describeValue(value)} whose \`Symbol.asyncIterator\` threw`,
      { cause: error },
    );
  }
  if (typeof asyncIterator === 'function') return true;
  try {
    return isObservable(value);
  } catch {
    return false; // a Proxy trap threw (`instanceof`): no Observable
  }
}

/** An iterable other than a string. */
export function isIterable(value: unknown, name = '`inputs`'): value is Iterable<unknown> {
  if (value === null || typeof value !== 'object') return false;
  let iterator: unknown;
  try {
    iterator = (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  } catch (error) {
    throw new TypeError(
      `Expected ${name} to be an iterable of inputs, got ${describeValue(value)} whose \`Symbol.iterator\` threw`,
      { cause: error },
    );
  }
  return typeof iterator === 'function';
}

/** A plain options object: `{}` or `{ concurrency: 2 }`, never a collection, promise or Observable. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  let proto: object | null;
  try {
    proto = Object.getPrototypeOf(value) as object | null;
  } catch {
    return false; // a Proxy trap threw: no plain object we can tell
  }
  return (
    (proto === Object.prototype || proto === null || isForeignObjectPrototype(proto)) && thenOf(value) === undefined
  );
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with `.call`
const functionSource = Function.prototype.toString;
const objectSource = functionSource.call(Object);

/**
 * `Object.prototype` of another realm (a `vm` context, jest's sandbox): the
 * end of its chain, whose own `constructor` is that realm's `Object` (a
 * built-in: its source text is this realm's `Object`'s).
 */
function isForeignObjectPrototype(proto: object): boolean {
  try {
    if (Object.getPrototypeOf(proto) !== null) return false;
    const constructor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    return typeof constructor === 'function' && functionSource.call(constructor) === objectSource;
  } catch {
    return false;
  }
}

/**
 * A record collection once the caller has settled that a plain object is one
 * (not options): a plain object that is neither iterable nor async iterable.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && !isCollection(value);
}

/**
 * Whether `value` counts as an input when a lone plain object is told apart
 * from options: a thenable, an Observable (or an interop one), an iterable
 * other than a string (an array, a `Set`), an async iterable, a function.
 * Strings, numbers, booleans, `null`, a Date and plain objects do not.
 */
export function isInputLike(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  if (thenOf(value) !== undefined || isObservable(value)) return true;
  try {
    const candidate = value as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
    return (
      typeof candidate[Symbol.iterator] === 'function' ||
      typeof candidate[Symbol.asyncIterator] === 'function' ||
      typeof (candidate as Record<PropertyKey, unknown>)[interopObservable] === 'function'
    );
  } catch {
    return false; // a getter or a Proxy trap threw: not an input we can tell
  }
}

/** Whether every own enumerable value of a plain object is an input (vacuously true for `{}`). */
export function holdsOnlyInputs(value: Record<string, unknown>): boolean {
  try {
    for (const key of Object.keys(value)) {
      const element = value[key];
      // A getter may make a new promise on every read: this one is never taken (the record is read again at subscription).
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined || !('value' in descriptor)) markHandled(element);
      if (!isInputLike(element)) return false;
    }
    return true;
  } catch {
    return false; // a throwing getter: not a record of inputs
  }
}

/**
 * The lone plain-object rule (SPEC §1): a plain object passed alone to an
 * operator is its options when it is empty, when any key is one of the
 * operator's option names, or when any value is not an input; otherwise it is
 * a record collection. So a typo (`{ concurency: 4 }`) is still options, and
 * still an unknown-option error.
 */
export function isLoneOptions(value: Record<string, unknown>, known: readonly string[]): boolean {
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return true;
  }
  if (keys.length === 0 || keys.some((key) => known.includes(key))) return true;
  return !holdsOnlyInputs(value);
}

/** A lone first argument that the lone plain-object rule reads as a record collection, not options. */
export function isLoneRecord(value: unknown, known: readonly string[]): boolean {
  return isRecord(value) && !isLoneOptions(value, known);
}

export function assertCollection(value: unknown, name: string): asserts value is object {
  if (isRecord(value)) return;
  if (!isCollection(value, `\`${name}\``)) {
    throw new TypeError(`Expected \`${name}\` to be a collection of inputs, got ${describeValue(value)}`);
  }
}

function noop(): void {}

/** Promises already given a rejection handler (once each, however often they are resubscribed). */
const handled = new WeakSet<object>();

/**
 * Gives a promise (of any realm) a rejection handler through the built-in
 * `then`, so its rejection is never "unhandled". Anything else is left alone.
 */
export function markHandled(input: unknown): void {
  if (input === null || typeof input !== 'object' || handled.has(input)) return;
  if (!isPromise(input)) return;
  handled.add(input);
  tryThen(input, noop);
}

/** Throws unless `options` is undefined or a plain object holding only `known` keys. */
export function assertOptions(
  options: unknown,
  name: string,
  known: readonly string[],
): asserts options is Record<string, unknown> | undefined {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new TypeError(`Expected \`${name}\` to be an options object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `Unknown option \`${key}\` in \`${name}\`; expected ${known.map((k) => `\`${k}\``).join(', ')}`,
      );
    }
  }
}

/** An `AbortSignal` (of any realm: checked by shape), or undefined. */
export function readSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value === 'object' &&
    value !== null &&
    'aborted' in value &&
    typeof value.aborted === 'boolean' &&
    'addEventListener' in value &&
    typeof value.addEventListener === 'function' &&
    'removeEventListener' in value &&
    typeof value.removeEventListener === 'function'
  ) {
    return value as AbortSignal;
  }
  throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describeValue(value)}`);
}

/** An integer from 1 up, or `Infinity`; `undefined` means `Infinity`. */
export function readConcurrency(value: unknown, name = 'concurrency'): number {
  if (value === undefined) return Infinity;
  if (typeof value === 'number' && (value === Infinity || (Number.isInteger(value) && value >= 1))) {
    return value;
  }
  throw new TypeError(
    `Expected \`${name}\` to be an integer from 1 and up or \`Infinity\`, got ${describeValue(value)}`,
  );
}

const EMIT_MODES: readonly EmitMode[] = ['value', 'tagged', 'settled'];

export function readEmit(value: unknown): EmitMode {
  if (value === undefined) return 'value';
  if (EMIT_MODES.includes(value as EmitMode)) return value as EmitMode;
  throw new TypeError(`Expected \`emit\` to be 'value', 'tagged' or 'settled', got ${describeValue(value)}`);
}

export function assertFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new TypeError(`Expected \`${name}\` to be a function, got ${describeValue(value)}`);
  }
}

/** A finite number of ms from 0 up. */
export function readDuration(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new TypeError(`Expected \`${name}\` to be a finite number of ms from 0 up, got ${describeValue(value)}`);
}

/**
 * Names input `index` of collection `batch` in messages: "`inputs[3]`",
 * "`inputs[3]` of batch 2"; in a keyed collection with its key: "`inputs[1]` (key 'b')".
 */
export function inputName(index: number, batch: number, keys?: readonly unknown[]): string {
  const name = keys === undefined ? `\`inputs[${index}]\`` : `\`inputs[${index}]\` (key ${describeKey(keys[index])})`;
  return batch === 0 ? name : `${name} of batch ${batch}`;
}

/** A record's or a Map's key in a message: `'user'` for a string, as `describeValue` for anything else. */
export function describeKey(key: unknown): string {
  return typeof key === 'string' ? `'${key.length > 40 ? `${key.slice(0, 40)}...` : key}'` : describeValue(key);
}
