// Regenerates sdk/go/internal/<world>/{imports,exports/wit_exports} from wit/
// with the pinned `wit-bindgen go` (sdk/go/requirements-build.txt), and copies
// the small runtime library the generated code uses (wit-bindgen-go's
// `go.bytecodealliance.org/pkg/wit/{runtime,types}`, shipped inside the
// wit-bindgen-go crate) into sdk/go/internal/wit/.
//   npx tsx sdk/go/generate-bindings.ts            (regenerate)
//   npx tsx sdk/go/generate-bindings.ts --check    (regenerate into a copy, compare file by file)
// Owns: the generated Go bindings, internal/GENERATED (the generator's
// version and a hash of wit/, so a test sees stale bindings without the tool),
// and four mechanical, checked rewrites:
// (1) WIT names the generator's parser reserves (`map`) escaped as `%map`
// (the same name), (2) imports of go.bytecodealliance.org/pkg/wit/* pointed
// at the copy in internal/wit (so a plugin needs no third-party module and
// builds offline), (3) the runtime's call to
// `adapter_monotonic_clock_set_paused` — an export of newer wasmtime preview1
// adapters that jco 1.10.2's adapter lacks — made a no-op (Eddy's host does
// not forbid the clock call the GC may make inside cabi_realloc), (4) the
// runtime's allocator rounding a size up to its alignment instead of
// panicking (the generator sizes the functions world's return area 28 bytes
// with alignment 8).
// Must never: edit generated code by hand, or leave a rewrite that no longer
// finds what it rewrites unreported.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = join(sdk, '..', '..');
const cache = process.env.EDDY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eddy');

export const witBindgenVersion = /^wit-bindgen-cli==(\S+)$/m.exec(readFileSync(join(sdk, 'requirements-build.txt'), 'utf8'))![1]!;
export const witBindgen = process.env.EDDY_WIT_BINDGEN ?? join(cache, `wit-bindgen-cli-${witBindgenVersion}`, 'bin', 'wit-bindgen');

/** The Go import path of the SDK module (sdk/go/go.mod). */
const sdkModule = /^module\s+(\S+)/m.exec(readFileSync(join(sdk, 'go.mod'), 'utf8'))![1]!;

/** The SDK folder the bindings are written into (a copy, to check that the committed ones are fresh). */
export const goSdkDirectory = sdk;

/** The worlds with Go bindings, and the package each is generated into. */
export const goBindingWorlds = { processor: 'processor', functions: 'functions' } as const;

/** wit/ with `map` (a keyword of newer WIT parsers) written `%map` outside comments. */
export function escapedWit(wit: string): string {
  const keyword = /(?<![\w%-])(map)(?![\w-])(?!\s*<)/g;
  return wit
    .split('\n')
    .map((line) => {
      const comment = line.indexOf('//');
      const code = comment < 0 ? line : line.slice(0, comment);
      return code.replace(keyword, '%$1') + (comment < 0 ? '' : line.slice(comment));
    })
    .join('\n');
}

function replaceChecked(text: string, from: string | RegExp, to: string, what: string): string {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`generate-bindings: the rewrite "${what}" no longer finds what it rewrites`);
  return next;
}

function goFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.go'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function pointImportsAtCopy(directory: string): void {
  for (const file of goFiles(directory)) {
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replaceAll('"go.bytecodealliance.org/pkg/wit/', `"${sdkModule}/internal/wit/`));
  }
}

/** wit-bindgen-go's runtime library, from the crate's sources that `cargo install` left in Cargo's registry. */
function crateRuntimeDirectory(): string {
  const registry = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'registry', 'src');
  for (const index of existsSync(registry) ? readdirSync(registry) : []) {
    const candidate = join(registry, index, `wit-bindgen-go-${witBindgenVersion}`, 'src', 'pkg');
    if (existsSync(join(candidate, 'wit', 'runtime', 'runtime.go'))) return candidate;
  }
  throw new Error(`wit-bindgen-go-${witBindgenVersion}'s sources are not in ${registry}: run scripts/install-toolchain.sh`);
}

const witFile = join(repositoryRoot, 'wit', 'eddy-plugin.wit');

/** What internal/GENERATED records: the generator's version and a hash of the WIT the bindings come from. */
export function generatedMarker(): string {
  return `wit-bindgen-cli ${witBindgenVersion}\nwit/eddy-plugin.wit sha256 ${createHash('sha256').update(readFileSync(witFile)).digest('hex')}\n`;
}

