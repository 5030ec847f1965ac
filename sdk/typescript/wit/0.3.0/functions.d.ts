// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/// <reference path="./interfaces/eddy-plugin-dsl-functions.d.ts" />
/// <reference path="./interfaces/eddy-plugin-log.d.ts" />
/// <reference path="./interfaces/eddy-plugin-types.d.ts" />
declare module 'eddy:plugin/functions@0.3.0' {
  import type * as EddyPluginLog from 'eddy:plugin/log@0.3.0'; // eddy:plugin/log@0.3.0
  import type * as EddyPluginTypes from 'eddy:plugin/types@0.3.0'; // eddy:plugin/types@0.3.0
  import type * as EddyPluginDslFunctions from 'eddy:plugin/dsl-functions@0.3.0'; // eddy:plugin/dsl-functions@0.3.0
  export interface ImportObject {
    'eddy:plugin/log@0.3.0': typeof EddyPluginLog,
    'eddy:plugin/types@0.3.0': typeof EddyPluginTypes,
  }
  export interface Functions {
    'eddy:plugin/dsl-functions@0.3.0': typeof EddyPluginDslFunctions,
    dslFunctions: typeof EddyPluginDslFunctions,
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
  ): Functions;
  
}
