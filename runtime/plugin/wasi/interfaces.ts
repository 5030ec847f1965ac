// The WASI interfaces the host provides to every plugin, by name.
//
// Owns: the declared list of WASI 0.2 interfaces the host implements (the
// deny-by-default ones of this folder), and deciding whether a component's
// import names one of them at a version the host serves.
// Must never: list Eddy's own interfaces (those come from wit/ through
// plugin/world.ts), or accept a WASI interface the host does not implement.
//
// Which interfaces: every one a WASI 0.2 guest toolchain imports for a
// library (reactor) component — what Rust std on wasm32-wasip1 imports
// through jco's preview1 adapter (cli, clocks, filesystem, io, random), plus
// what wasip2 toolchains (Go, componentize-py, wasi-libc) add: io/poll,
// random/insecure*, sockets. Not `wasi:cli/run` (an export), not `wasi:http`.

/** `wasi:<package>/<interface>` names, without a version (see `servedVersion`). */
export const wasiInterfaces = [
  'wasi:cli/environment',
  'wasi:cli/exit',
  'wasi:cli/stdin',
  'wasi:cli/stdout',
  'wasi:cli/stderr',
  'wasi:cli/terminal-input',
  'wasi:cli/terminal-output',
  'wasi:cli/terminal-stdin',
  'wasi:cli/terminal-stdout',
  'wasi:cli/terminal-stderr',
  'wasi:clocks/monotonic-clock',
  'wasi:clocks/wall-clock',
  'wasi:filesystem/types',
  'wasi:filesystem/preopens',
  'wasi:io/error',
  'wasi:io/poll',
  'wasi:io/streams',
  'wasi:random/random',
  'wasi:random/insecure',
  'wasi:random/insecure-seed',
  'wasi:sockets/network',
  'wasi:sockets/instance-network',
  'wasi:sockets/ip-name-lookup',
  'wasi:sockets/tcp',
  'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp',
  'wasi:sockets/udp-create-socket',
] as const;

export type WasiInterface = (typeof wasiInterfaces)[number];

/**
 * The WASI release series served: 0.2.x. Its minor releases keep the stable
 * functions of 0.2.0 and add new ones only behind `@unstable` gates, which
 * release toolchains do not emit; a function the host lacks is still refused
 * by name when the component is instantiated (see wasi-imports.ts).
 * Measured: jco 1.10.2's preview1 adapter imports 0.2.3.
 */
const servedVersion = /^0\.2\.\d+$/;

const known = new Set<string>(wasiInterfaces);

/**
 * The interface a component import such as `wasi:cli/stdout@0.2.3` names, if
 * the host provides it at that version; otherwise undefined.
 */
export function providedWasiInterface(importName: string): WasiInterface | undefined {
  const at = importName.lastIndexOf('@');
  if (at < 0) return undefined;
  const name = importName.slice(0, at);
  if (!known.has(name) || !servedVersion.test(importName.slice(at + 1))) return undefined;
  return name as WasiInterface;
}

/** True when any of `importNames` is a WASI interface (served or not). */
export function importsWasi(importNames: readonly string[]): boolean {
  return importNames.some((name) => name.startsWith('wasi:'));
}
