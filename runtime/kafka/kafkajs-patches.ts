// Fixes to kafkajs 2.2.4 (unmaintained) applied before it loads.
//
// Owns: replacing kafkajs' `producer/groupMessagesPerPartition`, which copies
// the partition's array for every message (`[...current, message]`) — O(n²)
// in the messages of one send. With a few thousand records per send it took
// ~77% of an Eddy word count's CPU. The replacement groups the same messages
// into the same partitions, in the same order, in O(n).
// Must never: change what kafkajs sends. Import this module before 'kafkajs'.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Module = require('node:module') as { new (id: string): NodeModuleRecord };

interface NodeModuleRecord {
  filename: string;
  loaded: boolean;
  exports: unknown;
}

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
if (!require.cache[path]) {
  const record = new Module(path);
  record.filename = path;
  record.loaded = true;
  record.exports = groupMessagesPerPartition;
  require.cache[path] = record as unknown as NodeJS.Module;
}
