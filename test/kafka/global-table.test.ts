// A GlobalKTable on the real broker: every instance reads the whole global
// topic (3 partitions) before its stream threads start, so a stream on a
// topic with another partition count (2) joins it with no repartition and no
// co-partitioning; updates of the global topic reach the joins of both
// instances; a restarted instance resumes its global store from its state
// and still sees updates. Exactly-once, read_committed.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectKafka } from '../../runtime/kafka/connection.ts';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { brokers, createTopics, readAll, startApp, uniqueName, waitFor, type AppProcess } from '../support/kafka.ts';
import { pluginDirectory } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';

test('a stream joins a GlobalKTable that every instance holds whole; global updates reach every instance', { timeout: 240_000 }, async () => {
  const applicationId = uniqueName('global');
  const users = `${applicationId}-users`;
  const clicks = `${applicationId}-clicks`;
  const output = `${applicationId}-enriched`;
  await createTopics([{ topic: users, partitions: 3 }, { topic: clicks, partitions: 2 }, { topic: output, partitions: 2 }]);
  const bootstrap = await brokers();
  const names = ['ada', 'bob', 'cyd', 'dee', 'eve', 'fay'];
  // The global topic has data before any instance starts: the bootstrap reads it. Written in a
  // transaction, so each partition ends with a commit marker the bootstrap must read past.
  const connection = connectKafka(bootstrap, 'global-table-test');
  const producer = await connection.transactionalProducer(uniqueName('global-users'));
  const encoder = new TextEncoder();
  await producer.send(names.map((name, index) => ({ topic: users, record: { key: encoder.encode(`u${index}`), value: encoder.encode(name), timestamp: Date.now(), headers: [] } })));
  await producer.commit();
  await producer.disconnect();
  await connection.close();
  const stateDirs = [temporaryDirectory(), temporaryDirectory()];
  const app = (instance: number) =>
    startApp(`global-${instance}`, `
application.id: ${applicationId}
bootstrap.servers: \${KAFKA_BROKERS}
processing.guarantee: exactly_once_v2
commit.interval.ms: 100
session.timeout.ms: 6000
state.dir: ${stateDirs[instance]}
admin.listener: 127.0.0.1:0
topology:
  dsl:
    functions: { f: { plugin: ${pluginDirectory('dsl-functions-rust')} } }
    streams:
      - { globalTable: ${users}, as: users }
      - { stream: ${clicks}, steps: [{ leftJoin: { globalTable: users, keySelector: f.value-as-key, joiner: f.join-values } }, { to: ${output} }] }
`);
  const instances: AppProcess[] = [await app(0), await app(1)];
  await waitFor('both instances to run a task', async () => ((await Promise.all(instances.map((instance) => instance.activeTasks()))).every((tasks) => tasks.length === 1) ? true : undefined), 90_000);
  for (const instance of instances) assert.match(instance.output, /global stores \[[^\]]+\] read: 6 records/, 'the whole global topic is read before processing');

  let clickIndex = 0;
  const sendClicks = async (userIds: string[], partition?: number) => {
    const batch = userIds.map((user) => ({ key: `c${clickIndex++}`, value: user, ...(partition === undefined ? {} : { partition }) }));
    await produceRecords(bootstrap, clicks, batch);
    return batch;
  };
  /** Sends probe clicks on `user` to both partitions (both instances) until each partition's probe has joined `expected`. */
  const seenByBoth = (user: string, expected: string) => {
    const probes = new Map<string, number>();
    return waitFor(`${expected} seen on both partitions`, async () => {
      for (const partition of [0, 1]) for (const { key } of await sendClicks([user], partition)) probes.set(key, partition);
      const read = await readAll(output);
      const seen = new Set(read.filter((record) => record.value === expected && probes.has(record.key ?? '')).map((record) => probes.get(record.key ?? '')));
      return seen.size === 2 ? true : undefined;
    }, 60_000, 1000);
  };
  // Clicks on both partitions: each instance joins its own against its whole copy.
  const first = await sendClicks(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u9', 'u0', 'u3', 'u5']);
  const expectedFirst = first.map(({ key, value }) => [key, `${value}+${names[Number(value.slice(1))] ?? 'null'}`]);
  const enriched = async (count: number) => waitFor(`${count} enriched clicks`, async () => {
    const read = await readAll(output);
    return read.length >= count ? read : undefined;
  }, 90_000);
  assert.deepEqual((await enriched(10)).map((record) => [record.key, record.value]).sort(), expectedFirst.sort());

  // A global update (and a delete) reaches both instances' joins.
  await produceRecords(bootstrap, users, [{ key: 'u1', value: 'BOB' }, { key: 'u2', value: null }, { key: 'u9', value: 'new' }]);
  // Both instances follow the global topic on their own: wait until each has the update.
  await seenByBoth('u9', 'u9+new');
  const before = (await readAll(output)).length;
  const second = await sendClicks(['u1', 'u2', 'u9', 'u1', 'u2', 'u9', 'u4', 'u4']);
  const after = await enriched(before + second.length);
  const byKey = new Map(after.map((record) => [record.key, record.value]));
  for (const { key, value } of second) {
    const expected = value === 'u1' ? 'u1+BOB' : value === 'u2' ? 'u2+null' : value === 'u9' ? 'u9+new' : 'u4+eve';
    assert.equal(byKey.get(key), expected, `click ${key} on ${value} (after the update, on either instance)`);
  }

  // A restarted instance resumes its global store from its state folder, and follows new updates.
  instances[1]!.kill('SIGKILL');
  await instances[1]!.waitExit();
  assert.ok(existsSync(join(stateDirs[1]!, applicationId, 'global', 'state.db')), 'the global state is kept in the state folder');
  instances[1] = await app(1);
  await waitFor('the restarted instance to run a task', async () => ((await instances[1]!.activeTasks()).length === 1 ? true : undefined), 90_000);
  assert.match(instances[1]!.output, /global stores \[[^\]]+\] read: 0 records/, 'nothing to read again: the state was there');
  await produceRecords(bootstrap, users, [{ key: 'u5', value: 'FAY' }]);
  await seenByBoth('u5', 'u5+FAY');
  const all = await readAll(output);
  assert.equal(new Set(all.map((record) => record.key)).size, all.length, 'every click joined once (exactly-once)');
  for (const instance of instances) assert.equal(await instance.stop(), 0);
});
