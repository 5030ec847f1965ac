// `eddy build` for C plugins: an eddy-c.toml folder → a component.
//
// Owns: reading a C plugin project (eddy-c.toml: `[plugin] name`, `world`,
// optional `sources` and `cflags`), compiling it with Debian's clang for
// wasm32-wasi (WASI preview 1, reactor: no main) against Debian's wasi-libc,
// together with the C SDK (sdk/c: its layer and the bindings wit-bindgen
// generated from wit/, committed under sdk/c/bindings/<world>/), and turning
// the core module into a component with the pinned jco's componentNew and
// its preview1 reactor adapter (as Rust wasm32-wasip1 builds do).
// Must never: hand-copy the contract (the world comes from the generated
// bindings' component-type object), link anything but wasi-libc and the SDK,
// or produce a component that imports beyond its world and the WASI 0.2 the
// host serves deny-by-default (plugin/wasi/): the adapter is the only bridge.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, EddyError } from '../errors.ts';
import { runTool } from './run-tool.ts';
import { tomlSection, tomlString, tomlStringList } from './toml-manifest.ts';

export class CBuildError extends EddyError {}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cSdkDirectory = join(repositoryRoot, 'sdk/c');

/** The file that marks a C plugin folder. */
export const cManifestFile = 'eddy-c.toml';

/** The worlds a C plugin can be built for (one bindings folder and one src/<world>/ each in sdk/c). */
export const cWorlds = ['processor', 'functions'] as const;
export type CWorld = (typeof cWorlds)[number];

/** Debian 12's clang and wasi-libc (scripts/install-toolchain.sh); override with EDDY_CLANG / EDDY_WASI_LIBC. */
export const cToolchain = {
  clang: process.env.EDDY_CLANG ?? 'clang-14',
  /** Debian's wasi-libc: headers in /usr/include/wasm32-wasi, libraries in /usr/lib/wasm32-wasi. */
  wasiLibc: process.env.EDDY_WASI_LIBC ?? '/usr/lib/wasm32-wasi',
};

export interface CProject {
  name: string;
  world: CWorld;
  /** Absolute paths of the plugin's .c files. */
  sources: string[];
  cflags: string[];
}

/** Reads eddy-c.toml: `[plugin]` name (required), world (default processor), sources (default: every .c under src/), cflags. */
export function readCProject(root: string): CProject {
  const file = join(root, cManifestFile);
  const text = readFileSync(file, 'utf8');
  const section = tomlSection(text, 'plugin');
  if (!section) throw new ConfigError(`${cManifestFile} has no [plugin] table`, { file });
  const name = tomlString(section, 'name');
  if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new ConfigError(`${cManifestFile} needs [plugin] name = "…" (lowercase letters, digits, '-')`, { file });
  const world = tomlString(section, 'world') ?? 'processor';
  if (!(cWorlds as readonly string[]).includes(world)) {
    throw new ConfigError(`${cManifestFile}: world = "${world}" is not supported for C (use one of: ${cWorlds.join(', ')})`, { file });
  }
  const listed = tomlStringList(section, 'sources', refuseItem('sources', file));
  const sources = listed ? listed.map((source) => join(root, source)) : cFiles(join(root, 'src'));
  if (sources.length === 0) throw new ConfigError(`no C sources: put .c files under src/ or list them in [plugin] sources`, { file });
  for (const source of sources) if (!existsSync(source)) throw new ConfigError(`source ${relative(root, source)} does not exist`, { file });
  return { name, world: world as CWorld, sources, cflags: tomlStringList(section, 'cflags', refuseItem('cflags', file)) ?? [] };
}

const refuseItem = (key: string, file: string) => (item: string) => new ConfigError(`${cManifestFile}: ${key} must be a list of strings (got ${item})`, { file });

function cFiles(directory: string, recursive = true): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.c'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The generated bindings of `world`: <world>.c, <world>.h, <world>_component_type.o, GENERATED. */
export function cBindingsDirectory(world: CWorld): string {
  return join(cSdkDirectory, 'bindings', world);
}

/** Flags every C plugin is compiled with (a project's cflags come after them). */
export const cFlags = [
  '--target=wasm32-wasi', '-mexec-model=reactor',
  '-O2', '-std=c11', '-Wall', '-Wextra', '-Wno-unused-parameter',
  // 1 MiB of stack, as Rust's default; the heap grows from above it.
  '-Wl,-z,stack-size=1048576',
  '-Wl,--strip-all',
];

/** Builds the component of the C project in `root`. */
export async function buildC(root: string, options: { onProgress?: (line: string) => void } = {}): Promise<Uint8Array> {
  const project = readCProject(root);
  if (!existsSync(join(cToolchain.wasiLibc, 'crt1-reactor.o'))) {
    throw new CBuildError(`${cToolchain.wasiLibc}/crt1-reactor.o is missing: C plugins need Debian's wasi-libc (scripts/install-toolchain.sh), or set EDDY_WASI_LIBC`, { file: root });
  }
  const bindings = cBindingsDirectory(project.world);
  const work = mkdtempSync(join(tmpdir(), 'eddy-c-build-'));
  try {
    const output = join(work, `${project.name}.core.wasm`);
    const args = [
      ...cFlags,
      '-I', join(cSdkDirectory, 'include'), '-I', bindings, '-I', join(cSdkDirectory, 'src'),
      ...project.cflags,
      ...project.sources,
      // The SDK: its shared code (src/*.c) and its world's (src/<world>/*.c).
      ...cFiles(join(cSdkDirectory, 'src'), false),
      ...cFiles(join(cSdkDirectory, 'src', project.world)),
      join(bindings, `${project.world}.c`),
      join(bindings, `${project.world}_component_type.o`),
      '-o', output,
    ];
    let result;
    try {
      result = await runTool(cToolchain.clang, args, { cwd: root, env: process.env }, options.onProgress);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CBuildError(`${cToolchain.clang} is missing: install the C toolchain (Debian clang-14, libclang-rt-14-dev-wasm32, wasi-libc) with scripts/install-toolchain.sh, or set EDDY_CLANG`, { file: root });
      }
      throw error;
    }
    if (result.code !== 0 || !existsSync(output)) {
      throw new CBuildError(`clang failed (exit ${result.code}):\n${tail(`${result.stdout}\n${result.stderr}`, 40)}`, { file: root });
    }
    const { componentNew, preview1AdapterReactorPath } = await import('@bytecodealliance/jco');
    try {
      // wasi-libc calls `wasi_snapshot_preview1`; the reactor adapter of the
      // pinned jco turns those calls into the WASI 0.2 imports the host serves.
      return await componentNew(readFileSync(output), [['wasi_snapshot_preview1', readFileSync(preview1AdapterReactorPath())]]);
    } catch (error) {
      throw new CBuildError(`turning ${project.name}'s module into a component failed: ${(error as Error).message}`, { file: root });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').filter((line) => line.trim() !== '').slice(-lines).join('\n');
}
