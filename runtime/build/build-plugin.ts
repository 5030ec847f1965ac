// `eddy build <plugin-dir>`: source → WebAssembly component.
//
// Owns: recognising a plugin folder's language (Cargo.toml → Rust,
// package.json → TypeScript or JavaScript by its entry's extension,
// pyproject.toml → Python — its build is build-python.ts, eddy-c.toml → C —
// build-c.ts, go.mod → Go — build-go.ts), running that
// language's toolchain
// with the verified recipe (docs/plugin-authoring.md), turning the result into
// a component of the plugin's world, writing `<dir>/dist/<name>.wasm`, and
// skipping the build when nothing it depends on changed. TS/JS plugins name
// their world and may name the contract version they build against
// (`"eddy": { "world": …, "contract": … }`; the worlds and versions TS/JS
// builds for are declared in javascript-worlds.ts).
// Must never: produce a component with imports beyond the world's and the
// host's deny-by-default WASI (TS builds disable every componentize-js feature
// that would import WASI; Rust builds target wasm32-unknown-unknown, which
// imports nothing, unless the crate asks for wasm32-wasip1 — then std's WASI
// calls go through jco's preview1 reactor adapter to the WASI 0.2 interfaces
// the host provides, see plugin/wasi/; Go's wasip1 reactors take the same
// adapter; Python components import WASI 0.2 directly, served the same way).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, EddyError } from '../errors.ts';
import { transpilerVersion } from '../plugin/transpile-cache.ts';
import type { BuildOptions as EsbuildOptions } from 'esbuild';
import { runTool } from './run-tool.ts';
import { componentize } from './componentize-js.ts';
import { javascriptBuildTarget, javascriptSdkAliases } from './javascript-worlds.ts';
import { tomlSection, tomlString } from './toml-manifest.ts';
import { buildPython, pythonBuildFingerprint, pythonSdkDirectory, readPythonProject } from './build-python.ts';
import { buildGo, goBuildFingerprint, goSdkDirectory, readGoProject } from './build-go.ts';
import { buildC, cManifestFile, cSdkDirectory, readCProject } from './build-c.ts';

export class BuildError extends EddyError {}

export type PluginLanguage = 'rust' | 'typescript' | 'javascript' | 'python' | 'c' | 'go';

export interface BuildResult {
  language: PluginLanguage;
  name: string;
  output: string;
  /** False when the existing build was up to date. */
  built: boolean;
  milliseconds: number;
}

