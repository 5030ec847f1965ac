// A source's timestamp extractor written as a DSL function (Kafka Streams'
// custom TimestampExtractor): the engine asks a TimestampExtractorSupplier;
// this one calls a `timestamp-extractor` function of a functions plugin.
//
// Owns: binding the function (refusing a missing one, or one of another
// kind, before any record) and its call per record.
// Must never: be known to the engine by anything but the supplier interface.

import { ConfigError } from '../errors.ts';
import type { FunctionRef } from '../processor/functions.ts';
import type { PreparedTimestampExtractor, ProcessorLimits, TimestampExtractorSupplier } from '../processor/processor.ts';

export class FunctionTimestampExtractor implements TimestampExtractorSupplier {
  readonly description: string;

  constructor(private readonly ref: FunctionRef<'timestamp-extractor'>) {
    this.description = `timestamp extractor ${ref.name} (${ref.source.description})`;
  }

  async prepare(limits: ProcessorLimits): Promise<PreparedTimestampExtractor> {
    const prepared = await this.ref.source.prepare({ ...limits, ...this.ref.source.limits });
    const kind = prepared.functions.get(this.ref.name);
    if (kind === undefined) throw new ConfigError(`${this.ref.source.description} has no function '${this.ref.name}'`, { function: this.ref.name });
    if (kind !== 'timestamp-extractor') throw new ConfigError(`function '${this.ref.name}' is a ${kind}, but a source needs a timestamp-extractor`, { function: this.ref.name });
    return {
      open: (context) => {
        const extract = prepared.open(context).get(this.ref.name, 'timestamp-extractor');
        return (record, partitionTime) => extract(record.key, record.value, record.timestamp, partitionTime);
      },
    };
  }
}
