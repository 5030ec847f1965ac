// Per-step serdes of the Streams DSL (Kafka Streams' Consumed, Produced,
// Grouped, Repartitioned and Materialized `.with(keySerde, valueSerde)`):
// where each applies and what happens to bytes a serde cannot read.
//
// Functions of the `functions` world take and return bytes, so records keep
// the bytes they were written with: a step's serde is the format those bytes
// are in, and it is checked where Kafka Streams runs a serde —
//   source (Consumed)      every record is read with it before its time is
//                          extracted; one it cannot read goes to the
//                          deserialization exception handler (log-and-fail:
//                          the task fails; log-and-continue: skipped, logged
//                          and counted, stream time untouched);
//   sink (Produced), repartition topic (Grouped, Repartitioned), store and
//   changelog (Materialized)
//                          bytes it cannot read fail the task, as Kafka
//                          Streams' serializer exception fails it by default.
//
// Owns: naming serdes in documents (built-in names, Kafka class names,
// `time-windowed<inner>`, `session-windowed<inner>`), the handler names, the
// checks above as a timestamp-extractor wrapper (sources) and as processor
// wrappers (everything else), and their typed errors with stable codes.
// Must never: change the bytes a record carries, or drop a record without
// logging and counting it.

import { ConfigError, type ErrorContext } from '../errors.ts';
import type { ExtractTimestamp, PreparedTimestampExtractor, ProcessorContext, ProcessorLimits, ProcessorSupplier, TimestampExtractorSupplier, PreparedProcessor, Processor } from '../processor/processor.ts';
import type { StreamRecord } from '../record.ts';
import { serdeByName, serdeNames, sessionWindowedSerde, SerdeError, timeWindowedSerde, unreadable, type Serde } from '../serde/serdes.ts';
import { extractTimestamp, type TimestampExtractorName } from '../time/timestamp-extractor.ts';
import { decodeChange } from './change.ts';

/** A step's serdes; an unset one checks nothing (the bytes pass as they are). */
export interface StepSerdes {
  keySerde?: Serde<unknown>;
  valueSerde?: Serde<unknown>;
}

/** Kafka Streams' deserialization exception handlers (`deserialization.exception.handler`). */
export type DeserializationHandler = 'log-and-fail' | 'log-and-continue';

export const deserializationHandlerNames: readonly DeserializationHandler[] = ['log-and-fail', 'log-and-continue'];

/** Stable codes of per-step serde configuration errors: tools match on them, messages may change. */
export type SerdeConfigCode = 'dsl-serde-unknown' | 'dsl-serde-mismatch' | 'dsl-deserialization-handler-unknown' | 'dsl-setting-conflict';

/** A per-step serde setting is invalid; `code` is stable. */
export class SerdeConfigError extends ConfigError {
  readonly code: SerdeConfigCode;
  constructor(code: SerdeConfigCode, detail: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(`${detail} (${code})`, context, options);
    this.code = code;
  }

  override withContext(more: ErrorContext): SerdeConfigError {
    const copy = new SerdeConfigError(this.code, this.detail.replace(/ \([\w-]+\)$/, ''), { ...more, ...this.context }, { cause: this.cause });
    copy.stack = this.stack;
    return copy;
  }
}

/** A source record its serde cannot read, with the handler set to log-and-fail (Kafka Streams' StreamsException from LogAndFailExceptionHandler). */
export class DeserializationError extends SerdeError {}

/** Bytes at a sink, repartition topic or store that its serde cannot read (what Kafka Streams' serializer would refuse). */
export class SerializationError extends SerdeError {}

const handlerClassNames: Record<string, DeserializationHandler> = {
  LogAndFailExceptionHandler: 'log-and-fail',
  LogAndContinueExceptionHandler: 'log-and-continue',
};

/** The handler named `name` (short, or Kafka Streams' class name); undefined if none. */
export function deserializationHandlerByName(name: string): DeserializationHandler | undefined {
  const trimmed = name.trim();
  if ((deserializationHandlerNames as readonly string[]).includes(trimmed)) return trimmed as DeserializationHandler;
  const match = /^(?:org\.apache\.kafka\.streams\.errors\.)?(\w+)$/.exec(trimmed);
  return match ? handlerClassNames[match[1]!] : undefined;
}

