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
 *
 * Version 3 also replaces the glue's string lowering (`utf8Encode`), which
 * encodes each string into a fresh array with `TextEncoder.encode` and then
 * copies it into guest memory through a fresh view of the whole memory
 * (~2 µs per short string): the replacement counts the UTF-8 length and
 * writes the bytes straight into guest memory (strings up to 256 UTF-16
 * units; longer ones with `TextEncoder.encodeInto`, also in place) — the
 * same bytes, lone surrogates as U+FFFD as TextEncoder writes them, the
 * same single `realloc` of the exact length. A sink task's records (topic
 * and text value per record) were ~20% of its time in it.
 *
 * Version 4 replaces the glue's `list<u8>` lowering, which makes two typed
 * arrays per key or value handed to a guest (a view of the value and a view
 * of guest memory) — with a DSL function called per word, ~0.5 KB of
 * garbage per call — by `copyIn`, which writes through one view of guest
 * memory kept on the memory object (made again only when the memory grew),
 * byte by byte for short values; `copyOut` reads through the same view.
 *
 * Version 5 replaces the glue's `dataView(memory)`, called for every field
 * it stores or loads (dozens per Connect record), whose check
 * `dv.buffer === mem.buffer` reads WebAssembly.Memory's `buffer` each time
 * (an API call, ~17 ns per store): the view is kept while it is over the
 * same memory and its buffer is not detached — a memory that grows (from
 * JavaScript or from `memory.grow` in the guest) detaches its old buffer,
 * whose byteLength is then 0 — ~7 ns. Same view, same bytes. The byte
 * list and string views of versions 3 and 4 are kept the same way.
 */
const gluePatchVersion = 5;

const dataViewOriginal = 'const dataView = mem => dv.buffer === mem.buffer ? dv : dv = new DataView(mem.buffer);';
const dataViewReplacement = 'let dvMemory;\n  const dataView = mem => dvMemory === mem && dv.buffer.byteLength !== 0 ? dv : (dvMemory = mem, dv = new DataView(mem.buffer));';

const byteListLift = /new Uint8Array\((memory\d+)\.buffer\.slice\((\w+), \2 \+ (\w+) \* 1\)\)/g;
const byteListLower = /var (src\d+) = new Uint8Array\((val\d+)\.buffer \|\| \2, \2\.byteOffset, (len\d+) \* 1\);\n\s*\(new Uint8Array\((memory\d+)\.buffer, (ptr\d+), \3 \* 1\)\)\.set\(\1\);/g;
const copyHelpers = `function memoryView(memory) {
  // Kept on the memory; made again once the memory grew (its old buffer detached: a view of length 0).
  let view = memory.eddyView;
  if (view === undefined || view.length === 0) memory.eddyView = view = new Uint8Array(memory.buffer);
  return view;
}
function copyOut(memory, pointer, length) {
  const bytes = Buffer.allocUnsafe(length);
  const view = memoryView(memory);
  if (length <= 32) for (let i = 0; i < length; i++) bytes[i] = view[pointer + i];
  else bytes.set(view.subarray(pointer, pointer + length));
  return bytes;
}
function copyIn(memory, pointer, value, length) {
  const view = memoryView(memory);
  const source = value instanceof Uint8Array ? value : new Uint8Array(value.buffer || value, value.byteOffset, length);
  if (length <= 32) for (let i = 0; i < length; i++) view[pointer + i] = source[i];
  else view.set(source.length === length ? source : source.subarray(0, length), pointer);
}
`;

/** jco 1.10.2's string lowering, as it generates it. */
const utf8EncodeOriginal = `  function utf8Encode(s, realloc, memory) {
    if (typeof s !== 'string') throw new TypeError('expected a string');
    if (s.length === 0) {
      utf8EncodedLen = 0;
      return 1;
    }
    let buf = utf8Encoder.encode(s);
    let ptr = realloc(0, 0, 1, buf.length);
    new Uint8Array(memory.buffer).set(buf, ptr);
    utf8EncodedLen = buf.length;
    return ptr;
  }
`;
/** Its replacement: the same contract (a pointer, the length in `utf8EncodedLen`), written in place. */
const utf8EncodeReplacement = `  let utf8View = new Uint8Array(0);
  let utf8Memory;
  function utf8Encode(s, realloc, memory) {
    if (typeof s !== 'string') throw new TypeError('expected a string');
    const length = s.length;
    if (length === 0) {
      utf8EncodedLen = 0;
      return 1;
    }
    if (length > 256) {
      const size = Buffer.byteLength(s, 'utf8');
      const ptr = realloc(0, 0, 1, size);
      utf8Encoder.encodeInto(s, new Uint8Array(memory.buffer, ptr, size));
      utf8EncodedLen = size;
      return ptr;
    }
    let size = length;
    for (let i = 0; i < length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) size += 1;
      else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        size += 2;
        i++;
      } else size += 2;
    }
    const ptr = realloc(0, 0, 1, size);
    if (utf8Memory !== memory || utf8View.length === 0) {
      utf8Memory = memory;
      utf8View = new Uint8Array(memory.buffer);
    }
    const bytes = utf8View;
    if (size === length) {
      for (let i = 0; i < length; i++) bytes[ptr + i] = s.charCodeAt(i);
    } else {
      let at = ptr;
      for (let i = 0; i < length; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) bytes[at++] = c;
        else if (c < 0x800) {
          bytes[at++] = 0xc0 | (c >> 6);
          bytes[at++] = 0x80 | (c & 0x3f);
        } else if (c >= 0xd800 && c <= 0xdfff) {
          const d = s.charCodeAt(i + 1);
          if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            bytes[at++] = 0xf0 | (c >> 18);
            bytes[at++] = 0x80 | ((c >> 12) & 0x3f);
            bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
            bytes[at++] = 0x80 | (c & 0x3f);
          } else {
            bytes[at++] = 0xef;
            bytes[at++] = 0xbf;
            bytes[at++] = 0xbd;
          }
        } else {
          bytes[at++] = 0xe0 | (c >> 12);
          bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
          bytes[at++] = 0x80 | (c & 0x3f);
        }
      }
    }
    utf8EncodedLen = size;
    return ptr;
  }
`;

/** Applies the patches described at `gluePatchVersion`. */
export function patchGlue(glue: string): string {
  if (!glue.startsWith('export function instantiate(')) throw new Error('unexpected jco glue: cannot patch');
  const lowered = glue.includes('function utf8Encode(') ? glue.replace(utf8EncodeOriginal, utf8EncodeReplacement) : glue;
  if (lowered === glue && glue.includes('function utf8Encode(')) throw new Error('unexpected jco glue: cannot patch its utf8Encode');
  const viewed = lowered.includes('const dataView = mem =>') ? lowered.replace(dataViewOriginal, dataViewReplacement) : lowered;
  if (viewed === lowered && lowered.includes('const dataView = mem =>')) throw new Error('unexpected jco glue: cannot patch its dataView');
  return copyHelpers + viewed.replace(byteListLift, 'copyOut($1, $2, $3)').replace(byteListLower, 'copyIn($4, $5, $2, $3);');
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
