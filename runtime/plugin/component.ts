// A plugin component: loaded, validated, transpiled and compiled.
//
// Owns: turning a component file or bytes into something that can be
// instantiated many times — reading its shape, checking it against a known
// world (naming any forbidden import), transpiling it through the cache, and
// compiling its core modules with the memory cap patched in.
// Must never: instantiate with anything but the imports the caller hands over
// (its world's, and the host's deny-by-default WASI — never ambient
// authority), or let a broken file surface as anything but a
// ComponentLoadError naming the plugin.

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { ComponentLoadError, ForbiddenImportError, MemoryLimitExceededError, messageOf } from '../errors.ts';
import { bytesToPages, capMemory, formatMiB, MemoryCapError } from './memory-cap.ts';
import { defaultProcessorLimits, type ProcessorLimits } from '../processor/processor.ts';
import { readCoreModule, sha256, transpiled, type TranspiledComponent } from './transpile-cache.ts';
import { detectWorld, readComponentShape, type ComponentShape, type WorldName } from './world.ts';

/** Per-instance resource limits (a plugin is one kind of processor). */
export type PluginLimits = ProcessorLimits;
export const defaultLimits: PluginLimits = defaultProcessorLimits;

/** The glue jco generates: instantiate with core modules and host imports. */
type InstantiateGlue = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => Record<string, unknown>;

/** A component checked against a world and ready to compile. */
export class PluginComponent {
  private readonly compiled = new Map<number, Promise<CompiledPlugin>>();

  private constructor(
    /** A name for messages: the file name, or the name given with the bytes. */
    readonly name: string,
    readonly hash: string,
    readonly world: WorldName,
    /** The contract version the component was built against (`0.1.0`): its imports are that version's. */
    readonly contractVersion: string,
    readonly shape: ComponentShape,
    private readonly transpiledEntry: TranspiledComponent,
    private readonly glue: InstantiateGlue,
  ) {}

  /** Loads a component from a file. */
  static async fromFile(path: string): Promise<PluginComponent> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new ComponentLoadError(`cannot read the component file: ${messageOf(error)}`, { plugin: path }, { cause: error });
    }
    return PluginComponent.fromBytes(bytes, path);
  }

  /** Loads a component from bytes; `name` is used in messages. */
  static async fromBytes(bytes: Uint8Array, name: string): Promise<PluginComponent> {
    const hash = sha256(bytes);
    const key = `${hash}\0${name}`;
    let component = loaded.get(key);
    if (!component) {
      component = PluginComponent.load(bytes, name, hash);
      loaded.set(key, component);
      component.catch(() => loaded.delete(key));
    }
    return component;
  }

  private static async load(bytes: Uint8Array, name: string, hash: string): Promise<PluginComponent> {
    const context = { plugin: name };
    if (bytes.length >= 8 && bytes[4] === 0x01 && bytes[5] === 0x00 && bytes[0] === 0x00 && bytes[1] === 0x61) {
      throw new ComponentLoadError(
        'this is a core WebAssembly module, not a component: build it with `eddy build` (or wrap it with wasm-tools component new)',
        context,
      );
    }
    let shape: ComponentShape;
    try {
      shape = await readComponentShape(bytes);
    } catch (error) {
      throw new ComponentLoadError(`not a valid WebAssembly component: ${firstLine(messageOf(error))}`, context, { cause: error });
    }
    const fit = await detectWorld(shape);
    if (!fit || fit.missingExports.length > 0) {
      const missing = fit ? ` (closest: world '${fit.world}' of eddy:plugin@${fit.version}, missing or different exports: ${fit.missingExports.join('; ')})` : '';
      throw new ComponentLoadError(`the component does not implement any known world of eddy:plugin${missing}`, context);
    }
    if (fit.forbiddenImports.length > 0) throw new ForbiddenImportError(fit.forbiddenImports, context);
    let entry: TranspiledComponent;
    let glue: InstantiateGlue;
    try {
      entry = await transpiled(bytes, hash);
      const module = (await import(pathToFileURL(entry.glueFile).href)) as { instantiate: InstantiateGlue };
      glue = module.instantiate;
    } catch (error) {
      throw new ComponentLoadError(`cannot transpile the component: ${firstLine(messageOf(error))}`, context, { cause: error });
    }
    return new PluginComponent(name, hash, fit.world, fit.version, shape, entry, glue);
  }

  /** Compiles the core modules with the memory cap (cached per cap). */
  compile(limits: PluginLimits): Promise<CompiledPlugin> {
    const maxPages = bytesToPages(limits.memoryBytes);
    let compiled = this.compiled.get(maxPages);
    if (!compiled) {
      compiled = this.compileModules(maxPages);
      this.compiled.set(maxPages, compiled);
      compiled.catch(() => this.compiled.delete(maxPages));
    }
    return compiled;
  }

  private async compileModules(maxPages: number): Promise<CompiledPlugin> {
    const modules = new Map<string, WebAssembly.Module>();
    for (const file of this.transpiledEntry.coreModules) {
      let bytes = readCoreModule(this.transpiledEntry, file);
      try {
        bytes = capMemory(bytes, maxPages).bytes;
      } catch (error) {
        if (error instanceof MemoryCapError) {
          throw new MemoryLimitExceededError(error.message, { plugin: this.name });
        }
        throw error;
      }
      try {
        modules.set(file, await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>));
      } catch (error) {
        throw new ComponentLoadError(`cannot compile core module ${file}: ${messageOf(error)}`, { plugin: this.name }, { cause: error });
      }
    }
    return new CompiledPlugin(this, modules, maxPages * 65536, this.glue);
  }
}

/** Components loaded in this process, by content hash and name. */
const loaded = new Map<string, Promise<PluginComponent>>();

/** The raw exports of an instantiated component, before any error handling. */
export interface RawInstance {
  exports: Record<string, unknown>;
  /** The guest's linear memories, to report usage against the cap. */
  memories: WebAssembly.Memory[];
}

/** Core modules compiled for one memory cap; instantiates synchronously. */
export class CompiledPlugin {
  constructor(
    readonly component: PluginComponent,
    private readonly modules: Map<string, WebAssembly.Module>,
    /** The memory cap in bytes (whole pages). */
    readonly memoryCapBytes: number,
    private readonly glue: InstantiateGlue,
  ) {}

  /** Instantiates with exactly `imports` (keyed by unversioned interface name). */
  instantiate(imports: Record<string, unknown>): RawInstance {
    const memories: WebAssembly.Memory[] = [];
    const getCoreModule = (name: string): WebAssembly.Module => {
      const module = this.modules.get(name);
      if (!module) throw new ComponentLoadError(`transpiled component lacks core module ${name}`, { plugin: this.component.name });
      return module;
    };
    const instantiateCore = (module: WebAssembly.Module, moduleImports?: WebAssembly.Imports): WebAssembly.Instance => {
      const instance = new WebAssembly.Instance(module, moduleImports);
      for (const value of Object.values(instance.exports)) {
        if (value instanceof WebAssembly.Memory && !memories.includes(value)) memories.push(value);
      }
      return instance;
    };
    const exports = this.glue(getCoreModule, imports, instantiateCore);
    return { exports, memories };
  }
}

export function formatMemory(bytes: number): string {
  return formatMiB(bytes);
}

function firstLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.slice(0, 3).join(' ');
}
