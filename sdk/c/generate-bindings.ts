// Regenerates sdk/c/bindings/<world>/ — the C bindings of wit/ — with the
// pinned wit-bindgen-cli (sdk/c/wit-bindgen-version.txt), installing it from
// crates.io into Eddy's cache (~/.cache/eddy/wit-bindgen-cli-<version>/) the
// first time. The output is committed, so building a C plugin needs only
// clang and wasi-libc; `bindings/<world>/GENERATED` records the version and a
// hash of wit/ so a test can tell that the bindings are stale without
// wit-bindgen (test/build/c.test.ts).
//   npx tsx sdk/c/generate-bindings.ts            (regenerate)
//   npx tsx sdk/c/generate-bindings.ts --check    (regenerate elsewhere, compare byte for byte)
// Owns: running wit-bindgen and the stamp. Must never: edit what wit-bindgen
// writes, or use another wit-bindgen than the pinned one.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirectory } from '../../runtime/cache-directory.ts';
import { EddyError } from '../../runtime/errors.ts';
import { runTool } from '../../runtime/build/run-tool.ts';

export class BindingsGenerationError extends EddyError {}

const sdkDirectory = fileURLToPath(new URL('.', import.meta.url));
const witDirectory = fileURLToPath(new URL('../../wit/', import.meta.url));
export const cWorldsWithBindings = ['processor', 'functions'] as const;

/** The pinned wit-bindgen-cli version. */
export function witBindgenVersion(): string {
  const text = readFileSync(join(sdkDirectory, 'wit-bindgen-version.txt'), 'utf8');
  const version = /^wit-bindgen-cli==(\S+)$/m.exec(text)?.[1];
  if (!version) throw new BindingsGenerationError('sdk/c/wit-bindgen-version.txt pins no wit-bindgen-cli==<version>');
  return version;
}

export function witBindgenPath(): string {
  return process.env.EDDY_WIT_BINDGEN ?? join(cacheDirectory(), `wit-bindgen-cli-${witBindgenVersion()}`, 'bin', 'wit-bindgen');
}

/** sha256 of every file of wit/, by name: what the bindings were generated from. */
export function witHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(witDirectory).filter((file) => file.endsWith('.wit')).sort()) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(witDirectory, name)));
  }
  return hash.digest('hex');
}

/** The GENERATED stamp of bindings generated now. */
export function bindingsStamp(): string {
  return `wit-bindgen-cli ${witBindgenVersion()}\nwit sha256 ${witHash()}\n`;
}

/** Installs the pinned wit-bindgen-cli into the cache if it is not there (cargo from crates.io; minutes). */
export async function ensureWitBindgen(onProgress?: (line: string) => void): Promise<string> {
  const tool = witBindgenPath();
  if (existsSync(tool)) return tool;
  const root = join(cacheDirectory(), `wit-bindgen-cli-${witBindgenVersion()}`);
  const cargo = process.env.EDDY_CARGO ?? '/usr/bin/cargo';
  const result = await runTool(cargo, ['install', 'wit-bindgen-cli', '--version', `=${witBindgenVersion()}`, '--locked', '--root', root], { cwd: sdkDirectory, env: process.env }, onProgress);
  if (result.code !== 0 || !existsSync(tool)) throw new BindingsGenerationError(`cargo install wit-bindgen-cli ${witBindgenVersion()} failed (exit ${result.code}):\n${result.stderr.trimEnd().split('\n').slice(-20).join('\n')}`);
  return tool;
}

/** Generates the bindings of every world into `directory/<world>/` (with their stamp). */
export async function generateCBindings(directory: string, tool = witBindgenPath()): Promise<void> {
  for (const world of cWorldsWithBindings) {
    const work = mkdtempSync(join(tmpdir(), 'eddy-c-bindings-'));
    try {
      const result = await runTool(tool, ['c', '--world', world, '--out-dir', work, witDirectory], { cwd: work, env: process.env });
      if (result.code !== 0) throw new BindingsGenerationError(`wit-bindgen c --world ${world} failed (exit ${result.code}):\n${result.stderr}`);
      const target = join(directory, world);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target, { recursive: true });
      cpSync(work, target, { recursive: true });
      writeFileSync(join(target, 'GENERATED'), bindingsStamp());
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

/** Regenerates into a temporary folder and lists every committed file that differs (empty: the committed bindings are exactly what the pinned tool writes). */
export async function staleBindings(tool = witBindgenPath()): Promise<string[]> {
  const generated = mkdtempSync(join(tmpdir(), 'eddy-c-bindings-check-'));
  try {
    await generateCBindings(generated, tool);
    const differing: string[] = [];
    for (const world of cWorldsWithBindings) {
      const committed = join(sdkDirectory, 'bindings', world);
      const names = new Set([...readdirSync(committed), ...readdirSync(join(generated, world))]);
      for (const name of names) {
        const a = join(committed, name);
        const b = join(generated, world, name);
        if (!existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b))) differing.push(`${world}/${name}`);
      }
    }
    return differing;
  } finally {
    rmSync(generated, { recursive: true, force: true });
  }
}

// `--check`: regenerate and compare byte for byte (exit 1 listing what differs); otherwise regenerate in place.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tool = await ensureWitBindgen((line) => process.stderr.write(`${line}\n`));
  if (process.argv.includes('--check')) {
    const differing = await staleBindings(tool);
    if (differing.length > 0) {
      console.error(`sdk/c/bindings differ from what wit-bindgen-cli ${witBindgenVersion()} writes: ${differing.join(', ')}`);
      process.exit(1);
    }
    console.log(`sdk/c/bindings are exactly what wit-bindgen-cli ${witBindgenVersion()} writes`);
  } else {
    await generateCBindings(join(sdkDirectory, 'bindings'), tool);
    console.log(`wrote sdk/c/bindings/ with wit-bindgen-cli ${witBindgenVersion()}`);
  }
}
