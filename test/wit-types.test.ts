// The TypeScript types of the WIT contract (host and guest) are generated
// from wit/ and must match it: regenerate with scripts/generate-wit-types.ts.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generatedFiles } from '../scripts/generate-wit-types.ts';

test('generated WIT types are up to date with wit/', async () => {
  const files = await generatedFiles();
  assert.ok(files.size >= 10);
  for (const [path, text] of files) {
    assert.ok(existsSync(path), `${path} is missing: run npx tsx scripts/generate-wit-types.ts`);
    assert.equal(readFileSync(path, 'utf8'), text, `${path} is stale: run npx tsx scripts/generate-wit-types.ts`);
  }
});