/** Every serde name a step accepts (for messages). */
export const stepSerdeNames: readonly string[] = [...serdeNames, 'time-windowed<…>', 'session-windowed<…>'];

/**
 * The serde a step names: a built-in one (`string`, `long`, … or Kafka's
 * class name), or a windowed key serde around one — `time-windowed<string>`
 * (Kafka Streams' TimeWindowedSerde: key ‖ start) or `session-windowed<string>`
 * (SessionWindowedSerde: key ‖ end ‖ start). Undefined if none.
 */
export function stepSerdeByName(name: string): Serde<unknown> | undefined {
  const windowed = /^\s*(time|session)-windowed\s*<(.+)>\s*$/.exec(name);
  if (windowed) {
    const inner = serdeByName(windowed[2]!);
    if (!inner) return undefined;
    // The window size only sets the end a reader computes; checks read the start.
    return (windowed[1] === 'time' ? timeWindowedSerde(inner, 0) : sessionWindowedSerde(inner)) as Serde<unknown>;
  }
  return serdeByName(name);
}

/** Why `record` does not fit `serdes` (the first field that does not), or undefined when it does. */
export function misfit(serdes: StepSerdes, record: StreamRecord): string | undefined {
  for (const [field, serde, bytes] of [['key', serdes.keySerde, record.key], ['value', serdes.valueSerde, record.value]] as const) {
    if (!serde) continue;
    const reason = unreadable(serde, bytes);
    if (reason !== undefined) return `its ${field} (${bytes === undefined ? 'null' : `${bytes.length} bytes`}) is not a ${serde.name}: ${reason}`;
  }
  return undefined;
}

export function hasSerdes(serdes: StepSerdes | undefined): boolean {
  return serdes !== undefined && (serdes.keySerde !== undefined || serdes.valueSerde !== undefined);
}

/**
 * A source's serdes, checked where Kafka Streams deserializes: before the
 * record's time is extracted (by the source's own extractor, else the
 * application's default), so a record the handler skips moves no time.
 */
export class DeserializingTimestampExtractor implements TimestampExtractorSupplier {
  readonly description: string;

  constructor(
    private readonly serdes: StepSerdes,
    private readonly handler: DeserializationHandler,
    /** The source's own extractor; unset: the application's default. */
    private readonly inner: TimestampExtractorName | TimestampExtractorSupplier | undefined,
  ) {
    const named = [serdes.keySerde ? `key ${serdes.keySerde.name}` : '', serdes.valueSerde ? `value ${serdes.valueSerde.name}` : ''].filter(Boolean).join(', ');
    this.description = `deserialize (${named}; ${handler})${inner === undefined ? '' : ` then ${typeof inner === 'string' ? inner : inner.description}`}`;
  }

  async prepare(limits: ProcessorLimits): Promise<PreparedTimestampExtractor> {
    const inner = this.inner;
    const prepared = inner !== undefined && typeof inner !== 'string' ? await inner.prepare(limits) : undefined;
    return {
      open: (context, fallback) => {
        const extract: ExtractTimestamp =
          prepared ? prepared.open(context, fallback)
          : typeof inner === 'string' ? (record, partitionTime) => {
              const extracted = extractTimestamp(inner, record.timestamp, partitionTime, () => context.wallClockTime());
              return 'skip' in extracted ? extracted : extracted.timestamp;
            }
          : fallback ?? ((record, partitionTime) => {
              const extracted = extractTimestamp('fail-on-invalid', record.timestamp, partitionTime, () => context.wallClockTime());
              return 'skip' in extracted ? extracted : extracted.timestamp;
            });
        return (record, partitionTime) => {
          const reason = misfit(this.serdes, record);
          if (reason === undefined) return extract(record, partitionTime);
          const at = context.metadata();
          const where = at ? `${at.topic}-${at.partition}@${at.offset}` : 'a source record';
          if (this.handler === 'log-and-continue') {
            // Kafka Streams' LogAndContinueExceptionHandler: logged (by the task, once), counted as a skipped record, processing goes on.
            return { skip: `deserialization failed for ${where}, skipped (deserialization.exception.handler: log-and-continue): ${reason}` };
          }
          throw new DeserializationError(
            `deserialization failed for ${where}: ${reason}; the deserialization exception handler is log-and-fail ` +
              `(set deserialization.exception.handler: log-and-continue to skip such records)`,
            { node: context.nodeName, ...(at ? { topic: at.topic, partition: at.partition, offset: at.offset } : {}) },
          );
        };
      },
    };
  }
}

