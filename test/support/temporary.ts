// Temporary folders for tests, removed when the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
process.on('exit', () => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});

export function temporaryDirectory(prefix = 'eddy-test-'): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  created.push(directory);
  return directory;
}
