// Benchmark: the TypeScript word count built normally (componentize-js:
// StarlingMonkey's interpreter) against the same source built with
// componentize-js's ahead-of-time mode (`enableAot`: weval specialises the
// interpreter on the plugin's bytecode), and the Rust word count — through the
// test driver, in one run, best of `rounds` runs taken in turn.
//
// Needs the weval binary componentize-js 0.17.0 expects (weval 0.3.4; its npm
// package would download it from GitHub, so it is built from crates.io
// instead, ~25 min on 2 loaded cores):
//   cargo install weval --version 0.3.4 --locked --root "${EDDY_CACHE_DIR:-$HOME/.cache/eddy}/weval-0.3.4"
// or point EDDY_WEVAL at a weval binary. Without one, the script says so and
// exits. The AOT component is built from plugins/wordcount-ts the way
// `eddy build` bundles it (runtime/build/build-plugin.ts: esbuild, the export
// guard module, componentize-js with every WASI feature disabled) into
// bench/out/typescript-aot/, and reused while the bundle is unchanged.
//   npx tsx bench/typescript-aot.ts [rounds, default 3]

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { javascriptEntry } from '../runtime/build/build-plugin.ts';
import { javascriptBuildTarget, javascriptSdkAliases } from '../runtime/build/javascript-worlds.ts';
import { cacheDirectory } from '../runtime/cache-directory.ts';
import { TopologyTestDriver } from '../runtime/testing/test-driver.ts';
import { TopologyBuilder } from '../runtime/topology/topology.ts';
import { formatRate, plugin, printTable, repositoryRoot } from './support.ts';
import { instanceFigures, mebibytes, wordCountRate } from './wordcount.ts';

/** The weval release componentize-js's own downloader pins (node_modules/@bytecodealliance/weval). */
export const wevalVersion = JSON.parse(readFileSync(join(repositoryRoot, 'node_modules/@bytecodealliance/weval/package.json'), 'utf8')).version as string;

export function wevalBinary(): string | undefined {
  const candidates = [process.env.EDDY_WEVAL, join(cacheDirectory(), `weval-${wevalVersion}`, 'bin', 'weval'), join(repositoryRoot, '.eddy-cache/weval/bin/weval')];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

/** The bundle `eddy build` gives componentize-js for a TS/JS plugin folder (mirrors build-plugin.ts's buildJavascript). */
async function bundle(root: string): Promise<{ source: string; name: string; witPath: string; world: string }> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const name = String(manifest.name).replace(/^@[^/]+\//, '');
  const { entry } = javascriptEntry(root);
  const { world, contract } = javascriptBuildTarget(manifest.eddy?.world, manifest.eddy?.contract, join(root, 'package.json'));
  const sdk = join(repositoryRoot, 'sdk/typescript');
  const options = {
    bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', write: false, external: ['eddy:*'], logLevel: 'silent',
    nodePaths: [join(repositoryRoot, 'node_modules')], alias: javascriptSdkAliases(sdk),
  } satisfies BuildOptions;
  const probe = await build({ ...options, entryPoints: [entry], metafile: true });
  const exported = Object.values(probe.metafile?.outputs ?? {}).flatMap((output) => output.exports);
  const lines = [`import * as plugin from ${JSON.stringify(entry)};`, `import { guardExport } from ${JSON.stringify(join(sdk, 'exports.ts'))};`];
  exported.forEach((exportName, index) => {
    lines.push(`const export${index} = guardExport(plugin[${JSON.stringify(exportName)}]);`, `export { export${index} as ${JSON.stringify(exportName)} };`);
  });
  const bundled = await build({ ...options, stdin: { contents: lines.join('\n') + '\n', resolveDir: root, sourcefile: 'eddy-exports.js', loader: 'js' } });
  return { source: bundled.outputFiles![0]!.text, name, witPath: dirname(contract.witFile), world };
}

/** Builds (or reuses) the AOT component of a TS/JS plugin folder; returns its path and the build time (0 if reused). */
export async function aotComponent(folder: string, weval: string): Promise<{ file: string; buildSeconds: number }> {
  const { source, name, witPath, world } = await bundle(join(repositoryRoot, 'plugins', folder));
  const outDirectory = join(repositoryRoot, 'bench/out/typescript-aot');
  const file = join(outDirectory, `${name}-aot.wasm`);
  const stamp = `${file}.stamp`;
  const fingerprint = createHash('sha256').update(`weval ${wevalVersion}\n`).update(source).digest('hex');
  if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) return { file, buildSeconds: 0 };
  const { componentize } = await import('../runtime/build/componentize-js.ts');
  const started = Date.now();
  const { component } = await componentize(source, {
    sourceName: `${name}.js`,
    witPath,
    worldName: world,
    disableFeatures: ['random', 'stdio', 'clocks', 'http'],
    enableAot: true,
    wevalBin: weval,
  });
  mkdirSync(outDirectory, { recursive: true });
  writeFileSync(file, component);
  writeFileSync(stamp, fingerprint);
  return { file, buildSeconds: (Date.now() - started) / 1000 };
}

