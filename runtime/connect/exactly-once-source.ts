// Exactly-once source connectors (KIP-618): what a distributed worker with
// `exactly.once.source.support=enabled` does differently for a source
// connector, in one place.
//
// Owns: reading the source connector keys of KIP-618 (`exactly.once.support`,
// `transaction.boundary`, `transaction.boundary.interval.ms`,
// `offsets.storage.topic`, declared in connector-config.ts; a distributed
// worker gives a connector that names one its own offsets store,
// connector-offset-store.ts), the preflight
// checks the distributed herder runs before accepting such a
// connector (Kafka's wording), a task's transactional id
// (`<group.id>-<connector>-<task>`, as Kafka's Worker.taskTransactionalId),
// and fencing the producers of tasks a new generation of task
// configurations retires (Kafka's zombie fencing).
// Must never: send records or offsets itself (the source task does, through
// the exactly-once commit protocol), or know the Kafka client.

import type { KafkaConnection } from '../kafka/ports.ts';
import { ExactlyOnceCommit } from '../task/commit-protocol.ts';
import { ConfigDefinition, oneOfIgnoringCase, type ConfigSource } from './config-definition.ts';
import { sourceConnectorKeys } from './connector-config.ts';

/** The worker's `exactly.once.source.support` (DistributedConfig). */
export type ExactlyOnceSourceSupport = 'disabled' | 'preparing' | 'enabled';
export const exactlyOnceSourceSupportValidator = oneOfIgnoringCase('disabled', 'preparing', 'enabled');

/** KIP-618's keys of a source connector, as connector-config.ts declares them (with Kafka's documentation). */
const sourceKeysDefinition = new ConfigDefinition('source connector', sourceConnectorKeys);

export type TransactionBoundary = 'poll' | 'interval' | 'connector';

export interface SourceExactlyOnceSettings {
  support: 'requested' | 'required';
  boundary: TransactionBoundary;
  /** undefined: the worker's offset.flush.interval.ms. */
  boundaryIntervalMs: number | undefined;
  offsetsTopic: string | undefined;
}

export function parseSourceExactlyOnce(source: ConfigSource): SourceExactlyOnceSettings {
  const values = sourceKeysDefinition.parse(source);
  return {
    support: values['exactly.once.support'].toLowerCase() as SourceExactlyOnceSettings['support'],
    boundary: values['transaction.boundary'].toLowerCase() as TransactionBoundary,
    boundaryIntervalMs: values['transaction.boundary.interval.ms'],
    offsetsTopic: values['offsets.storage.topic'],
  };
}

/**
 * What Kafka's DistributedHerder refuses in a source connector's
 * configuration before accepting it (validateSourceConnectorConfig), one
 * problem per key. `pluginSupport`: what the plugin says about exactly-once
 * for this configuration (undefined: it cannot say — Kafka's null).
 */
export function exactlyOnceProblems(settings: SourceExactlyOnceSettings, workerSupport: ExactlyOnceSourceSupport, pluginSupport: boolean | undefined): Array<{ key: string; message: string }> {
  const problems: Array<{ key: string; message: string }> = [];
  if (settings.support === 'required') {
    const messages: string[] = [];
    if (workerSupport !== 'enabled') messages.push('This worker does not have exactly-once source support enabled.');
    if (pluginSupport === undefined) {
      messages.push('The connector does not implement the API required for preflight validation of exactly-once source support. Please consult the documentation for the connector to determine whether it supports exactly-once semantics, and then consider reconfiguring the connector to use the value "requested" for this property (which will disable this preflight check and allow the connector to be created).');
    } else if (!pluginSupport) {
      messages.push('The connector does not support exactly-once semantics with the provided configuration.');
    }
    for (const message of messages) problems.push({ key: 'exactly.once.support', message });
  }
  if (settings.boundary === 'connector') {
    // No Eddy connector can define its own transaction boundaries (the source-task world has no way to say where one ends).
    problems.push({ key: 'transaction.boundary', message: 'The connector does not support connector-defined transaction boundaries with the given configuration. Please reconfigure it to use a different transaction boundary definition.' });
  }
  return problems;
}

/** The transactional id of a source task's producer (Kafka's `%s-%s-%d` of group, connector and task). */
export function taskTransactionalId(groupId: string, connector: string, task: number): string {
  return `${groupId}-${connector}-${task}`;
}

/**
 * Fences the producers of tasks `from` … `to - 1` of a connector: each
 * transactional id is registered again, which bumps its epoch (a zombie still
 * holding it fails at its next write) and aborts its open transaction (Kafka
 * fences through Admin.fenceProducers; registering the id is the same
 * InitProducerId request).
 */
export async function fenceTaskProducers(connection: KafkaConnection, groupId: string, connector: string, from: number, to: number): Promise<void> {
  for (let task = from; task < to; task++) {
    const fence = await ExactlyOnceCommit.open(connection, taskTransactionalId(groupId, connector, task), () => ({ groupId }), 60_000);
    await fence.close();
  }
}
