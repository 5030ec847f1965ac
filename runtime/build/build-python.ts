// `eddy build` for Python plugins: a pyproject.toml folder → a component.
//
// Owns: reading a Python plugin project (pyproject.toml: `[project] name`,
// `[tool.eddy] module` and `world`), finding the pinned componentize-py that
// scripts/install-toolchain.sh installs (version in
// sdk/python/requirements-build.txt), handing it wit/ in the form it parses,
// the SDK (sdk/python) and an entry module, and restoring the world's export
// names in the component it produces. Also generates the SDK's typing stubs
// (both worlds') with componentize-py's `bindings` command from the same WIT.
// Must never: hand-copy the contract (the WIT given to componentize-py is
// wit/ with two mechanical, checked rewrites — see `pythonWitSource`), stub
// out WASI (the host serves a deny-by-default WASI, so a file or socket is
// refused inside the guest, not at build time), or use another
// componentize-py than the pinned one.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirectory } from '../cache-directory.ts';
import { ConfigError, EddyError } from '../errors.ts';
import { renameComponentExport } from './component-exports.ts';
import { runTool, type ToolResult } from './run-tool.ts';
import { tomlSection, tomlString } from './toml-manifest.ts';

export class PythonBuildError extends EddyError {}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const pythonSdkDirectory = join(repositoryRoot, 'sdk/python');
const witFile = join(repositoryRoot, 'wit/eddy-plugin.wit');
const requirementsFile = join(pythonSdkDirectory, 'requirements-build.txt');

/** The worlds a Python plugin can be built for today. */
export const pythonWorlds = ['processor', 'functions'] as const;
export type PythonWorld = (typeof pythonWorlds)[number];

/** The pinned componentize-py version (sdk/python/requirements-build.txt). */
export function componentizePyVersion(): string {
  const version = /^componentize-py==(\S+)$/m.exec(readFileSync(requirementsFile, 'utf8'))?.[1];
  if (!version) throw new PythonBuildError(`${requirementsFile} pins no componentize-py version`);
  return version;
}

/** What a Python build depends on besides the sources: the toolchain's version and this recipe. */
export function pythonBuildFingerprint(): string {
  return `componentize-py ${componentizePyVersion()}\n${readFileSync(fileURLToPath(import.meta.url), 'utf8')}`;
}

/** The componentize-py the build runs: `$EDDY_COMPONENTIZE_PY`, else the one install-toolchain.sh put in Eddy's cache. */
export function componentizePyPath(): string {
  return process.env.EDDY_COMPONENTIZE_PY ?? join(cacheDirectory(), `componentize-py-${componentizePyVersion()}`, 'bin', 'componentize-py');
}

/** A Python plugin project, as its pyproject.toml describes it. */
export interface PythonProject {
  name: string;
  /** The plugin's top-level module (it calls `export_processor`, or `export_functions` for the functions world). */
  module: string;
  world: PythonWorld;
  /** Where the module lives: `src/` if the project has one, else the project folder. */
  sourceDirectory: string;
}

export function readPythonProject(root: string): PythonProject {
  const file = join(root, 'pyproject.toml');
  const text = readFileSync(file, 'utf8');
  const name = tomlString(tomlSection(text, 'project'), 'name');
  if (!name) throw new ConfigError('pyproject.toml has no [project] name', { file });
  const eddy = tomlSection(text, 'tool.eddy');
  const module = tomlString(eddy, 'module') ?? name.replace(/-/g, '_');
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(module)) {
    throw new ConfigError(`[tool.eddy] module = "${module}" is not a Python module name`, { file });
  }
  const world = tomlString(eddy, 'world') ?? 'processor';
  if (!(pythonWorlds as readonly string[]).includes(world)) {
    throw new ConfigError(`[tool.eddy] world = "${world}": Python plugins can be built for ${pythonWorlds.join(', ')}`, { file });
  }
  const sourceDirectory = existsSync(join(root, 'src')) ? join(root, 'src') : root;
  const modulePath = join(sourceDirectory, ...module.split('.'));
  if (!existsSync(`${modulePath}.py`) && !existsSync(join(modulePath, '__init__.py'))) {
    throw new ConfigError(`module '${module}' not found: expected ${modulePath}.py (set [tool.eddy] module in pyproject.toml)`, { file });
  }
  return { name, module, world: world as PythonWorld, sourceDirectory };
}

