// Writing a worker's or a connector's properties file for a test, one
// `key=value` line per entry, in order. No node:test here: helpers only.

import { writeFileSync } from 'node:fs';

export function writeProperties(path: string, entries: Record<string, string>): void {
  writeFileSync(path, Object.entries(entries).map(([key, value]) => `${key}=${value}`).join('\n') + '\n');
}
