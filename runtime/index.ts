// The public surface of the Eddy host, for applications embedding it.
// Everything else under runtime/ is internal and may change.

export { TopologyBuilder, Topology, type ProcessorOptions, type PluginSource, type TopologyNode } from './topology/topology.ts';
export { loadPipelineFile, builtComponentOf } from './topology/pipeline-file.ts';
export type { Processor, ProcessorContext, ProcessorSupplier, PreparedProcessor, ProcessorLimits, PunctuationType, LogLevel } from './processor/processor.ts';
export { PluginProcessorSupplier } from './plugin/plugin-processor.ts';
export { StreamTask, type InputRecord, type SinkRecord, type TaskOptions, type LogEntry } from './task/stream-task.ts';
export { TaskDatabase } from './state/task-database.ts';
export type { KeyValueStore, KeyValueEntry, KeyValueCursor } from './state/key-value-store.ts';
export { PluginComponent, defaultLimits, type PluginLimits } from './plugin/component.ts';
export { TopologyTestDriver, type TestDriverOptions, type TestInput, type TestOutput } from './testing/test-driver.ts';
export type { StreamRecord, Header, RecordMetadata } from './record.ts';
export * from './errors.ts';
