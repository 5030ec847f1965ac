// Generates the TypeScript types of the WIT contract: host-side types under
// runtime/plugin/host/wit/ and guest-side module declarations under
// sdk/typescript/wit/, for each contract version (0.1.0 from wit/, the next
// ones from wit/<version>/ into a <version>/ subfolder). Run after changing
// wit/; a test fails when they are stale.
//   npx tsx scripts/generate-wit-types.ts [--check]

import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { types } from '@bytecodealliance/jco';

const root = fileURLToPath(new URL('..', import.meta.url));
const targets = [
  { directory: join(root, 'runtime/plugin/host/wit'), guest: false },
  { directory: join(root, 'sdk/typescript/wit'), guest: true },
];
/** The contract versions: where their WIT is, and the subfolder their types go to. */
const versions = [
  { wit: 'wit', subfolder: '' },
  { wit: 'wit/0.2.0', subfolder: '0.2.0' },
  { wit: 'wit/0.3.0', subfolder: '0.3.0' },
];
const header = '// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.\n';

export async function generatedFiles(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const target of targets) {
    for (const version of versions) {
    for (const worldName of ['processor', 'functions', 'source-connector', 'sink-connector', 'transform']) {
      const files = await types(join(root, version.wit), { worldName, instantiation: 'sync', guest: target.guest } as Parameters<typeof types>[1]);
      for (const [name, bytes] of Object.entries(files)) {
        const path = join(target.directory, version.subfolder, name);
        const text = header + Buffer.from(bytes).toString('utf8');
        if (out.has(path) && out.get(path) !== text) throw new Error(`worlds generate different ${path}`);
        out.set(path, text);
      }
    }
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const files = await generatedFiles();
  let stale = 0;
  if (!check) for (const target of targets) rmSync(target.directory, { recursive: true, force: true });
  for (const [path, text] of files) {
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
        console.error(`stale: ${path}`);
        stale++;
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  if (stale > 0) process.exit(1);
  console.log(check ? 'WIT types are up to date' : `wrote ${files.size} files`);
}
