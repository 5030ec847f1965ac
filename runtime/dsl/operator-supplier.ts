// How a DSL operator becomes a node of the engine: a ProcessorSupplier whose
// processors bind the user functions the step names (processor/functions.ts)
// and run the operator's logic.
//
// Owns: preparing each function source once per task (and refusing a step
// that names a function the source lacks, or one of another kind, before any
// record), opening one function set per source per processor, and the
// Processor lifecycle around an operator's logic.
// Must never: know what a function source is made of (WebAssembly or not).

import { ConfigError } from '../errors.ts';
import type { FunctionKind, FunctionRef, FunctionSet, FunctionSignatures, FunctionSource, PreparedFunctionSource } from '../processor/functions.ts';
import type { PreparedProcessor, Processor, ProcessorContext, ProcessorLimits, ProcessorSupplier } from '../processor/processor.ts';
import type { StreamRecord } from '../record.ts';

/** Resolves a step's function reference inside one processor. */
export type Bind = <K extends FunctionKind>(ref: FunctionRef<K>) => FunctionSignatures[K];

/** What one DSL operator does in one task. */
export interface OperatorLogic {
  init?(context: ProcessorContext): void;
  process(record: StreamRecord, context: ProcessorContext): void;
  punctuate?(id: number, timestamp: number, context: ProcessorContext): void;
  /** Forwards what the operator's record cache holds (before a commit). */
  flush?(): void;
  close?(): void;
}

export class OperatorSupplier implements ProcessorSupplier {
  readonly limits: Partial<ProcessorLimits> = {};

  constructor(
    /** The operator, as Kafka Streams names it (e.g. `KSTREAM-FILTER`), with its functions. */
    readonly description: string,
    private readonly refs: readonly FunctionRef[],
    private readonly make: (bind: Bind) => OperatorLogic,
  ) {}

  async prepare(limits: ProcessorLimits): Promise<PreparedProcessor> {
    const prepared = new Map<FunctionSource, PreparedFunctionSource>();
    for (const ref of this.refs) {
      let source = prepared.get(ref.source);
      if (!source) {
        source = await ref.source.prepare({ ...limits, ...ref.source.limits });
        prepared.set(ref.source, source);
      }
      const kind = source.functions.get(ref.name);
      if (kind === undefined) {
        throw new ConfigError(`${this.description}: ${ref.source.description} has no function '${ref.name}' (it has: ${[...source.functions.keys()].join(', ') || 'none'})`, { function: ref.name });
      }
      if (kind !== ref.kind) throw new ConfigError(`${this.description}: function '${ref.name}' is a ${kind}, but this step needs a ${ref.kind}`, { function: ref.name });
    }
    return { name: this.description, limits, get: () => new OperatorProcessor(prepared, this.make) };
  }
}

class OperatorProcessor implements Processor {
  private readonly sets: FunctionSet[] = [];
  private logic: OperatorLogic | undefined;
  private context: ProcessorContext | undefined;

  constructor(
    private readonly sources: ReadonlyMap<FunctionSource, PreparedFunctionSource>,
    private readonly make: (bind: Bind) => OperatorLogic,
  ) {}

  get usable(): boolean {
    return this.sets.every((set) => set.usable);
  }

  init(context: ProcessorContext): void {
    this.context = context;
    const open = new Map<FunctionSource, FunctionSet>();
    const bind: Bind = (ref) => {
      let set = open.get(ref.source);
      if (!set) {
        set = this.sources.get(ref.source)!.open(context);
        open.set(ref.source, set);
        this.sets.push(set);
      }
      return set.get(ref.name, ref.kind);
    };
    this.logic = this.make(bind);
    this.logic.init?.(context);
  }

  process(record: StreamRecord): void {
    this.logic!.process(record, this.context!);
  }

  punctuate(id: number, timestamp: number): void {
    this.logic!.punctuate?.(id, timestamp, this.context!);
  }

  flush(): void {
    this.logic?.flush?.();
  }

  close(): void {
    this.logic?.close?.();
  }
}

/** Opens a store the operator was connected to, or fails with the engine's reason. */
export function requireStore<T>(opened: T | string): T {
  if (typeof opened === 'string') throw new ConfigError(opened);
  return opened;
}
