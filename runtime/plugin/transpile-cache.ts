// Content-addressed cache of transpiled components.
//
// Owns: turning a component into JavaScript glue plus core modules with the
// pinned jco transpiler, and keeping the result on disk under the component's
// SHA-256 so a component is transpiled once per machine (~0.5 s for a JS
// guest), not once per process or instance.
// Must never: transpile with another jco than the pinned one (later versions
// are ~14x slower per host call — see docs/dependencies.md), or serve a
// half-written entry (entries are written to a temporary folder and renamed).

import { createHash } from 'node:crypto';
import { cacheDirectory } from '../cache-directory.ts';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transpile } from '@bytecodealliance/jco';

/** The jco version this host transpiles with; part of every cache key. */
export const transpilerVersion = '1.10.2';

/**
 * Version of `patchGlue`; part of the cache key so a change re-transpiles.
 *
 * The glue jco 1.10.2 generates lifts every `list<u8>` out of guest memory
 * with `new Uint8Array(memory.buffer.slice(p, p + n))`: one fresh ArrayBuffer
 * per key or value. Small ArrayBuffers are expensive in V8 (allocation plus
 * external-memory GC pressure: ~30% of a word count's time went to GC). The
 * patch copies into pooled `Buffer.allocUnsafe` memory instead — same bytes,
 * same ownership (a private copy), a fraction of the cost. See
 * docs/benchmarks.md for the before/after figures.
 */
const gluePatchVersion = 2;

const byteListLift = /new Uint8Array\((memory\d+)\.buffer\.slice\((\w+), \2 \+ (\w+) \* 1\)\)/g;
const copyOutHelper = `function copyOut(memory, pointer, length) {
  const bytes = Buffer.allocUnsafe(length);
  bytes.set(new Uint8Array(memory.buffer, pointer, length));
  return bytes;
}
`;

/** Applies the lifting patch described at `gluePatchVersion`. */
export function patchGlue(glue: string): string {
  if (!glue.startsWith('export function instantiate(')) throw new Error('unexpected jco glue: cannot patch');
  return copyOutHelper + glue.replace(byteListLift, 'copyOut($1, $2, $3)');
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where transpiled components live: `$EDDY_CACHE_DIR`, else `~/.cache/eddy`. */
export { cacheDirectory };

/** One transpiled component on disk. */
export interface TranspiledComponent {
  hash: string;
  directory: string;
  /** The generated ES module exporting `instantiate`. */
  glueFile: string;
  /** Core module file names, as the glue asks for them. */
  coreModules: string[];
}

const glueName = 'component';

/** Returns the cached transpilation of `component`, creating it if absent. */
export async function transpiled(component: Uint8Array, hash = sha256(component)): Promise<TranspiledComponent> {
  const directory = join(cacheDirectory(), `jco-${transpilerVersion}-glue${gluePatchVersion}`, hash);
  const glueFile = join(directory, `${glueName}.mjs`);
  if (!existsSync(glueFile)) {
    const { files } = await transpile(component, {
      name: glueName,
      instantiation: 'sync',
      typescript: false,
      nodejsCompat: false,
      base64Cutoff: 0,
    } as Parameters<typeof transpile>[1]);
    const staging = `${directory}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(staging, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) {
      if (name === `${glueName}.js`) {
        // .mjs: the glue is an ES module wherever the cache lives.
        writeFileSync(join(staging, `${glueName}.mjs`), patchGlue(Buffer.from(bytes).toString('utf8')));
      } else {
        writeFileSync(join(staging, name), bytes);
      }
    }
    try {
      renameSync(staging, directory);
    } catch (error) {
      // Another process won the race: its entry is identical.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(glueFile)) throw error;
    }
  }
  const coreModules = readdirSync(directory).filter((name) => name.endsWith('.wasm')).sort();
  return { hash, directory, glueFile, coreModules };
}

export function readCoreModule(entry: TranspiledComponent, name: string): Uint8Array {
  return readFileSync(join(entry.directory, name));
}
