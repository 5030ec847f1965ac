// A host-side processor for tests: counts per key and 10-second tumbling
// window in window store `windows`, forwarding `key@start=count`; and a
// supplier that makes host-side processors.

import { defaultProcessorLimits, type PreparedProcessor, type Processor, type ProcessorContext, type ProcessorSupplier } from '../../runtime/processor/processor.ts';
import type { StreamRecord } from '../../runtime/record.ts';

const text = new TextDecoder();
const bytes = (value: string) => new TextEncoder().encode(value);

export class WindowCountProcessor implements Processor {
  usable = true;
  private context!: ProcessorContext;
  init(context: ProcessorContext): void {
    this.context = context;
  }
  process(record: StreamRecord): void {
    const store = this.context.openWindowStore('windows');
    if (typeof store === 'string') throw new Error(store);
    const start = record.timestamp - (record.timestamp % 10_000);
    const count = Number(text.decode(store.fetch(record.key!, start) ?? bytes('0'))) + 1;
    store.put(record.key!, bytes(String(count)), start);
    this.context.forward({ ...record, value: bytes(`${text.decode(record.key)}@${start}=${count}`) });
  }
  punctuate(): void {}
  close(): void {}
}

/** A supplier of host-side processors made by `make`; `made` counts them. */
export function hostSupplier(description: string, make: () => Processor): ProcessorSupplier & { made: number } {
  const result = {
    description,
    limits: {},
    made: 0,
    async prepare(): Promise<PreparedProcessor> {
      return {
        name: description,
        limits: defaultProcessorLimits,
        get: () => {
          result.made++;
          return make();
        },
      };
    },
  };
  return result;
}
