// Paths of the built plugins the tests use (npm test builds them first).
import { fileURLToPath } from 'node:url';
import { builtComponentOf } from '../../runtime/topology/pipeline-file.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function pluginPath(folder: string): string {
  return builtComponentOf(`${root}plugins/${folder}`);
}

export const plugins = {
  wordcountRust: () => pluginPath('wordcount-rust'),
  wordcountTs: () => pluginPath('wordcount-ts'),
  uppercaseTs: () => pluginPath('uppercase-ts'),
  wordcountJs: () => pluginPath('wordcount-js'),
  uppercaseJs: () => pluginPath('uppercase-js'),
  recordRate: () => pluginPath('record-rate-rust'),
  infiniteLoop: () => pluginPath('misbehaving/infinite-loop'),
  memoryBomb: () => pluginPath('misbehaving/memory-bomb'),
  trap: () => pluginPath('misbehaving/trap'),
  forbiddenImport: () => pluginPath('misbehaving/forbidden-import'),
  /** Rust std for wasm32-wasip1: imports WASI through the preview1 adapter. */
  wasiStd: () => pluginPath('misbehaving/wasi-std'),
  passthrough: () => pluginPath('passthrough-rust'),
};

export const repositoryRoot = root;

/** A plugin's source folder (its build is found from there). */
export const pluginDirectory = (name: string) => `${root}plugins/${name}`;
