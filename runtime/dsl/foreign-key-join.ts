// The foreign-key table-table join (Kafka Streams' KIP-213: SubscriptionSend,
// SubscriptionReceive, SubscriptionJoin, ForeignTableJoin and ResponseJoin
// processors), with the same instructions, topics and checks.
//
// Owns: the left table's subscriptions (a left update subscribes its key to
// the foreign key its value names, and unsubscribes from an old one; through
// a subscription topic keyed by foreign key), the right side's subscription
// store (foreign key ‖ primary key) and its responses (the right value, on a
// subscription and on every right update; through a response topic keyed by
// the primary key), and the result: joined only if the left value is still
// the one that subscribed (a hash of its bytes), a delete for an inner join
// without a right value.
// Must never: emit a result computed for a left value that has since changed.

import { createHash } from 'node:crypto';
import type { Bytes, FunctionRef } from '../processor/functions.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { decodeValueAndTimestamp, encodeValueAndTimestamp } from '../state/value-and-timestamp.ts';
import { oldValueOf } from './change.ts';
import { OperatorSupplier, requireStore } from './operator-supplier.ts';
import { bindView, viewFunctions, type Lookup, type TableView } from './table-operators.ts';

/** What a subscription asks of the right side (SubscriptionWrapper.Instruction). */
const enum Instruction {
  DeleteKeyNoPropagate = 0,
  DeleteKeyAndPropagate = 1,
  PropagateNullIfNoForeignValue = 2,
  PropagateOnlyIfForeignValue = 3,
}

/** Hash of a left value's bytes (Kafka Streams: Murmur3 128-bit); undefined for a deleted value. */
function valueHash(value: Bytes): Uint8Array | undefined {
  return value === undefined ? undefined : createHash('md5').update(value).digest();
}

const sameHash = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : a.length === b.length && a.every((byte, index) => byte === b[index]);

// Subscription: instruction (1) ‖ hash flag (1) ‖ hash (16) ‖ primary key.
function encodeSubscription(instruction: Instruction, hash: Uint8Array | undefined, primaryKey: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(18 + primaryKey.length);
  bytes[0] = instruction;
  bytes[1] = hash ? 1 : 0;
  if (hash) bytes.set(hash, 2);
  bytes.set(primaryKey, 18);
  return bytes;
}

function decodeSubscription(bytes: Uint8Array): { instruction: Instruction; hash: Uint8Array | undefined; primaryKey: Uint8Array } {
  return { instruction: bytes[0] as Instruction, hash: bytes[1] === 1 ? bytes.slice(2, 18) : undefined, primaryKey: bytes.slice(18) };
}

// Response: hash flag (1) ‖ hash (16) ‖ foreign value flag (1) ‖ foreign value.
// An empty foreign value travels as none: Kafka Streams'
// SubscriptionResponseWrapperSerde reads zero value bytes back as null.
function encodeResponse(hash: Uint8Array | undefined, value: Bytes): Uint8Array {
  const foreignValue = value !== undefined && value.length === 0 ? undefined : value;
  const bytes = new Uint8Array(18 + (foreignValue?.length ?? 0));
  bytes[0] = hash ? 1 : 0;
  if (hash) bytes.set(hash, 1);
  bytes[17] = foreignValue === undefined ? 0 : 1;
  if (foreignValue) bytes.set(foreignValue, 18);
  return bytes;
}

function decodeResponse(bytes: Uint8Array): { hash: Uint8Array | undefined; foreignValue: Bytes } {
  return { hash: bytes[0] === 1 ? bytes.slice(1, 17) : undefined, foreignValue: bytes[17] === 1 ? bytes.slice(18) : undefined };
}

/** Subscription store key: length of the foreign key (4 bytes) ‖ foreign key ‖ primary key (CombinedKeySchema). */
function combinedKey(foreignKey: Uint8Array, primaryKey: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + foreignKey.length + primaryKey.length);
  new DataView(bytes.buffer).setUint32(0, foreignKey.length);
  bytes.set(foreignKey, 4);
  bytes.set(primaryKey, 4 + foreignKey.length);
  return bytes;
}

