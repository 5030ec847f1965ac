// The worlds a plugin may target, derived from `wit/` at run time.
//
// Owns: reading the component-level imports and exports of a component (via
// the pinned wasm-tools inside jco), and checking a plugin against the
// reference shape of a world built from the WIT source itself, so the checks
// can never drift from the contract. Beside its world, a component may import
// the WASI interfaces the host serves (declared in wasi/interfaces.ts, where
// the deny-by-default implementations live), and nothing else.
// Must never: keep a hand-written list of Eddy's interface or function names.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew, componentWit } from '@bytecodealliance/jco';
import { providedWasiInterface } from './wasi/interfaces.ts';

export const witFile = fileURLToPath(new URL('../../wit/eddy-plugin.wit', import.meta.url));

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

const referenceShapes = new Map<WorldName, Promise<ComponentShape>>();

/** The shape of a world as the WIT source in `wit/` defines it. */
export function referenceShape(world: WorldName): Promise<ComponentShape> {
  let shape = referenceShapes.get(world);
  if (!shape) {
    shape = (async () => {
      const embedded = await componentEmbed({ witSource: readFileSync(witFile, 'utf8'), world, dummy: true });
      return readComponentShape(await componentNew(embedded, undefined));
    })();
    referenceShapes.set(world, shape);
  }
  return shape;
}

/** How a component fits a world. */
export interface WorldFit {
  world: WorldName;
  /** Imports neither the world nor the host's WASI offers. Empty when the component fits. */
  forbiddenImports: string[];
  /** World exports the component lacks or declares differently. */
  missingExports: string[];
}

/** Compares a component's shape with a world's reference shape. */
export async function fitWorld(shape: ComponentShape, world: WorldName): Promise<WorldFit> {
  const reference = await referenceShape(world);
  const allowed = new Set(reference.imports);
  const provided = new Set(shape.exports);
  return {
    world,
    forbiddenImports: shape.imports.filter((name) => !allowed.has(name) && providedWasiInterface(name) === undefined),
    missingExports: reference.exports.filter((declaration) => !provided.has(declaration)),
  };
}

/**
 * Picks the known world whose exports the component implements; otherwise
 * the closest one (most of the component's exports in common, then fewest
 * missing), so the error names what the author most likely meant.
 */
export async function detectWorld(shape: ComponentShape): Promise<WorldFit | undefined> {
  let best: { fit: WorldFit; shared: number } | undefined;
  for (const world of knownWorlds) {
    const fit = await fitWorld(shape, world);
    if (fit.missingExports.length === 0) return fit;
    const reference = new Set((await referenceShape(world)).exports);
    const shared = shape.exports.filter((declaration) => reference.has(declaration)).length;
    if (!best || shared > best.shared || (shared === best.shared && fit.missingExports.length < best.fit.missingExports.length)) best = { fit, shared };
  }
  return best?.fit;
}