export function generateGoBindings(sdk: string = goSdkDirectory): void {
  if (!existsSync(witBindgen)) throw new Error(`${witBindgen} is missing: run scripts/install-toolchain.sh (wit-bindgen-cli ${witBindgenVersion})`);
  const version = execFileSync(witBindgen, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.includes(witBindgenVersion)) throw new Error(`${witBindgen} is ${version}, not ${witBindgenVersion}`);
  const scratch = mkdtempSync(join(tmpdir(), 'eddy-go-bindings-'));
  try {
    writeFileSync(join(scratch, 'eddy-plugin.wit'), escapedWit(readFileSync(witFile, 'utf8')));
    for (const [world, folder] of Object.entries(goBindingWorlds)) {
      const target = join(sdk, 'internal', folder);
      rmSync(join(target, 'imports'), { recursive: true, force: true });
      rmSync(join(target, 'exports', 'wit_exports'), { recursive: true, force: true });
      const out = join(scratch, folder);
      execFileSync(witBindgen, ['go', '--world', world, '--pkg-name', `${sdkModule}/internal/${folder}`, '--out-dir', out, scratch], { stdio: ['ignore', 'ignore', 'pipe'] });
      pointImportsAtCopy(out);
      mkdirSync(join(target, 'exports'), { recursive: true });
      cpSync(join(out, 'imports'), join(target, 'imports'), { recursive: true });
      cpSync(join(out, 'exports', 'wit_exports'), join(target, 'exports', 'wit_exports'), { recursive: true });
    }
    const runtimeSource = crateRuntimeDirectory();
    const copy = join(sdk, 'internal', 'wit');
    rmSync(copy, { recursive: true, force: true });
    for (const part of ['runtime', 'types']) cpSync(join(runtimeSource, 'wit', part), join(copy, part), { recursive: true });
    // Futures and streams (component-model async) need a patched Go; no world of wit/ uses them.
    for (const asyncOnly of ['future.go', 'stream.go']) rmSync(join(copy, 'types', asyncOnly));
    for (const file of goFiles(join(sdk, 'internal'))) {
      if (/\bwitTypes\.(Future|Stream)/.test(readFileSync(file, 'utf8'))) throw new Error(`${file} uses futures or streams, which the SDK does not copy`);
    }
    cpSync(join(runtimeSource, 'LICENSE'), join(copy, 'LICENSE'));
    const runtimeFile = join(copy, 'runtime', 'runtime.go');
    writeFileSync(
      runtimeFile,
      replaceChecked(
        readFileSync(runtimeFile, 'utf8'),
        /\/\/nolint:unused\n\/\/go:wasmimport wasi_snapshot_preview1 adapter_monotonic_clock_set_paused\nfunc adapterMonotonicClockSetPaused\(paused bool\)\n/,
        '// Eddy: jco 1.10.2\'s preview1 adapter has no adapter_monotonic_clock_set_paused\n// (rewritten by sdk/go/generate-bindings.ts).\n//\n//nolint:unused\nfunc adapterMonotonicClockSetPaused(paused bool) {}\n',
        'adapter_monotonic_clock_set_paused → no-op',
      ),
    );
    writeFileSync(
      runtimeFile,
      replaceChecked(
        readFileSync(runtimeFile, 'utf8'),
        /\tif size%align != 0 \{\n\t\tpanic\(fmt\.Sprintf\("size %v is not compatible with alignment %v", size, align\)\)\n\t\}\n/,
        '\t// Eddy: wit-bindgen 0.63 sizes the functions world\'s export return area\n\t// (7 * 4) with alignment 8; round up (rewritten by sdk/go/generate-bindings.ts).\n\tsize = (size + align - 1) &^ (align - 1)\n',
        'allocation size rounded up to its alignment',
      ),
    );
    for (const file of goFiles(copy)) {
      writeFileSync(file, `// Copied from the wit-bindgen-go ${witBindgenVersion} crate (src/pkg, go.bytecodealliance.org/pkg) by\n// sdk/go/generate-bindings.ts; Apache-2.0 (LICENSE). DO NOT EDIT.\n\n${readFileSync(file, 'utf8')}`);
    }
    pointImportsAtCopy(copy);
    writeFileSync(join(sdk, 'internal', 'GENERATED'), generatedMarker());
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Regenerates into a copy of the SDK and lists every file of internal/ that differs from the committed one. */
export function staleGoBindings(): string[] {
  const copy = join(mkdtempSync(join(tmpdir(), 'eddy-go-bindings-check-')), 'sdk-go');
  try {
    cpSync(goSdkDirectory, copy, { recursive: true });
    generateGoBindings(copy);
    const files = (root: string) => readdirSync(join(root, 'internal'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name))).sort();
    const names = new Set([...files(copy), ...files(goSdkDirectory)]);
    return [...names].filter((file) => !existsSync(join(copy, file)) || !existsSync(join(goSdkDirectory, file)) || readFileSync(join(copy, file), 'utf8') !== readFileSync(join(goSdkDirectory, file), 'utf8'));
  } finally {
    rmSync(dirname(copy), { recursive: true, force: true });
  }
}

// `--check`: regenerate into a copy and compare file by file (exit 1 listing what differs); otherwise regenerate in place.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleGoBindings();
    if (stale.length > 0) {
      console.error(`sdk/go/internal differs from what wit-bindgen ${witBindgenVersion} generates: ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log(`sdk/go/internal is exactly what wit-bindgen ${witBindgenVersion} generates`);
  } else {
    generateGoBindings();
    console.log(`generated sdk/go/internal/{${Object.values(goBindingWorlds).join(',')}} with wit-bindgen ${witBindgenVersion}`);
  }
}
