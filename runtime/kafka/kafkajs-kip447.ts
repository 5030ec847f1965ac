// KIP-447 for kafkajs 2.2.4, which predates it: the two protocol versions
// exactly-once with one producer per stream thread needs, added beside
// kafkajs' own versions before kafkajs loads.
//
//   - TxnOffsetCommit v3 carries the consumer group's generation and member
//     id with offsets committed in a transaction. The group coordinator then
//     refuses offsets from a member that is no longer in the current
//     generation (ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID): a zombie that lost
//     its partitions in a rebalance cannot commit their offsets, so its
//     transaction aborts. Without group metadata (generation -1, empty member
//     id) the broker accepts the commit as v0/v1 did.
//   - OffsetFetch v7 with require_stable: the coordinator answers
//     UNSTABLE_OFFSET_COMMIT while a transaction holds pending offsets for a
//     partition, so a task's new owner starts only after the previous
//     owner's transaction is committed or aborted.
//
// Beside them, for restoring state written under exactly-once: a ListOffsets
// that reads the high watermark (isolation read_uncommitted) from an admin
// whose reads are read_committed (withUncommittedEnds), so a restore can tell
// committed records that lie past an open transaction's start.
// The values come from the caller's async context (withGroupMetadata,
// withStableOffsets, withUncommittedEnds), not through kafkajs' call chain,
// which has no place for them. kafkajs picks the highest version both sides implement; when no
// context asks for the new fields, the request it builds is byte for byte
// kafkajs' own v1 / v4.
// Must never: change a request that did not ask for KIP-447's fields.

import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Module = require('node:module') as { new (id: string): { filename: string; loaded: boolean; exports: unknown } };

/** The group a transactional offset commit belongs to (KIP-447). */
export interface TransactionalGroupMetadata {
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

const groupMetadataContext = new AsyncLocalStorage<TransactionalGroupMetadata>();
const stableOffsetsContext = new AsyncLocalStorage<boolean>();
const uncommittedEndsContext = new AsyncLocalStorage<boolean>();

/** Runs `work` with transactional offset commits carrying `group`'s generation and member id. */
export function withGroupMetadata<T>(group: TransactionalGroupMetadata, work: () => Promise<T>): Promise<T> {
  return groupMetadataContext.run(group, work);
}

/** Runs `work` with committed-offset fetches that wait for pending transactional offsets (require_stable). */
export function withStableOffsets<T>(work: () => Promise<T>): Promise<T> {
  return stableOffsetsContext.run(true, work);
}

/** Runs `work` with ListOffsets reading at isolation read_uncommitted: the latest offset is the high watermark, not the last stable offset. */
export function withUncommittedEnds<T>(work: () => Promise<T>): Promise<T> {
  return uncommittedEndsContext.run(true, work);
}

interface EncoderInstance {
  writeInt16(value: number): EncoderInstance;
  writeInt32(value: number): EncoderInstance;
  writeInt64(value: string | number): EncoderInstance;
  writeBoolean(value: boolean): EncoderInstance;
  writeUVarInt(value: number): EncoderInstance;
  writeUVarIntString(value: string | null): EncoderInstance;
  writeUVarIntBytes(value?: null): EncoderInstance;
  writeUVarIntArray(array: EncoderInstance[], type?: 'object'): EncoderInstance;
}
interface DecoderInstance {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readUVarIntString(): string | null;
  readUVarIntArray<T>(reader: (decoder: DecoderInstance) => T): T[] | null;
  readTaggedFields(): void;
}
interface RequestDefinition {
  request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<EncoderInstance> };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}
type VersionFactory = (args: Record<string, unknown>) => RequestDefinition;
interface ProtocolIndex {
  versions: string[];
  protocol(args: { version: number }): VersionFactory;
}

