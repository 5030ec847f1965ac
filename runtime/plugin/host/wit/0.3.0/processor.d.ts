// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
// world eddy:plugin/processor@0.3.0
export type Record = import('./interfaces/eddy-plugin-types.js').Record;
export type Config = import('./interfaces/eddy-plugin-types.js').Config;
import type * as EddyPluginContext from './interfaces/eddy-plugin-context.js'; // eddy:plugin/context@0.3.0
import type * as EddyPluginKvStore from './interfaces/eddy-plugin-kv-store.js'; // eddy:plugin/kv-store@0.3.0
import type * as EddyPluginLog from './interfaces/eddy-plugin-log.js'; // eddy:plugin/log@0.3.0
import type * as EddyPluginSessionStore from './interfaces/eddy-plugin-session-store.js'; // eddy:plugin/session-store@0.3.0
import type * as EddyPluginTypes from './interfaces/eddy-plugin-types.js'; // eddy:plugin/types@0.3.0
import type * as EddyPluginWindowStore from './interfaces/eddy-plugin-window-store.js'; // eddy:plugin/window-store@0.3.0
export interface ImportObject {
  'eddy:plugin/context@0.3.0': typeof EddyPluginContext,
  'eddy:plugin/kv-store@0.3.0': typeof EddyPluginKvStore,
  'eddy:plugin/log@0.3.0': typeof EddyPluginLog,
  'eddy:plugin/session-store@0.3.0': typeof EddyPluginSessionStore,
  'eddy:plugin/types@0.3.0': typeof EddyPluginTypes,
  'eddy:plugin/window-store@0.3.0': typeof EddyPluginWindowStore,
}
export interface Processor {
  /**
  * Prepares the instance. `config` holds the node's configuration. An
  * error rejects the configuration: the host reports the message and the
  * node is not started.
  */
  init(config: Config): void,
  /**
  * Processes one record. Outputs are sent with `context.forward` /
  * `context.forward-to` while this call runs. An error means the record
  * could not be processed (e.g. it is malformed): the host reports the
  * message with the node and the record's offset, and fails the task or
  * sends the record to the dead-letter queue, as configured.
  */
  process(r: Record): void,
  /**
  * Called when the punctuator `id` is due, with the stream time or wall
  * clock time (per its type) that made it due.
  */
  punctuate(id: number, timestamp: bigint): void,
  /**
  * Called once when the task closes. Stores are still open.
  */
  close(): void,
}

/**
* Instantiates this component with the provided imports and
* returns a map of all the exports of the component.
*
* This function is intended to be similar to the
* `WebAssembly.Instantiate` constructor. The second `imports`
* argument is the "import object" for wasm, except here it
* uses component-model-layer types instead of core wasm
* integers/numbers/etc.
*
* The first argument to this function, `getCoreModule`, is
* used to compile core wasm modules within the component.
* Components are composed of core wasm modules and this callback
* will be invoked per core wasm module. The caller of this
* function is responsible for reading the core wasm module
* identified by `path` and returning its compiled
* `WebAssembly.Module` object. This would use the
* `WebAssembly.Module` constructor on the web, for example.
*/
export function instantiate(
getCoreModule: (path: string) => WebAssembly.Module,
imports: ImportObject,
instantiateCore?: (module: WebAssembly.Module, imports: Record<string, any>) => WebAssembly.Instance
): Processor;