/** Where a serde is checked on the way out of a node (for messages). */
export type SerializationPoint = 'sink' | 'repartition topic' | 'store';

/**
 * `inner`'s processors, with every record they forward checked against
 * `serdes` first: the check Kafka Streams' serializer makes when the record
 * is written to a sink, a repartition topic or a store (and its changelog).
 */
export class SerdeCheckedSupplier implements ProcessorSupplier {
  readonly description: string;

  constructor(
    private readonly inner: ProcessorSupplier,
    private readonly serdes: StepSerdes,
    private readonly point: SerializationPoint,
    /** The sink, topic or store the serdes belong to. */
    private readonly target: string,
    /** Values are table updates as written to a repartition topic (change.ts): both values are checked. */
    private readonly changeEncoded = false,
  ) {
    this.description = inner.description;
  }

  get limits(): ProcessorSupplier['limits'] {
    return this.inner.limits;
  }

  async prepare(limits: ProcessorLimits): Promise<PreparedProcessor> {
    const prepared = await this.inner.prepare(limits);
    return { name: prepared.name, limits: prepared.limits, get: () => new SerdeCheckedProcessor(prepared.get(), this.serdes, this.point, this.target, this.changeEncoded) };
  }
}

class SerdeCheckedProcessor implements Processor {
  constructor(
    private readonly inner: Processor,
    private readonly serdes: StepSerdes,
    private readonly point: SerializationPoint,
    private readonly target: string,
    private readonly changeEncoded: boolean,
  ) {}

  get usable(): boolean {
    return this.inner.usable;
  }

  init(context: ProcessorContext): void {
    const check = (record: StreamRecord): void => {
      let reason: string | undefined;
      if (this.changeEncoded) {
        const change = decodeChange(record.value);
        reason = misfit(this.serdes, { ...record, value: change.newValue }) ?? misfit(this.serdes, { ...record, value: change.oldValue });
      } else {
        reason = misfit(this.serdes, record);
      }
      if (reason === undefined) return;
      const at = context.metadata();
      throw new SerializationError(`the record for ${this.point} '${this.target}' does not fit its serdes: ${reason}`, {
        node: context.nodeName,
        ...(at ? { topic: at.topic, partition: at.partition, offset: at.offset } : {}),
      });
    };
    // Checked before it goes on: the wrapped context is the inner processor's view of its node.
    const checked: ProcessorContext = Object.create(context, {
      forward: { value: (record: StreamRecord) => (check(record), context.forward(record)) },
      forwardTo: { value: (child: string, record: StreamRecord) => (check(record), context.forwardTo(child, record)) },
    }) as ProcessorContext;
    this.inner.init(checked);
  }

  process(record: StreamRecord): void {
    this.inner.process(record);
  }

  punctuate(id: number, timestamp: number): void {
    this.inner.punctuate(id, timestamp);
  }

  flush(): void {
    this.inner.flush?.();
  }

  close(): void {
    this.inner.close();
  }
}

/** `supplier`, checked against `serdes` when there are any. */
export function checkedSupplier(supplier: ProcessorSupplier, serdes: StepSerdes | undefined, point: SerializationPoint, target: string, changeEncoded = false): ProcessorSupplier {
  return serdes && hasSerdes(serdes) ? new SerdeCheckedSupplier(supplier, serdes, point, target, changeEncoded) : supplier;
}