const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => EncoderInstance;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (raw: Buffer) => DecoderInstance;
const { failure, createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { failure(code: number): boolean; createErrorFromCode(code: number): Error };
const apiKeys = require('kafkajs/src/protocol/requests/apiKeys.js') as Record<string, number>;

const emptyTaggedFields = (encoder: EncoderInstance) => encoder.writeUVarIntBytes();

// ---- TxnOffsetCommit v3 --------------------------------------------------------

interface OffsetTopic {
  topic: string;
  partitions: Array<{ partition: number; offset: string; metadata?: string | null }>;
}

function txnOffsetCommitV3(args: { transactionalId: string; groupId: string; producerId: string | number; producerEpoch: number; topics: OffsetTopic[] }, group: TransactionalGroupMetadata): RequestDefinition {
  const request = {
    apiKey: apiKeys.TxnOffsetCommit!,
    apiVersion: 3,
    apiName: 'TxnOffsetCommit',
    encode: async () =>
      // The leading empty tag buffer ends the flexible request header (kafkajs writes the rest of it).
      emptyTaggedFields(new Encoder())
        .writeUVarIntString(args.transactionalId)
        .writeUVarIntString(args.groupId)
        .writeInt64(args.producerId)
        .writeInt16(args.producerEpoch)
        .writeInt32(group.generationId)
        .writeUVarIntString(group.memberId)
        .writeUVarIntString(group.groupInstanceId ?? null)
        .writeUVarIntArray(
          args.topics.map(({ topic, partitions }) =>
            emptyTaggedFields(
              new Encoder().writeUVarIntString(topic).writeUVarIntArray(
                partitions.map(({ partition, offset, metadata }) =>
                  emptyTaggedFields(new Encoder().writeInt32(partition).writeInt64(offset).writeInt32(-1).writeUVarIntString(metadata ?? null)),
                ),
                'object',
              ),
            ),
          ),
          'object',
        )
        .writeUVarIntBytes(),
  };
  const response = {
    decode: async (raw: Buffer) => {
      const decoder = new Decoder(raw);
      decoder.readTaggedFields();
      const throttleTime = decoder.readInt32();
      const topics =
        decoder.readUVarIntArray((topicDecoder) => {
          const topic = topicDecoder.readUVarIntString();
          const partitions =
            topicDecoder.readUVarIntArray((partitionDecoder) => {
              const entry = { partition: partitionDecoder.readInt32(), errorCode: partitionDecoder.readInt16() };
              partitionDecoder.readTaggedFields();
              return entry;
            }) ?? [];
          topicDecoder.readTaggedFields();
          return { topic, partitions };
        }) ?? [];
      return { throttleTime, topics };
    },
    parse: async (data: unknown) => {
      const { topics } = data as { topics: Array<{ partitions: Array<{ errorCode: number }> }> };
      const failed = topics.flatMap(({ partitions }) => partitions).find(({ errorCode }) => failure(errorCode));
      if (failed) throw createErrorFromCode(failed.errorCode);
      return data;
    },
  };
  return { request, response };
}

// ---- OffsetFetch v7 --------------------------------------------------------------

function offsetFetchV7(args: { groupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number }> }> }): RequestDefinition {
  const request = {
    apiKey: apiKeys.OffsetFetch!,
    apiVersion: 7,
    apiName: 'OffsetFetch',
    encode: async () => {
      const encoder = emptyTaggedFields(new Encoder()).writeUVarIntString(args.groupId);
      encoder.writeUVarIntArray(
        args.topics.map(({ topic, partitions }) => {
          const topicEncoder = new Encoder().writeUVarIntString(topic).writeUVarInt(partitions.length + 1);
          for (const { partition } of partitions) topicEncoder.writeInt32(partition);
          return emptyTaggedFields(topicEncoder);
        }),
        'object',
      );
      return encoder.writeBoolean(true).writeUVarIntBytes();
    },
  };
  const response = {
    decode: async (raw: Buffer) => {
      const decoder = new Decoder(raw);
      decoder.readTaggedFields();
      const throttleTime = decoder.readInt32();
      const responses =
        decoder.readUVarIntArray((topicDecoder) => {
          const topic = topicDecoder.readUVarIntString();
          const partitions =
            topicDecoder.readUVarIntArray((partitionDecoder) => {
              const partition = partitionDecoder.readInt32();
              const offset = partitionDecoder.readInt64().toString();
              partitionDecoder.readInt32(); // committed leader epoch
              const metadata = partitionDecoder.readUVarIntString();
              const errorCode = partitionDecoder.readInt16();
              partitionDecoder.readTaggedFields();
              return { partition, offset, metadata, errorCode };
            }) ?? [];
          topicDecoder.readTaggedFields();
          return { topic, partitions };
        }) ?? [];
      const errorCode = decoder.readInt16();
      return { throttleTime: 0, clientSideThrottleTime: throttleTime, responses, errorCode };
    },
    parse: async (data: unknown) => {
      const { errorCode, responses } = data as { errorCode: number; responses: Array<{ partitions: Array<{ errorCode: number }> }> };
      if (failure(errorCode)) throw createErrorFromCode(errorCode);
      const failed = responses.flatMap(({ partitions }) => partitions).find((entry) => failure(entry.errorCode));
      if (failed) throw createErrorFromCode(failed.errorCode);
      return data;
    },
  };
  return { request, response };
}

// ---- install -----------------------------------------------------------------------

/**
 * Replaces a request's version index with one that also offers `version`:
 * the factory builds the new request when the caller's context asks for it,
 * and kafkajs' newest own version otherwise.
 */
function offerVersion(indexPath: string, version: number, build: (args: Record<string, unknown>) => RequestDefinition | undefined): void {
  const path = require.resolve(indexPath);
  if (require.cache[path]) throw new Error(`kafkajs-kip447: ${indexPath} was loaded before the patch (import this module before kafkajs)`);
  const original = require(indexPath) as ProtocolIndex;
  delete require.cache[path];
  const newestOwn = Math.max(...original.versions.map(Number));
  const patched: ProtocolIndex = {
    versions: [...original.versions, String(version)],
    protocol: ({ version: chosen }) => {
      if (chosen !== version) return original.protocol({ version: chosen });
      return (args) => build(args) ?? original.protocol({ version: newestOwn })(args);
    },
  };
  const record = new Module(path);
  record.filename = path;
  record.loaded = true;
  record.exports = patched;
  require.cache[path] = record as unknown as NodeJS.Module;
}

offerVersion('kafkajs/src/protocol/requests/txnOffsetCommit/index.js', 3, (args) => {
  const group = groupMetadataContext.getStore();
  return group ? txnOffsetCommitV3(args as Parameters<typeof txnOffsetCommitV3>[0], group) : undefined;
});

offerVersion('kafkajs/src/protocol/requests/offsetFetch/index.js', 7, (args) =>
  stableOffsetsContext.getStore() === true ? offsetFetchV7(args as Parameters<typeof offsetFetchV7>[0]) : undefined,
);

/** The isolation level a ListOffsets request in this async context asks for (undefined: the client's own); kafkajs-patches applies it. */
export function contextIsolationLevel(): number | undefined {
  // 0 = READ_UNCOMMITTED (kafkajs' protocol/isolationLevel).
  return uncommittedEndsContext.getStore() === true ? 0 : undefined;
}