function combinedPrefix(foreignKey: Uint8Array): Uint8Array {
  return combinedKey(foreignKey, new Uint8Array(0));
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : a.length === b.length && a.every((byte, index) => byte === b[index]);

/** Left table updates → subscriptions keyed by foreign key (SubscriptionSendProcessorSupplier). */
export function subscriptionSendSupplier(extractor: FunctionRef<'key-selector'>, leftJoin: boolean): OperatorSupplier {
  return new OperatorSupplier('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION', [extractor], (bind) => {
    const foreignKeyOf = bind(extractor);
    return {
      process(record, context) {
        const key = record.key!;
        const newValue = record.value;
        const oldValue = oldValueOf(record);
        const hash = valueHash(newValue);
        const send = (foreignKey: Bytes, instruction: Instruction) =>
          context.forward({ key: foreignKey, value: encodeSubscription(instruction, hash, key), timestamp: record.timestamp, headers: record.headers });
        const skip = () => context.recordDropped('null foreign key: the foreign-key join skips the update');
        // As Kafka Streams 4.4's SubscriptionSendProcessorSupplier (read from its bytecode: it
        // unsubscribes an old foreign key without a result when there is a new one).
        const oldForeignKey = oldValue === undefined ? undefined : foreignKeyOf(key, oldValue);
        if (leftJoin) {
          if (oldValue === undefined && newValue === undefined) return;
          const newForeignKey = newValue === undefined ? undefined : foreignKeyOf(key, newValue);
          if (oldForeignKey !== undefined && !sameBytes(newForeignKey, oldForeignKey)) send(oldForeignKey, Instruction.DeleteKeyNoPropagate);
          send(newForeignKey, Instruction.PropagateNullIfNoForeignValue);
          return;
        }
        if (newValue !== undefined) {
          const newForeignKey = foreignKeyOf(key, newValue);
          if (newForeignKey === undefined) {
            skip();
            if (oldForeignKey !== undefined) send(oldForeignKey, Instruction.DeleteKeyAndPropagate);
          } else if (oldForeignKey !== undefined && !sameBytes(newForeignKey, oldForeignKey)) {
            send(oldForeignKey, Instruction.DeleteKeyNoPropagate);
            send(newForeignKey, Instruction.PropagateNullIfNoForeignValue);
          } else {
            send(newForeignKey, Instruction.PropagateOnlyIfForeignValue);
          }
        } else if (oldForeignKey !== undefined) {
          send(oldForeignKey, Instruction.DeleteKeyAndPropagate);
        }
      },
    };
  });
}

/**
 * The right side: a subscription arrives (SubscriptionReceive, then
 * SubscriptionJoin): kept or removed in the subscription store, answered
 * with the right table's current value as its instruction says.
 */
export function subscriptionJoinSupplier(subscriptionStore: string, rightView: TableView): OperatorSupplier {
  return new OperatorSupplier('KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR', viewFunctions(rightView), (bind) => {
    let subscriptions: KeyValueStore;
    let right: Lookup;
    return {
      init(context) {
        subscriptions = requireStore(context.openStore(subscriptionStore));
        right = bindView(rightView, bind, context);
      },
      process(record, context) {
        const subscription = decodeSubscription(record.value!);
        const foreignKey = record.key;
        if (foreignKey === undefined && subscription.instruction !== Instruction.PropagateNullIfNoForeignValue) {
          context.recordDropped('a subscription without a foreign key');
          return;
        }
        if (foreignKey !== undefined) {
          const at = combinedKey(foreignKey, subscription.primaryKey);
          if (subscription.instruction === Instruction.DeleteKeyAndPropagate || subscription.instruction === Instruction.DeleteKeyNoPropagate) subscriptions.delete(at);
          else subscriptions.put(at, encodeValueAndTimestamp(record.value!, record.timestamp));
        }
        const foreign = foreignKey === undefined ? undefined : right(foreignKey);
        const timestamp = foreign ? Math.max(record.timestamp, foreign.timestamp) : record.timestamp;
        const respond = (foreignValue: Bytes) =>
          context.forward({ key: subscription.primaryKey, value: encodeResponse(subscription.hash, foreignValue), timestamp, headers: record.headers });
        switch (subscription.instruction) {
          case Instruction.DeleteKeyAndPropagate:
            respond(undefined);
            break;
          case Instruction.PropagateNullIfNoForeignValue:
            respond(foreign?.value.slice());
            break;
          case Instruction.PropagateOnlyIfForeignValue:
            if (foreign) respond(foreign.value.slice());
            break;
          case Instruction.DeleteKeyNoPropagate:
            break;
        }
      },
    };
  });
}

/** The right side: a right table update answers every subscription to its key (ForeignTableJoinProcessorSupplier). */
export function foreignTableJoinSupplier(subscriptionStore: string): OperatorSupplier {
  return new OperatorSupplier('KTABLE-FK-JOIN-FOREIGN', [], () => {
    let subscriptions: KeyValueStore;
    return {
      init(context) {
        subscriptions = requireStore(context.openStore(subscriptionStore));
      },
      process(record, context) {
        if (record.key === undefined) {
          context.recordDropped('null key: a foreign-key join skips the right-side update');
          return;
        }
        const prefix = combinedPrefix(record.key);
        const cursor = subscriptions.prefixScan(prefix);
        for (let batch = cursor.next(256); batch.length > 0; batch = cursor.next(256)) {
          for (const entry of batch) {
            const subscription = decodeSubscription(decodeValueAndTimestamp(entry.value)!.value);
            context.forward({ key: subscription.primaryKey, value: encodeResponse(subscription.hash, record.value), timestamp: record.timestamp, headers: record.headers });
          }
        }
      },
    };
  });
}

/** The left side again: a response becomes the join result if the left value is still the one that subscribed (ResponseJoinProcessorSupplier). */
export function responseJoinSupplier(leftView: TableView, joiner: FunctionRef<'value-joiner'>, leftJoin: boolean): OperatorSupplier {
  return new OperatorSupplier('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER', [joiner, ...viewFunctions(leftView)], (bind) => {
    const join = bind(joiner);
    let left: Lookup;
    return {
      init(context) {
        left = bindView(leftView, bind, context);
      },
      process(record, context) {
        const response = decodeResponse(record.value!);
        const current = left(record.key!)?.value.slice();
        if (!sameHash(response.hash, valueHash(current))) {
          context.recordDropped('a foreign-key join response for a left value that has changed since');
          return;
        }
        const result = response.foreignValue === undefined && (!leftJoin || current === undefined) ? undefined : join(record.key, current, response.foreignValue);
        context.forward({ ...record, value: result });
      },
    };
  });
}
