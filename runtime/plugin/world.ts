// The worlds a plugin may target, derived from `wit/` at run time.
//
// Owns: reading the component-level imports and exports of a component (via
// the pinned wasm-tools inside jco), and checking a plugin against the
// reference shape of a world built from the WIT source itself, so the checks
// can never drift from the contract — for every contract version the host
// serves (contract/versions.ts): a component fits one world of one version,
// and every `eddy:plugin` name it uses carries that version. Beside its world, a component may import
// the WASI interfaces the host serves (declared in wasi/interfaces.ts, where
// the deny-by-default implementations live), and nothing else.
// Must never: keep a hand-written list of Eddy's interface or function names.

import { readFileSync } from 'node:fs';
import { componentEmbed, componentNew, componentWit } from '@bytecodealliance/jco';
import { providedWasiInterface } from './wasi/interfaces.ts';
import { contractVersion, contractVersions, defaultContractVersion } from './contract/versions.ts';

/** The WIT file of the default contract version (0.1.0). */
export const witFile = defaultContractVersion.witFile;

/** The worlds of `wit/` that the host runs. */
export const knownWorlds = ['processor', 'functions', 'source-connector', 'sink-connector', 'transform'] as const;
export type WorldName = (typeof knownWorlds)[number];

/** The component-level shape of a component: what it imports and exports. */
export interface ComponentShape {
  /** Imported interfaces (`eddy:plugin/context@0.1.0`) and functions (`name`). */
  imports: string[];
  /** Export declarations as WIT text, one per item, whitespace-normalised. */
  exports: string[];
}

/** Reads the shape of a component binary. Throws if it is not a component. */
export async function readComponentShape(component: Uint8Array): Promise<ComponentShape> {
  return parseWorldText(await componentWit(component));
}

/** Parses the `world root { … }` text that `componentWit` prints. */
export function parseWorldText(text: string): ComponentShape {
  const imports: string[] = [];
  const exports: string[] = [];
  const lines = text.split('\n');
  let depth = 0;
  let inWorld = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (!inWorld) {
      if (/^world\s+\S+\s*\{$/.test(line)) inWorld = true;
      continue;
    }
    if (depth > 0) {
      depth += count(line, '{') - count(line, '}');
      continue;
    }
    const item = /^(import|export)\s+(.*)$/.exec(line);
    if (!item) continue;
    const [, direction, rest] = item as unknown as [string, 'import' | 'export', string];
    const nested = count(rest, '{') - count(rest, '}');
    if (nested > 0) depth = nested;
    const named = /^([%\w-]+)\s*:\s*(?:func|interface|async)\b/.exec(rest);
    const name = named ? named[1]! : rest.replace(/;$/, '').trim();
    if (direction === 'import') imports.push(name);
    else exports.push(normalise(rest));
  }
  return { imports, exports };
}

function count(text: string, character: string): number {
  let n = 0;
  for (const c of text) if (c === character) n++;
  return n;
}

function normalise(declaration: string): string {
  return declaration.replace(/\s+/g, ' ').replace(/;$/, '').trim();
}

const referenceShapes = new Map<string, Promise<ComponentShape>>();

/** The shape of a world of a contract version (default: 0.1.0) as its WIT source in `wit/` defines it. */
export function referenceShape(world: WorldName, version: string = defaultContractVersion.version): Promise<ComponentShape> {
  const key = `${version}/${world}`;
  let shape = referenceShapes.get(key);
  if (!shape) {
    shape = (async () => {
      const embedded = await componentEmbed({ witSource: readFileSync(contractVersion(version).witFile, 'utf8'), world, dummy: true });
      return readComponentShape(await componentNew(embedded, undefined));
    })();
    referenceShapes.set(key, shape);
  }
  return shape;
}

/** How a component fits a world. */
export interface WorldFit {
  world: WorldName;
  /** The contract version of the world (`0.1.0`). */
  version: string;
  /** Imports neither the world nor the host's WASI offers. Empty when the component fits. */
  forbiddenImports: string[];
  /** World exports the component lacks or declares differently. */
  missingExports: string[];
}

/** Compares a component's shape with the reference shape of a world of a contract version (default: 0.1.0). */
export async function fitWorld(shape: ComponentShape, world: WorldName, version: string = defaultContractVersion.version): Promise<WorldFit> {
  const reference = await referenceShape(world, version);
  const allowed = new Set(reference.imports);
  const provided = new Set(shape.exports);
  return {
    world,
    version,
    forbiddenImports: shape.imports.filter((name) => !allowed.has(name) && providedWasiInterface(name) === undefined),
    missingExports: reference.exports.filter((declaration) => !provided.has(declaration)),
  };
}

/**
 * Picks the world and contract version the component fits: its exports
 * implement the world and it imports nothing else (oldest version first,
 * so a component that fits two identical worlds runs as the older one).
 * Otherwise the closest: among worlds whose exports it implements, the one
 * with the fewest forbidden imports (so a 0.1.0 plugin importing an HTTP
 * client is told about that import, not about 0.2.0's names); failing that,
 * the world with most of the component's exports in common, then fewest
 * missing — so the error names what the author most likely meant.
 */
export async function detectWorld(shape: ComponentShape): Promise<WorldFit | undefined> {
  let bestImplemented: WorldFit | undefined;
  let closest: { fit: WorldFit; shared: number } | undefined;
  for (const { version } of contractVersions) {
    for (const world of knownWorlds) {
      const fit = await fitWorld(shape, world, version);
      if (fit.missingExports.length === 0) {
        if (fit.forbiddenImports.length === 0) return fit;
        if (!bestImplemented || fit.forbiddenImports.length < bestImplemented.forbiddenImports.length) bestImplemented = fit;
        continue;
      }
      const reference = new Set((await referenceShape(world, version)).exports);
      const shared = shape.exports.filter((declaration) => reference.has(declaration)).length;
      if (!closest || shared > closest.shared || (shared === closest.shared && fit.missingExports.length < closest.fit.missingExports.length)) closest = { fit, shared };
    }
  }
  return bestImplemented ?? closest?.fit;
}
