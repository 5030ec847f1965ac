// Every plugin folder under plugins/ (one with a Cargo.toml, package.json,
// pyproject.toml, eddy-c.toml or go.mod), found the same way by `npm test` and `npm run build:plugins`.
// Run directly, it builds them all (skipping those that are up to date).
// Plain JS so it runs before anything is compiled.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Files under `directory` that `accept` takes, sorted; node_modules, dist and target are skipped. */
export function findFiles(directory, accept, skip = new Set(['node_modules', 'dist', 'target'])) {
  const out = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) out.push(...findFiles(path, accept, skip));
    else if (accept(path)) out.push(path);
  }
  return out.sort();
}

export function pluginFolders() {
  return findFiles('plugins', (path) => /\/(Cargo\.toml|package\.json|pyproject\.toml|eddy-c\.toml|go\.mod)$/.test(path))
    .map((manifest) => manifest.replace(/\/(Cargo\.toml|package\.json|pyproject\.toml|eddy-c\.toml|go\.mod)$/, ''))
    .filter((folder) => folder !== 'plugins');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = spawnSync(process.execPath, ['runtime/bin/eddy.js', 'build', ...pluginFolders()], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
