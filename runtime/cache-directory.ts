// Where Eddy keeps what it fetches or builds once per machine: transpiled
// components, Kafka's jars, the pinned Node runtime and the SQLite addon
// built for it. `$EDDY_CACHE_DIR`, else `$XDG_CACHE_HOME/eddy`, else
// `~/.cache/eddy`.
// Must never: depend on anything but the environment.

import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheDirectory(): string {
  return process.env.EDDY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eddy');
}
