// componentize-js 0.17.0 (TypeScript and JavaScript plugins), through a small
// layer that fixes how it starts Wizer.
//
// Owns: calling componentize-js. It starts Wizer with `shell: true` and its
// arguments joined into one command line, paths in its temporary directory
// among them, so (1) a temporary directory whose path holds a space or a
// shell character breaks the build ("Wizering failed to complete"), and
// (2) Node 24 warns DEP0190 for the call. Here it runs with a temporary
// directory it can use as is — the machine's when its path is plain, else
// /tmp, else the build is refused saying why — and DEP0190 is not printed
// for it (only for it: other warnings pass).
// Must never: change what componentize-js builds, or leave TMPDIR or the
// warning hook changed after the call.

import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { EddyError } from '../errors.ts';
import type { ComponentizeOptions, ComponentizeOutput } from '@bytecodealliance/componentize-js';

/** A path that survives being pasted into a shell command unquoted. */
const plainPath = /^[A-Za-z0-9_./+-]+$/;

/** The temporary directory componentize-js gets: the machine's when plain, else /tmp. */
export function componentizeTemporaryDirectory(current: string = tmpdir()): string {
  if (plainPath.test(current)) return current;
  try {
    accessSync('/tmp', constants.W_OK);
    return '/tmp';
  } catch {
    // The caller reports it as the build's failure.
    throw new EddyError(`componentize-js cannot build in the temporary directory ${JSON.stringify(current)}: it passes its paths to a shell unquoted. Set TMPDIR to a directory whose path has only letters, digits and ./_+-`);
  }
}

export async function componentize(source: string, options: ComponentizeOptions): Promise<ComponentizeOutput> {
  const { componentize: run } = await import('@bytecodealliance/componentize-js');
  const directory = componentizeTemporaryDirectory();
  const previousTmpdir = process.env.TMPDIR;
  const emitWarning = process.emitWarning;
  process.env.TMPDIR = directory;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const code = rest.find((value) => typeof value === 'string' && /^DEP\d+$/.test(value)) ?? (typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : undefined);
    if (code === 'DEP0190') return;
    (emitWarning as (...all: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await run(source, options);
  } finally {
    process.emitWarning = emitWarning;
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
}