/**
 * The export of the `processor` world that componentize-py cannot link
 * (0.17 – 0.25): its linker resolves every library's symbols by name, and a
 * world-level export `close: func()` collides with libc's `close(fd)`
 * ("one or more duplicate items detected when collecting into set or map").
 * The build hands it this name instead and renames the export back.
 */
export const renamedExports: Record<PythonWorld, Array<[wit: string, renamed: string]>> = {
  processor: [['close', 'close-processor']],
  functions: [],
};

/** Words the WIT parser inside componentize-py reserves that wit/ uses as names. */
const newerWitKeywords = ['map'];

/**
 * wit/ as componentize-py parses it: (1) a name that its WIT parser reserves
 * (`map`, for the `map<k, v>` type; wit/ names a DSL function and an enum case
 * so) is written with WIT's escape, `%map` — the same name; (2) the world's
 * exports in `renamedExports` renamed. Throws if a rename no longer finds
 * what it renames.
 */
export function pythonWitSource(wit: string, world: PythonWorld): string {
  const keyword = new RegExp(`(?<![\\w%-])(${newerWitKeywords.join('|')})(?![\\w-])(?!\\s*<)`, 'g');
  let text = wit
    .split('\n')
    .map((line) => {
      const comment = line.indexOf('//');
      const code = comment < 0 ? line : line.slice(0, comment);
      return code.replace(keyword, '%$1') + (comment < 0 ? '' : line.slice(comment));
    })
    .join('\n');
  const start = text.search(new RegExp(`^world ${world} \\{`, 'm'));
  const end = start < 0 ? -1 : text.indexOf('\n}', start);
  if (start < 0 || end < 0) throw new PythonBuildError(`wit/ has no world '${world}'`);
  let body = text.slice(start, end);
  for (const [name, renamed] of renamedExports[world]) {
    const declaration = new RegExp(`^(\\s*export\\s+)${name}(\\s*:\\s*func\\b)`, 'm');
    if (!declaration.test(body)) throw new PythonBuildError(`world '${world}' no longer exports '${name}': update renamedExports in build-python.ts`);
    body = body.replace(declaration, `$1${renamed}$2`);
  }
  text = text.slice(0, start) + body + text.slice(end);
  return text;
}

/** Writes the WIT for componentize-py into `directory` (a folder of its own). */
function writePythonWit(directory: string, world: PythonWorld): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'eddy-plugin.wit'), pythonWitSource(readFileSync(witFile, 'utf8'), world));
}

const entryModule = '_eddy_entry';

/** The module componentize-py builds from: the world's exports as the classes it looks for (`WitWorld` for the world's own, one per exported interface). */
function entrySource(project: PythonProject): string {
  const header = '# Generated by `eddy build`: the module componentize-py builds the component from.\n';
  if (project.world === 'functions') {
    return `${header}import eddy_plugin.functions
import ${project.module}

DslFunctions = eddy_plugin.functions.functions_world(${JSON.stringify(project.module)})
`;
  }
  return `${header}import eddy_plugin
import ${project.module}

WitWorld = eddy_plugin.processor_world(${JSON.stringify(project.module)})
`;
}

export interface PythonBuildOptions {
  onProgress?: (line: string) => void;
}