export interface BuildOptions {
  /** Rebuild even if up to date. */
  force?: boolean;
  /** Receives the toolchain's progress lines. */
  onProgress?: (line: string) => void;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const witDirectory = join(repositoryRoot, 'wit');
export const rustSdkDirectory = join(repositoryRoot, 'sdk/rust');
// The guest SDK of TypeScript and JavaScript plugins alike (sdk/js/README.md).
const typescriptSdkDirectory = join(repositoryRoot, 'sdk/typescript');

export function detectLanguage(directory: string): PluginLanguage {
  if (existsSync(join(directory, 'Cargo.toml'))) return 'rust';
  if (existsSync(join(directory, 'package.json'))) return javascriptEntry(directory).language;
  if (existsSync(join(directory, 'pyproject.toml'))) return 'python';
  if (existsSync(join(directory, cManifestFile))) return 'c';
  if (existsSync(join(directory, 'go.mod'))) return 'go';
  throw new ConfigError(`${directory} is not a plugin folder: it has no Cargo.toml (Rust), package.json (TypeScript/JavaScript), pyproject.toml (Python), ${cManifestFile} (C: a [plugin] table with name = "…") or go.mod (Go)`, { file: directory });
}

export async function buildPlugin(directory: string, options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const root = resolve(directory);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ConfigError(`plugin folder ${directory} does not exist`, { file: directory });
  const language = detectLanguage(root);
  const name = language === 'go' ? readGoProject(root).name : language === 'c' ? readCProject(root).name : language === 'rust' ? rustPackageName(root) : language === 'python' ? readPythonProject(root).name : packageJsonName(root);
  const output = join(root, 'dist', `${name}.wasm`);
  const stamp = join(root, 'dist', '.build-stamp');
  const fingerprint = sourceFingerprint(root, language);
  if (!options.force && existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) {
    return { language, name, output, built: false, milliseconds: Date.now() - started };
  }
  const component =
    language === 'go' ? await buildGo(root, options) : language === 'c' ? await buildC(root, options) : language === 'rust' ? await buildRust(root, name, options) : language === 'python' ? await buildPython(root, options) : await buildJavascript(root, name);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(output, component);
  writeFileSync(stamp, fingerprint);
  return { language, name, output, built: true, milliseconds: Date.now() - started };
}

function rustPackageName(root: string): string {
  const packageSection = cargoSection(root, 'package');
  const name = tomlString(packageSection, 'name');
  if (!name) throw new ConfigError('Cargo.toml has no [package] name', { file: join(root, 'Cargo.toml') });
  return name;
}

/** The body of the `[name]` table of the crate's Cargo.toml, if any. */
function cargoSection(root: string, name: string): string | undefined {
  return tomlSection(readFileSync(join(root, 'Cargo.toml'), 'utf8'), name);
}

/** The WebAssembly targets a Rust plugin may be built for. */
export const rustTargets = ['wasm32-unknown-unknown', 'wasm32-wasip1'] as const;
export type RustTarget = (typeof rustTargets)[number];

/**
 * The crate's target: `[package.metadata.eddy] target = "wasm32-wasip1"` for
 * std over WASI (files, env, stdout… — all denied or redirected by the host),
 * else wasm32-unknown-unknown (std without WASI: imports nothing).
 */
export function rustTarget(root: string): RustTarget {
  const section = cargoSection(root, 'package.metadata.eddy');
  const target = tomlString(section, 'target');
  if (target === undefined) return 'wasm32-unknown-unknown';
  if (!(rustTargets as readonly string[]).includes(target)) {
    throw new ConfigError(`[package.metadata.eddy] target = "${target}" is not supported (use one of: ${rustTargets.join(', ')})`, { file: join(root, 'Cargo.toml') });
  }
  return target as RustTarget;
}

function packageJsonName(root: string): string {
  const manifest = readPackageJson(root);
  if (typeof manifest.name !== 'string' || !manifest.name) throw new ConfigError('package.json has no name', { file: join(root, 'package.json') });
  return manifest.name.replace(/^@[^/]+\//, '');
}

function readPackageJson(root: string): { name?: unknown; eddy?: { entry?: unknown; world?: unknown; contract?: unknown } } {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  } catch (error) {
    throw new ConfigError(`package.json is not valid JSON: ${(error as Error).message}`, { file: join(root, 'package.json') });
  }
}

/** A hash of everything a build reads, so an unchanged plugin is not rebuilt. */
function sourceFingerprint(root: string, language: PluginLanguage): string {
  const hash = createHash('sha256');
  hash.update(`jco ${transpilerVersion}\n`);
  if (language === 'python') hash.update(pythonBuildFingerprint());
  if (language === 'go') hash.update(goBuildFingerprint());
  const sdkDirectory = language === 'go' ? goSdkDirectory : language === 'c' ? cSdkDirectory : language === 'rust' ? rustSdkDirectory : language === 'python' ? pythonSdkDirectory : typescriptSdkDirectory;
  const folders = [root, witDirectory, sdkDirectory];
  for (const folder of folders) {
    for (const file of listSourceFiles(folder)) {
      hash.update(`${relative(repositoryRoot, file)}\n`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex');
}

function listSourceFiles(folder: string): string[] {
  const skip = new Set(['dist', 'target', 'node_modules', '.git', '__pycache__', '.venv']);
  const out: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (skip.has(entry.name)) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(folder);
  return out;
}

// ---- Rust ----------------------------------------------------------------

/** Debian's rustc-web (see docs/plugin-authoring.md); rustup toolchains lack a WASM std here. */
export const rustToolchain = {
  cargo: process.env.EDDY_CARGO ?? '/usr/bin/cargo',
  rustc: process.env.EDDY_RUSTC ?? '/usr/bin/rustc',
  linker: process.env.EDDY_WASM_LINKER ?? 'wasm-ld-14',
  /** Debian's wasi-libc (libc.a, crt1-reactor.o) for wasm32-wasip1 builds. */
  wasiLibc: process.env.EDDY_WASI_LIBC ?? '/usr/lib/wasm32-wasi',
};

async function buildRust(root: string, name: string, options: BuildOptions): Promise<Uint8Array> {
  for (const tool of [rustToolchain.cargo, rustToolchain.rustc]) {
    if (!existsSync(tool)) {
      throw new BuildError(`${tool} is missing: install the Rust WASM toolchain with scripts/install-toolchain.sh (Debian rustc-web, cargo-web, rust-web-src, lld)`, { file: root });
    }
  }
  const target = rustTarget(root);
  if (target === 'wasm32-wasip1' && !existsSync(join(rustToolchain.wasiLibc, 'libc.a'))) {
    throw new BuildError(`${rustToolchain.wasiLibc}/libc.a is missing: wasm32-wasip1 builds need Debian's wasi-libc (scripts/install-toolchain.sh), or set EDDY_WASI_LIBC`, { file: root });
  }
  const args = [
    'build', '--release', '--target', target,
    '-Zbuild-std=std,panic_abort', '-Zbuild-std-features=',
    '--message-format=json-render-diagnostics', '-p', name,
  ];
  const env = {
    ...process.env,
    RUSTC: rustToolchain.rustc,
    RUSTC_BOOTSTRAP: '1',
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER: rustToolchain.linker,
    CARGO_TARGET_WASM32_WASIP1_LINKER: rustToolchain.linker,
    // Link Debian's wasi-libc, not a self-contained one (there is none offline).
    CARGO_TARGET_WASM32_WASIP1_RUSTFLAGS: `-C link-self-contained=no -L ${rustToolchain.wasiLibc}`,
    CARGO_PROFILE_RELEASE_PANIC: 'abort',
    CARGO_PROFILE_RELEASE_LTO: 'true',
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS: '1',
    CARGO_PROFILE_RELEASE_STRIP: 'true',
  };
  const { stdout, stderr, code } = await runTool(rustToolchain.cargo, args, { cwd: root, env }, options.onProgress);
  if (code !== 0) throw new BuildError(`cargo build failed (exit ${code}):\n${tail(stderr, 40)}`, { file: root });
  let artifact: string | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as { reason?: string; target?: { name?: string; kind?: string[] }; filenames?: string[] };
    if (message.reason === 'compiler-artifact' && message.target?.kind?.includes('cdylib')) {
      artifact = message.filenames?.find((file) => file.endsWith('.wasm'));
    }
  }
  if (!artifact) throw new BuildError(`cargo built no .wasm for '${name}': is it a [lib] with crate-type = ["cdylib"]?`, { file: root });
  const { componentNew, preview1AdapterReactorPath } = await import('@bytecodealliance/jco');
  // A wasip1 module calls `wasi_snapshot_preview1`; jco's reactor adapter
  // (the one of the pinned jco) turns those calls into WASI 0.2 imports.
  const adapters: Array<[string, Uint8Array]> | undefined =
    target === 'wasm32-wasip1' ? [['wasi_snapshot_preview1', readFileSync(preview1AdapterReactorPath())]] : undefined;
  try {
    return await componentNew(readFileSync(artifact), adapters);
  } catch (error) {
    throw new BuildError(`turning ${basename(artifact)} into a component failed: ${(error as Error).message}`, { file: root });
  }
}

// ---- TypeScript / JavaScript ----------------------------------------------

/** The entries tried, in order, when package.json names none. */
const defaultEntries = ['src/index.ts', 'src/index.js', 'index.ts', 'index.js'];

/**
 * The entry module of a package.json plugin (`"eddy": { "entry": … }`, else
 * the first of `defaultEntries` that exists) and the language it is written
 * in: `.js` / `.mjs` → JavaScript, `.ts` / `.mts` → TypeScript. Both build
 * the same way (esbuild, then componentize-js); the language is what
 * `eddy build` reports and what the docs and templates differ in.
 */
export function javascriptEntry(root: string): { entry: string; language: 'typescript' | 'javascript' } {
  const entryOption = readPackageJson(root).eddy?.entry;
  const candidates = typeof entryOption === 'string' ? [entryOption] : defaultEntries;
  const entry = candidates.map((candidate) => join(root, candidate)).find((path) => existsSync(path));
  if (!entry) throw new ConfigError(`no entry found (tried ${candidates.join(', ')}); set "eddy": { "entry": … } in package.json`, { file: join(root, 'package.json') });
  if (/\.m?js$/.test(entry)) return { entry, language: 'javascript' };
  if (/\.m?ts$/.test(entry)) return { entry, language: 'typescript' };
  throw new ConfigError(`the entry ${relative(root, entry)} is neither JavaScript (.js, .mjs) nor TypeScript (.ts, .mts)`, { file: join(root, 'package.json') });
}

async function buildJavascript(root: string, name: string): Promise<Uint8Array> {
  const manifest = readPackageJson(root);
  const { entry } = javascriptEntry(root);
  const { world, contract } = javascriptBuildTarget(manifest.eddy?.world, manifest.eddy?.contract, join(root, 'package.json'));
  const { build } = await import('esbuild');
  const options = {
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    external: ['eddy:*'],
    logLevel: 'silent',
    nodePaths: [join(repositoryRoot, 'node_modules')],
    alias: javascriptSdkAliases(typescriptSdkDirectory),
  } satisfies EsbuildOptions;
  let source: string;
  try {
    // First the entry's export names, then the bundle of a module that
    // re-exports each one through guardExport (a thrown Error → the `err`).
    const probe = await build({ ...options, entryPoints: [entry], metafile: true });
    const exported = Object.values(probe.metafile?.outputs ?? {}).flatMap((output) => output.exports);
    const bundled = await build({
      ...options,
      stdin: { contents: exportGuardModule(entry, exported), resolveDir: root, sourcefile: 'eddy-exports.js', loader: 'js' },
    });
    const output = bundled.outputFiles?.[0];
    if (!output) throw new Error('esbuild wrote no bundle');
    source = output.text;
  } catch (error) {
    throw new BuildError(`bundling ${relative(root, entry)} failed: ${(error as Error).message}`, { file: entry });
  }
  try {
    const { component } = await componentize(source, {
      sourceName: `${name}.js`,
      witPath: dirname(contract.witFile),
      worldName: world,
      disableFeatures: ['random', 'stdio', 'clocks', 'http'],
    });
    return component;
  } catch (error) {
    throw new BuildError(`componentize-js failed: ${(error as Error).message}`, { file: entry });
  }
}

/** The module `eddy build` bundles: every export of `entry`, each through sdk/typescript/exports.ts's guardExport. */
function exportGuardModule(entry: string, names: string[]): string {
  const lines = [
    `import * as plugin from ${JSON.stringify(entry)};`,
    `import { guardExport } from ${JSON.stringify(join(typescriptSdkDirectory, 'exports.ts'))};`,
  ];
  names.forEach((name, index) => {
    lines.push(`const export${index} = guardExport(plugin[${JSON.stringify(name)}]);`, `export { export${index} as ${JSON.stringify(name)} };`);
  });
  return lines.join('\n') + '\n';
}

// ---- helpers --------------------------------------------------------------


function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
