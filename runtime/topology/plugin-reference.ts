// Plugin references in topology documents: a .wasm file, or a plugin folder
// whose one build `eddy build` wrote to dist/.
//
// Owns: resolving a reference relative to its document, with errors that say
// how to fix it. Must never: load the plugin.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { DocumentOrigin } from './document-fields.ts';

/** Resolves a plugin reference: a .wasm file, or a plugin folder with one build in dist/. */
export function resolvePlugin(reference: string, origin: Pick<DocumentOrigin, 'file' | 'baseDirectory'>, field?: string): string {
  const path = isAbsolute(reference) ? reference : join(origin.baseDirectory, reference);
  if (!existsSync(path)) throw new ConfigError(`plugin '${reference}' does not exist (looked at ${path})`, { file: origin.file, field });
  if (statSync(path).isDirectory()) return builtComponentOf(path, { file: origin.file, field });
  return path;
}

/** The component `eddy build` wrote for a plugin folder. */
export function builtComponentOf(directory: string, context: { file?: string; field?: string } = {}): string {
  const dist = join(directory, 'dist');
  const built = existsSync(dist) ? readdirSync(dist).filter((name) => name.endsWith('.wasm')) : [];
  if (built.length !== 1) {
    throw new ConfigError(
      built.length === 0
        ? `plugin folder ${directory} has no build: run \`npx eddy build ${directory}\``
        : `plugin folder ${directory} has several builds in dist/: name the .wasm file`,
      context,
    );
  }
  return join(dist, built[0]!);
}
