// `eddy build` for Go plugins: a go.mod folder → a component.
//
// Owns: reading a Go plugin project (go.mod: the module's last path element
// is the plugin name; an optional `// eddy:world functions` line picks the
// world), running Go (the machine's or the pinned one in Eddy's cache;
// GOOS=wasip1, `-buildmode=c-shared`: a
// reactor whose `//go:wasmexport` functions are the world's exports) offline
// against the SDK in sdk/go, embedding the world's WIT and turning the core
// module into a component with the pinned jco's preview1 reactor adapter.
// Must never: fetch anything while building (GOPROXY=off, GOTOOLCHAIN=local:
// the SDK has no third-party Go dependency; a plugin's own go through
// `go mod vendor`), write Go caches into the
// repository (they go to Eddy's cache), or hand-copy the contract (the
// bindings in sdk/go/internal are generated from wit/ by wit-bindgen, see
// sdk/go/generate-bindings.ts).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirectory } from '../cache-directory.ts';
import { ConfigError, EddyError } from '../errors.ts';
import { runTool } from './run-tool.ts';

export class GoBuildError extends EddyError {}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const goSdkDirectory = join(repositoryRoot, 'sdk/go');
const witFile = join(repositoryRoot, 'wit/eddy-plugin.wit');

/** The worlds a Go plugin can be built for. */
export const goWorlds = ['processor', 'functions'] as const;
export type GoWorld = (typeof goWorlds)[number];

/** The oldest Go that builds the SDK (wasip1 reactors with `//go:wasmexport` came in 1.24); sdk/go/requirements-build.txt says the same. */
export const minimumGoVersion = [1, 24] as const;

/**
 * The Go the build runs: `$EDDY_GO`, else the pinned release that
 * scripts/install-toolchain.sh put in Eddy's cache on a machine without a Go
 * of at least `go-minimum`, else `go` on the PATH.
 */
export function goCommand(): string {
  if (process.env.EDDY_GO) return process.env.EDDY_GO;
  const pinned = /^go==(\S+)$/m.exec(readFileSync(join(goSdkDirectory, 'requirements-build.txt'), 'utf8'))?.[1];
  const cached = pinned && join(cacheDirectory(), `go-${pinned}`, 'bin', 'go');
  return cached && existsSync(cached) ? cached : 'go';
}

export interface GoProject {
  name: string;
  world: GoWorld;
}

export function readGoProject(root: string): GoProject {
  const file = join(root, 'go.mod');
  const text = readFileSync(file, 'utf8');
  const module = /^module\s+(\S+)/m.exec(text)?.[1];
  if (!module) throw new ConfigError('go.mod has no module line', { file });
  const name = module.split('/').pop()!.replace(/"/g, '');
  const world = /^\/\/\s*eddy:world\s+(\S+)/m.exec(text)?.[1] ?? 'processor';
  if (!(goWorlds as readonly string[]).includes(world)) {
    throw new ConfigError(`// eddy:world ${world} in go.mod: Go plugins can be built for ${goWorlds.join(', ')}`, { file });
  }
  return { name, world: world as GoWorld };
}

/** What a Go build depends on besides the sources: the Go version and this recipe. */
export function goBuildFingerprint(): string {
  return `${goVersion()}\n${readFileSync(fileURLToPath(import.meta.url), 'utf8')}`;
}

const checkedVersions = new Map<string, string>();
/** `go version`, checked against minimumGoVersion. */
export function goVersion(): string {
  const known = checkedVersions.get(goCommand());
  if (known) return known;
  const result = spawnSync(goCommand(), ['version'], { cwd: repositoryRoot, env: goEnvironment(), encoding: 'utf8' });
  if (result.error) {
    throw new GoBuildError(`${goCommand()} is missing (${result.error.message}): install Go ${minimumGoVersion.join('.')} or later (scripts/install-toolchain.sh), or set EDDY_GO`);
  }
  const version = /go(\d+)\.(\d+)/.exec(result.stdout);
  if (result.status !== 0 || !version) throw new GoBuildError(`${goCommand()} version failed: ${result.stderr.trim()}`);
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major < minimumGoVersion[0] || (major === minimumGoVersion[0] && minor < minimumGoVersion[1])) {
    throw new GoBuildError(`${result.stdout.trim()}: Go plugins need Go ${minimumGoVersion.join('.')} or later (//go:wasmexport)`);
  }
  checkedVersions.set(goCommand(), result.stdout.trim());
  return result.stdout.trim();
}

function goEnvironment(): NodeJS.ProcessEnv {
  const cache = cacheDirectory();
  return {
    ...process.env,
    GOOS: 'wasip1',
    GOARCH: 'wasm',
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    // The build's own flags only (a vendor/ folder is still used, as Go does by default).
    GOFLAGS: '',
    GOWORK: 'off',
    GOCACHE: join(cache, 'go-build'),
    GOMODCACHE: join(cache, 'go-mod'),
  };
}

export async function buildGo(root: string, options: { onProgress?: (line: string) => void } = {}): Promise<Uint8Array> {
  const project = readGoProject(root);
  goVersion();
  const scratch = mkdtempSync(join(tmpdir(), 'eddy-go-build-'));
  const core = join(scratch, `${project.name}.wasm`);
  try {
    // -checklinkname=0: wit-bindgen-go's runtime (internal/wit/runtime) links
    // to runtime.sbrk for a cabi_realloc called before the Go runtime starts;
    // Go 1.23–1.26 refuse such a reference unless this check is off.
    const args = ['build', '-buildmode=c-shared', '-trimpath', '-ldflags=-s -w -checklinkname=0', '-o', core, '.'];
    const result = await runTool(goCommand(), args, { cwd: root, env: goEnvironment() }, options.onProgress);
    if (result.code !== 0) throw new GoBuildError(`go build failed (exit ${result.code}):\n${tail(result.stderr, 40)}`, { file: root });
    const binary = await withoutDuplicateImports(readFileSync(core));
    const { componentEmbed, componentNew, preview1AdapterReactorPath } = await import('@bytecodealliance/jco');
    try {
      const embedded = await componentEmbed({ binary, witSource: readFileSync(witFile, 'utf8'), world: project.world });
      return await componentNew(embedded, [['wasi_snapshot_preview1', readFileSync(preview1AdapterReactorPath())]]);
    } catch (error) {
      throw new GoBuildError(`turning ${project.name}.wasm into a ${project.world} component failed: ${(error as Error).message}`, { file: root });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Go's standard library imports `wasi_snapshot_preview1::fd_write` twice
 * (runtime and syscall); the wasm-tools inside jco 1.10.2 refuses a module
 * with a duplicate import. Binaryen (jco's own dependency, pinned by the
 * lock file) merges them with its duplicate-import-elimination pass and
 * nothing else.
 */
async function withoutDuplicateImports(binary: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const imports = WebAssembly.Module.imports(await WebAssembly.compile(binary)).map((entry) => `${entry.module}::${entry.name}`);
  if (new Set(imports).size === imports.length) return binary;
  const { default: binaryen } = await import('binaryen');
  const module = binaryen.readBinary(binary);
  try {
    module.setFeatures(binaryen.Features.All);
    module.runPasses(['duplicate-import-elimination']);
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
