// The exports of a TypeScript/JavaScript plugin as the host sees them:
// `eddy build` wraps every export of the plugin's entry module with
// `guardExport`, so a thrown Error becomes the `err` of the call's result.
//
// Owns: turning a thrown Error into the string payload componentize-js puts
// in a `result`'s `err` (its glue rethrows an Error without an own `payload`,
// which traps the instance and loses the message) — except the engine's
// "out of memory", which must stop the instance (a trap the host reports as
// the memory cap being hit), not pass as one failed record. Must never: change what a
// successful call returns, or wrap classes (exported resources keep their
// constructors) — and import nothing: it ends up inside every plugin.

/** The message an `err` carries for a thrown value: `Error` messages as they are, other errors named. */
function errMessage(error: Error): string {
  return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
}

/** Gives a thrown Error an own `payload` (its message), which componentize-js turns into the `err`. */
function withPayload(error: unknown): unknown {
  if (error instanceof Error && !Object.prototype.hasOwnProperty.call(error, 'payload')) {
    Object.defineProperty(error, 'payload', { value: errMessage(error), enumerable: false });
  }
  return error;
}

/** SpiderMonkey's allocation failure: the memory cap was hit (a thrown string or InternalError). */
function isOutOfMemory(error: unknown): boolean {
  return /^(?:\w*Error: )?out of memory$/.test(String(error));
}

/** `fn` with a thrown Error turned into its `err` payload (also for methods of exported resources, which `guardExport` leaves alone). */
export function guardFunction<F extends (...args: never[]) => unknown>(fn: F): F {
  return function guarded(this: unknown, ...args: Parameters<F>): ReturnType<F> {
    try {
      return fn.apply(this, args) as ReturnType<F>;
    } catch (error) {
      // An Error without a payload traps the instance: nothing in it can be trusted after an OOM.
      if (isOutOfMemory(error)) throw new Error('out of memory');
      throw withPayload(error);
    }
  } as unknown as F;
}

function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * An export with thrown Errors turned into `err` payloads: a function is
 * wrapped, a plain object (an exported interface such as `dslFunctions`)
 * gets its functions wrapped, anything else is returned unchanged.
 */
export function guardExport<T>(value: T): T {
  if (typeof value === 'function') return isClass(value) ? value : (guardFunction(value as (...args: never[]) => unknown) as T);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const guarded: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) guarded[name] = typeof member === 'function' && !isClass(member) ? guardFunction(member as (...args: never[]) => unknown) : member;
    return guarded as T;
  }
  return value;
}
