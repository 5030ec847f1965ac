// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
// world eddy:plugin/sink-connector@0.3.0
import type * as EddyPluginConnectData from './interfaces/eddy-plugin-connect-data.js'; // eddy:plugin/connect-data@0.3.0
import type * as EddyPluginConnectTypes from './interfaces/eddy-plugin-connect-types.js'; // eddy:plugin/connect-types@0.3.0
import type * as EddyPluginErrantRecordReporter from './interfaces/eddy-plugin-errant-record-reporter.js'; // eddy:plugin/errant-record-reporter@0.3.0
import type * as EddyPluginFileAccess from './interfaces/eddy-plugin-file-access.js'; // eddy:plugin/file-access@0.3.0
import type * as EddyPluginHttpClient from './interfaces/eddy-plugin-http-client.js'; // eddy:plugin/http-client@0.3.0
import type * as EddyPluginLog from './interfaces/eddy-plugin-log.js'; // eddy:plugin/log@0.3.0
import type * as EddyPluginRetriableErrors from './interfaces/eddy-plugin-retriable-errors.js'; // eddy:plugin/retriable-errors@0.3.0
import type * as EddyPluginSqliteAccess from './interfaces/eddy-plugin-sqlite-access.js'; // eddy:plugin/sqlite-access@0.3.0
import type * as EddyPluginTypes from './interfaces/eddy-plugin-types.js'; // eddy:plugin/types@0.3.0
import type * as EddyPluginConnector from './interfaces/eddy-plugin-connector.js'; // eddy:plugin/connector@0.3.0
import type * as EddyPluginSinkTask from './interfaces/eddy-plugin-sink-task.js'; // eddy:plugin/sink-task@0.3.0
export interface ImportObject {
  'eddy:plugin/connect-data@0.3.0': typeof EddyPluginConnectData,
  'eddy:plugin/connect-types@0.3.0': typeof EddyPluginConnectTypes,
  'eddy:plugin/errant-record-reporter@0.3.0': typeof EddyPluginErrantRecordReporter,
  'eddy:plugin/file-access@0.3.0': typeof EddyPluginFileAccess,
  'eddy:plugin/http-client@0.3.0': typeof EddyPluginHttpClient,
  'eddy:plugin/log@0.3.0': typeof EddyPluginLog,
  'eddy:plugin/retriable-errors@0.3.0': typeof EddyPluginRetriableErrors,
  'eddy:plugin/sqlite-access@0.3.0': typeof EddyPluginSqliteAccess,
  'eddy:plugin/types@0.3.0': typeof EddyPluginTypes,
}
export interface SinkConnector {
  'eddy:plugin/connector@0.3.0': typeof EddyPluginConnector,
  connector: typeof EddyPluginConnector,
  'eddy:plugin/sink-task@0.3.0': typeof EddyPluginSinkTask,
  sinkTask: typeof EddyPluginSinkTask,
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
): SinkConnector;