type Rate = { linesPerSecond: number; words: number };

/**
 * Lines with letters beyond the Basic Multilingual Plane (Linear B, Deseret):
 * in the AOT build of componentize-js 0.17.0 + weval 0.3.4 the string
 * iterator yields, for a code point whose low 16 bits are below 0x100
 * (U+10000–U+100FF, U+20000–U+200FF, …), the one-unit string of those low
 * bits (U+10000 → "\0"), so words are split wrongly; every run checks these
 * lines against the Rust plugin.
 */
export const astralLines = ['\u{10000}\u{10001} abc', 'x \u{10400}\u{10401} y'];

async function wordsOf(file: string, lines: string[]): Promise<string[][]> {
  const topology = new TopologyBuilder().addSource('in', 'in').addProcessor('count', file, { stores: ['counts'] }, 'in').addSink('out', 'out', 'count').build();
  const driver = await TopologyTestDriver.create(topology);
  const words = lines.map((value) => {
    driver.pipeInput('in', { value, timestamp: 0 });
    return driver.readOutput('out').map((record) => String(record.key));
  });
  driver.close();
  return words;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.argv[2] ?? 3);
  const weval = wevalBinary();
  if (!weval) {
    console.log(`No weval binary: set EDDY_WEVAL, or build weval ${wevalVersion} from crates.io:\n  cargo install weval --version ${wevalVersion} --locked --root "${join(cacheDirectory(), `weval-${wevalVersion}`)}"`);
    process.exit(0);
  }
  const aot = await aotComponent('wordcount-ts', weval);
  if (aot.buildSeconds > 0) console.log(`built ${aot.file} in ${aot.buildSeconds.toFixed(0)} s (weval ${weval})`);
  const variants: Array<[name: string, file: string, lines: number]> = [
    ['wordcount-rust', plugin('wordcount-rust'), 50_000],
    ['wordcount-ts (eddy build: interpreter)', plugin('wordcount-ts'), 5_000],
    ['wordcount-ts, componentize-js AOT (weval)', aot.file, 5_000],
  ];
  const best = new Map<string, Rate>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, file, lines] of variants) {
      const rate = await wordCountRate(file, lines);
      if ((best.get(name)?.linesPerSecond ?? 0) < rate.linesPerSecond) best.set(name, rate);
    }
  }
  const rust = best.get(variants[0]![0])!.linesPerSecond;
  const expected = JSON.stringify(await wordsOf(variants[0]![1], astralLines));
  const rows: string[][] = [];
  for (const [name, file, lines] of variants) {
    const rate = best.get(name)!;
    const figures = await instanceFigures(file);
    const astral = await wordsOf(file, astralLines);
    rows.push([
      name, formatRate(lines), formatRate(rate.linesPerSecond), `${(rate.linesPerSecond / rust).toFixed(3)}×`, formatRate(rate.words),
      mebibytes(figures.componentBytes), `${figures.instantiateMs.toFixed(1)} ms`, mebibytes(figures.linearMemoryBytes),
      JSON.stringify(astral) === expected ? 'same as Rust' : `WRONG: ${JSON.stringify(astral)}`,
    ]);
  }
  printTable(
    'Word count through the test driver: TypeScript interpreted vs AOT (weval) vs Rust',
    ['implementation', 'lines', 'lines/s', 'vs Rust', 'words out', 'component', 'instantiate + init', 'linear memory', `words of ${JSON.stringify(astralLines)}`],
    rows,
  );
  console.log(`\nRust's words of those lines: ${expected}`);
}