/** Builds the component of the Python project in `root`. */
export async function buildPython(root: string, options: PythonBuildOptions = {}): Promise<Uint8Array> {
  const tool = componentizePyPath();
  if (!existsSync(tool)) {
    throw new PythonBuildError(`${tool} is missing: install the Python toolchain (componentize-py ${componentizePyVersion()}) with scripts/install-toolchain.sh, or set EDDY_COMPONENTIZE_PY`, { file: root });
  }
  const project = readPythonProject(root);
  const work = mkdtempSync(join(tmpdir(), 'eddy-python-build-'));
  try {
    const witDirectory = join(work, 'wit');
    const entryDirectory = join(work, 'entry');
    const output = join(work, 'component.wasm');
    writePythonWit(witDirectory, project.world);
    mkdirSync(entryDirectory);
    writeFileSync(join(entryDirectory, `${entryModule}.py`), entrySource(project));
    // Copies: CPython writes __pycache__ next to what it imports while componentize-py snapshots it.
    const sdkCopy = join(work, 'sdk');
    const sourceCopy = join(work, 'source');
    cpSync(join(pythonSdkDirectory, 'eddy_plugin'), join(sdkCopy, 'eddy_plugin'), { recursive: true, filter: sourceFile });
    cpSync(project.sourceDirectory, sourceCopy, { recursive: true, filter: sourceFile });
    const args = [
      '-d', witDirectory, '-w', project.world,
      'componentize',
      '-p', entryDirectory, '-p', sdkCopy, '-p', sourceCopy,
      entryModule, '-o', output,
    ];
    const { code, stdout, stderr } = await run(tool, args, root, options.onProgress);
    if (code !== 0 || !existsSync(output)) {
      throw new PythonBuildError(`componentize-py failed (exit ${code}):\n${pythonError(`${stdout}\n${stderr}`)}`, { file: root });
    }
    let component: Uint8Array = readFileSync(output);
    for (const [name, renamed] of renamedExports[project.world]) component = renameComponentExport(component, renamed, name);
    return component;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** What a build copies of the SDK and the plugin's sources: not builds, caches or environments. */
function sourceFile(path: string): boolean {
  return !['dist', 'target', 'node_modules', '.git', '__pycache__', '.venv', '.mypy_cache'].includes(basename(path));
}

/**
 * Writes the typing stubs of the SDK (`componentize-py bindings`: the
 * `wit_world` package and its helpers, for IDEs and type checkers — a build
 * generates the real bindings itself) into `directory`: those of the
 * `processor` world, with the files only the `functions` world has
 * (`wit_world/exports/`, for `eddy_plugin.functions`) added. A file both
 * worlds generate differently (`wit_world/__init__.py`, the world's own
 * exports) is the processor world's.
 */
export async function generatePythonBindings(directory: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'eddy-python-bindings-'));
  try {
    for (const world of pythonWorlds) {
      const wit = join(work, `wit-${world}`);
      writePythonWit(wit, world);
      const output = world === 'processor' ? directory : join(work, world);
      const { code, stdout, stderr } = await run(componentizePyPath(), ['-d', wit, '-w', world, 'bindings', output], work);
      if (code !== 0) throw new PythonBuildError(`componentize-py bindings (${world}) failed (exit ${code}):\n${tail(`${stdout}\n${stderr}`, 30)}`);
      if (output !== directory) cpSync(output, directory, { recursive: true, force: false });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs componentize-py: without VIRTUAL_ENV (it would add that environment's packages to the plugin's path) and without Rust backtraces (the Python error is what the author needs). */
function run(command: string, args: string[], cwd: string, onProgress?: (line: string) => void): Promise<ToolResult> {
  const { VIRTUAL_ENV: _ignored, ...inherited } = process.env;
  return runTool(command, args, { cwd, env: { ...inherited, RUST_BACKTRACE: '0', RUST_LIB_BACKTRACE: '0' } }, onProgress);
}

/** componentize-py's report without its own frames: from the plugin's error on (it wraps it in an AssertionError). */
function pythonError(output: string): string {
  const at = output.indexOf('AssertionError: ');
  return tail(at < 0 ? output : output.slice(at + 'AssertionError: '.length), 30);
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').filter((line) => line.trim() !== '').slice(-lines).join('\n');
}
