// CPU-time guard for synchronous work that runs plugin code.
//
// Owns: running a synchronous function under a deadline that V8 enforces by
// interrupting the thread (node:vm's `timeout`, which stops even a WebAssembly
// `loop br 0`), and reporting an overrun as a typed timeout.
// Must never: be used per record — starting the watchdog costs ~80 µs, so the
// task guards a batch of records — or be nested (the inner deadline would be
// the only one enforced).
//
// Why this and not a worker thread or fuel: see docs/architecture.md
// ("The sandbox"). In short: same thread (no 60 µs hop), no rewrite of the
// guest's code, and an overrun leaves the process and every other plugin
// instance intact; the interrupted instance is discarded.

import vm from 'node:vm';

/** Thrown when the guarded function ran past its deadline. */
export class GuardTimeout extends Error {
  constructor(readonly limitMs: number, readonly elapsedMs: number) {
    super(`stopped after ${Math.round(elapsedMs)} ms (limit ${limitMs} ms)`);
    this.name = 'GuardTimeout';
  }
}

const guardContext = vm.createContext({ call: undefined as undefined | (() => unknown) });
const guardScript = new vm.Script('call()', { filename: 'eddy-cpu-guard' });
let guarding = false;

/** True while a guarded function runs on this thread. */
export function isGuarding(): boolean {
  return guarding;
}

/**
 * Runs `work` synchronously; if it has not returned after `limitMs`, it is
 * interrupted and `GuardTimeout` is thrown. Errors thrown by `work` pass
 * through unchanged. When already inside a guard, runs `work` directly
 * (the outer deadline applies).
 */
export function runGuarded<T>(work: () => T, limitMs: number): T {
  if (guarding) return work();
  const started = performance.now();
  guarding = true;
  guardContext.call = work;
  try {
    return guardScript.runInContext(guardContext, { timeout: Math.max(1, Math.ceil(limitMs)) }) as T;
  } catch (error) {
    if (isScriptTimeout(error)) throw new GuardTimeout(limitMs, performance.now() - started);
    throw error;
  } finally {
    guardContext.call = undefined;
    guarding = false;
  }
}

function isScriptTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}
