// processValues(): a Processor-API processor inside a DSL graph that may not
// change keys (Kafka Streams' FixedKeyProcessor). Wraps any processor
// supplier so that every record it forwards keeps the key of the record
// being processed.
//
// Owns: that one rule. Must never: change what the wrapped processor sees.

import type { PreparedProcessor, Processor, ProcessorContext, ProcessorLimits, ProcessorSupplier } from '../processor/processor.ts';
import type { StreamRecord } from '../record.ts';

export class FixedKeySupplier implements ProcessorSupplier {
  readonly description: string;
  readonly limits: Partial<ProcessorLimits>;

  constructor(private readonly inner: ProcessorSupplier) {
    this.description = `${inner.description} (values only)`;
    this.limits = inner.limits;
  }

  async prepare(limits: ProcessorLimits): Promise<PreparedProcessor> {
    const prepared = await this.inner.prepare(limits);
    return { name: prepared.name, limits: prepared.limits, get: () => new FixedKeyProcessor(prepared.get()) };
  }
}

class FixedKeyProcessor implements Processor {
  private key: Uint8Array | undefined;

  constructor(private readonly inner: Processor) {}

  get usable(): boolean {
    return this.inner.usable;
  }

  init(context: ProcessorContext): void {
    const fixed = Object.create(context, {
      forward: { value: (record: StreamRecord) => context.forward({ ...record, key: this.key }) },
      forwardTo: { value: (child: string, record: StreamRecord) => context.forwardTo(child, { ...record, key: this.key }) },
    }) as ProcessorContext;
    this.inner.init(fixed);
  }

  process(record: StreamRecord): void {
    this.key = record.key;
    this.inner.process(record);
  }

  punctuate(id: number, timestamp: number): void {
    this.key = undefined;
    this.inner.punctuate(id, timestamp);
  }

  close(): void {
    this.inner.close();
  }
}
