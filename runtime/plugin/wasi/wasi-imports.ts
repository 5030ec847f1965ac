// The host's deny-by-default WASI 0.2, as the imports of one plugin instance.
//
// Owns: putting the interface modules of this folder together for one
// instance, as wasmtime's WasiCtxBuilder does by default — no environment
// or arguments, stdin closed, stdout/stderr to the instance's plugin log
// (rate-limited), the task's wall clock and the process's monotonic clock,
// real randomness, no preopened directory, no network — keyed by the
// unversioned interface name the jco glue asks for; and refusing, by name,
// a function or resource of a served interface that the host does not
// implement (the glue reads every import when an instance is created).
// Must never: hand a guest any authority beyond that. Granting one (a
// directory, an origin, for connectors) is a new capability module, not an
// option here.

import { ComponentLoadError } from '../../errors.ts';
import type { LogLevel } from '../../processor/processor.ts';
import { environmentImports } from './cli-environment.ts';
import { exitImports } from './cli-exit.ts';
import { stdioImports } from './cli-stdio.ts';
import { terminalImports } from './cli-terminal.ts';
import { monotonicClockImports, wallClockImports } from './clocks.ts';
import { filesystemTypesImports, preopensImports } from './filesystem.ts';
import type { WasiInterface } from './interfaces.ts';
import { ioErrorImports } from './io-error.ts';
import { ioPollImports } from './io-poll.ts';
import { ioStreamsImports } from './io-streams.ts';
import { defaultOutputLimits, OutputLog, type OutputLimits } from './output-log.ts';
import { insecureRandomImports, insecureSeedImports, randomImports } from './random.ts';
import { socketsImports } from './sockets.ts';

/** What the WASI of one instance is bound to. */
export interface WasiHost {
  /** The instance's plugin log (it carries application, task and node). */
  log(level: LogLevel, message: string): void;
  /** The task's wall clock, ms since the Unix epoch. */
  wallClockTime(): number;
}

export interface WasiOptions {
  output?: OutputLimits;
}

/** Every served interface's host module for one instance, by unversioned name. */
export function wasiImports(host: WasiHost, options: WasiOptions = {}): Record<WasiInterface, object> {
  const output = new OutputLog((level, message) => host.log(level, message), options.output ?? defaultOutputLimits);
  const stdio = stdioImports(output);
  const imports: Record<WasiInterface, object> = {
    'wasi:cli/environment': environmentImports,
    'wasi:cli/exit': exitImports(() => output.flush()),
    'wasi:cli/stdin': stdio.stdin,
    'wasi:cli/stdout': stdio.stdout,
    'wasi:cli/stderr': stdio.stderr,
    'wasi:cli/terminal-input': terminalImports.terminalInput,
    'wasi:cli/terminal-output': terminalImports.terminalOutput,
    'wasi:cli/terminal-stdin': terminalImports.terminalStdin,
    'wasi:cli/terminal-stdout': terminalImports.terminalStdout,
    'wasi:cli/terminal-stderr': terminalImports.terminalStderr,
    'wasi:clocks/monotonic-clock': monotonicClockImports,
    'wasi:clocks/wall-clock': wallClockImports(() => host.wallClockTime()),
    'wasi:filesystem/types': filesystemTypesImports,
    'wasi:filesystem/preopens': preopensImports,
    'wasi:io/error': ioErrorImports,
    'wasi:io/poll': ioPollImports,
    'wasi:io/streams': ioStreamsImports,
    'wasi:random/random': randomImports,
    'wasi:random/insecure': insecureRandomImports,
    'wasi:random/insecure-seed': insecureSeedImports,
    'wasi:sockets/network': socketsImports.network,
    'wasi:sockets/instance-network': socketsImports.instanceNetwork,
    'wasi:sockets/ip-name-lookup': socketsImports.ipNameLookup,
    'wasi:sockets/tcp': socketsImports.tcp,
    'wasi:sockets/tcp-create-socket': socketsImports.tcpCreateSocket,
    'wasi:sockets/udp': socketsImports.udp,
    'wasi:sockets/udp-create-socket': socketsImports.udpCreateSocket,
  };
  for (const name of Object.keys(imports) as WasiInterface[]) imports[name] = refuseUnknownMembers(name, imports[name]);
  return imports;
}

/**
 * The module as the glue sees it: reading a member it lacks (a function a
 * later WASI release added, or a made-up one) throws a ComponentLoadError
 * naming it, instead of leaving `undefined` to fail on the first call. The
 * glue reads each member once per instance, so calls pay nothing for this.
 */
function refuseUnknownMembers(name: WasiInterface, module: object): object {
  return new Proxy(module, {
    get(target, property, receiver) {
      if (typeof property === 'string' && !(property in target)) {
        throw new ComponentLoadError(`the component imports '${witName(property)}' from ${name}, which the host's WASI does not implement`);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** `getStdout` → `get-stdout`, `Descriptor` → `descriptor` (jco's names back to WIT's). */
function witName(property: string): string {
  return property.replace(/^[A-Z]/, (first) => first.toLowerCase()).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
