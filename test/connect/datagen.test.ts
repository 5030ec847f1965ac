// The datagen source connector (plugins/connect-datagen-rust): through the
// host's connector adapter, its keys are checked (a bad one named), the same
// seed gives the same records, `iterations` is split over the tasks, the
// rate follows the wall clock, and a task started at a stored position
// continues the sequence; then in a standalone worker on a real broker: the
// records land in their topics, iterations is honoured, and after the worker
// stops and starts again every task's sequence continues exactly — no record
// repeated, none missing.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readConnectorFile } from '../../runtime/connect/connector-config.ts';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import { ConnectorPlugin, type Config, type SourceRecord0_3_0 as SourceRecord } from '../../runtime/plugin/plugin-connector.ts';
import { javaToString, type ConnectSchema } from '../../runtime/connect/connect-data.ts';
import { JsonConverter } from '../../runtime/connect/json-converter.ts';
import { decodeRecord } from '../../runtime/connect/transform-record.ts';
import { brokers, readAll, uniqueName, waitFor } from '../support/kafka.ts';
import { pluginPath } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { polledData as polled } from '../support/connector-records.ts';

const host = { connector: 'datagen', log: () => undefined };
const plugin = () => ConnectorPlugin.load(pluginPath('connect-datagen-rust'));
const data = (record: SourceRecord) => decodeRecord(record.data, 'datagen', 'source task');
/** The key as StringConverter writes it. */
const keyOf = (record: SourceRecord) => javaToString(data(record).key.value);
/** The value as JsonConverter without schemas writes it. */
const valueOf = (record: SourceRecord) => new JsonConverter(false).payloadJson(data(record).value);
/** A schema as `type name{field:schema,…}`, to compare whole schemas at a glance. */
const shape = (schema: ConnectSchema | undefined): string =>
  schema === undefined ? 'schemaless' : `${schema.type}${schema.optional ? '?' : ''}${schema.name ? ` ${schema.name}` : ''}${schema.fields ? `{${schema.fields.map((field) => `${field.name}:${shape(field.schema)}`).join(',')}}` : ''}`;
const position = (record: SourceRecord) => Number(record.sourceOffset.find(([key]) => key === 'position')?.[1]);

/** Every record of each task of a connector, polled as fast as the plugin allows (max.interval=0). */
async function generateAll(config: Config, maxTasks: number): Promise<SourceRecord[][]> {
  const loaded = await plugin();
  const fast: Config = [...config.filter(([key]) => key !== 'max.interval'), ['max.interval', '0']];
  return loaded.connector(host).taskConfigs(fast, maxTasks).map((taskConfig, task) => {
    const instance = loaded.sourceTask(host, task);
    instance.start(taskConfig, []);
    const records: SourceRecord[] = [];
    for (let batch = polled(instance.pollRecords()); batch.length > 0; batch = polled(instance.pollRecords())) records.push(...batch);
    instance.stop();
    return records;
  });
}

/** The first `count` records of one task, started at `from` (a stored position). */
async function generateFrom(config: Config, maxTasks: number, task: number, from: number, count: number): Promise<SourceRecord[]> {
  const loaded = await plugin();
  const fast: Config = [...config.filter(([key]) => key !== 'max.interval'), ['max.interval', '0']];
  const instance = loaded.sourceTask(host, task);
  const taskConfig = loaded.connector(host).taskConfigs(fast, maxTasks)[task]!;
  instance.start(taskConfig, from === 0 ? [] : [{ sourcePartition: [['task', String(task)]], sourceOffset: [['position', String(from)]] }]);
  const records: SourceRecord[] = [];
  while (records.length < count) records.push(...polled(instance.pollRecords()));
  instance.stop();
  return records.slice(0, count);
}

test('the connector checks its keys and names the refused ones', async () => {
  const connector = (await plugin()).connector(host);
  assert.equal((await plugin()).kind, 'source');
  assert.deepEqual(connector.validate([['kafka.topic', 't'], ['quickstart', 'users']]), []);
  const keys = (config: Config) => connector.validate(config).map((issue) => issue.key);
  assert.deepEqual(keys([['quickstart', 'users']]), ['kafka.topic']);
  assert.deepEqual(keys([['kafka.topic', 't']]), ['quickstart']);
  assert.deepEqual(keys([['kafka.topic', 't'], ['quickstart', 'stocks']]), ['quickstart']);
  assert.match(connector.validate([['kafka.topic', 't'], ['quickstart', 'stocks']])[0]!.message, /Invalid value stocks for configuration quickstart: must be one of users, pageviews, orders/);
  assert.deepEqual(keys([['kafka.topic', 't'], ['quickstart', 'orders'], ['max.interval', '-5']]), ['max.interval']);
  assert.deepEqual(keys([['kafka.topic', 't'], ['quickstart', 'orders'], ['iterations', '-2']]), ['iterations']);
  assert.deepEqual(keys([['kafka.topic', 't'], ['quickstart', 'orders'], ['random.seed', 'abc']]), ['random.seed']);
  assert.deepEqual(keys([['kafka.topic', 'a,b'], ['quickstart', 'PageViews'], ['schema.filename', '/tmp/s.avsc']]), ['kafka.topic', 'schema.filename']);
});

test('records are seeded: the same seed gives the same records, another seed others; keys and values follow the quickstart', async () => {
  const config = (seed: string, quickstart = 'users'): Config => [['name', 'a'], ['kafka.topic', 'users'], ['quickstart', quickstart], ['iterations', '50'], ['random.seed', seed]];
  const [first] = await generateAll(config('42'), 1);
  const [again] = await generateAll([...config('42'), ['name', 'another-name']], 1);
  const [other] = await generateAll(config('43'), 1);
  assert.equal(first!.length, 50);
  assert.deepEqual(again!.map(valueOf), first!.map(valueOf));
  assert.deepEqual(again!.map(keyOf), first!.map(keyOf));
  assert.notDeepEqual(other!.map(valueOf), first!.map(valueOf));
  for (const record of first!) {
    const user = JSON.parse(valueOf(record)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(user), ['registertime', 'userid', 'regionid', 'gender']);
    assert.match(user.userid as string, /^User_[1-9]$/);
    assert.equal(keyOf(record), user.userid, 'users are keyed by userid');
    assert.ok(['MALE', 'FEMALE', 'OTHER'].includes(user.gender as string));
    assert.deepEqual(record.sourcePartition, [['task', '0']]);
    assert.equal(record.data.topic, 'users');
    assert.equal(shape(data(record).key.schema), 'string');
    assert.equal(shape(data(record).value.schema), 'struct ksql.users{registertime:int64,userid:string,regionid:string,gender:string}');
    assert.equal(javaToString(data(record).value.value), `Struct{registertime=${user.registertime},userid=${user.userid},regionid=${user.regionid},gender=${user.gender}}`);
  }
  assert.deepEqual(first!.map(position), Array.from({ length: 50 }, (_, index) => index + 1));
  // Without random.seed the seed comes from the connector's name: stable across restarts, different per connector.
  const unseeded = (name: string): Config => [['name', name], ['kafka.topic', 't'], ['quickstart', 'pageviews'], ['iterations', '20']];
  assert.deepEqual((await generateAll(unseeded('x'), 1))[0]!.map(valueOf), (await generateAll(unseeded('x'), 1))[0]!.map(valueOf));
  assert.notDeepEqual((await generateAll(unseeded('x'), 1))[0]!.map(valueOf), (await generateAll(unseeded('y'), 1))[0]!.map(valueOf));
  const [orders] = await generateAll(config('1', 'orders'), 1);
  const order = JSON.parse(valueOf(orders![3]!)) as { orderid: number; address: { zipcode: number } };
  assert.equal(order.orderid, 3);
  assert.equal(keyOf(orders![3]!), '3');
  assert.equal(typeof order.address.zipcode, 'number');
  assert.equal(shape(data(orders![3]!).key.schema), 'int64');
  assert.equal(shape(data(orders![3]!).value.schema), 'struct ksql.orders{ordertime:int64,orderid:int64,itemid:string,orderunits:float64,address:struct ksql.address{city:string,state:string,zipcode:int32}}');
  const [views] = await generateAll(config('1', 'pageviews'), 1);
  assert.deepEqual(views!.slice(0, 3).map(keyOf), ['1', '11', '21'], 'pageviews are keyed by viewtime, which steps by 10');
});

test('tasks.max splits iterations; each task has its own stream; a start at a stored position continues it exactly', async () => {
  const config: Config = [['kafka.topic', 'orders'], ['quickstart', 'orders'], ['iterations', '11'], ['random.seed', '7']];
  const tasks = await generateAll(config, 3);
  assert.deepEqual(tasks.map((records) => records.length), [4, 4, 3]);
  const ids = tasks.flatMap((records) => records.map((record) => (JSON.parse(valueOf(record)) as { orderid: number }).orderid));
  assert.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: 11 }, (_, index) => index), 'order ids are unique over the tasks');
  assert.deepEqual(tasks[1]!.map((record) => record.sourcePartition), tasks[1]!.map(() => [['task', '1']]));
  assert.equal((await generateAll([...config, ['iterations', '2']], 5)).length, 2, 'no more tasks than records');
  const unbounded: Config = [['kafka.topic', 'u'], ['quickstart', 'users'], ['random.seed', '5']];
  const straight = await generateFrom(unbounded, 2, 1, 0, 30);
  const resumed = await generateFrom(unbounded, 2, 1, 12, 18);
  assert.deepEqual(resumed.map(valueOf), straight.slice(12).map(valueOf));
  assert.deepEqual(resumed.map(position), straight.slice(12).map(position));
});

test('the rate follows the wall clock: the first record at once, the next one max.interval later', async () => {
  const loaded = await plugin();
  const instance = loaded.sourceTask(host, 0);
  // One record an hour: the second poll comes long before the second record is due.
  instance.start([['kafka.topic', 't'], ['quickstart', 'users'], ['max.interval', '3600000']], []);
  const first = polled(instance.pollRecords());
  assert.equal(first.length, 1);
  assert.deepEqual(polled(instance.pollRecords()), []);
  assert.ok(first[0]!.data.timestamp !== undefined && Math.abs(Number(first[0]!.data.timestamp) - Date.now()) < 60_000, 'stamped with the time it was due');
  instance.stop();
});

function properties(entries: Record<string, string | number>): string {
  return Object.entries(entries).map(([key, value]) => `${key}=${value}`).join('\n') + '\n';
}

test('in a standalone worker: records land in the topic, iterations is honoured, a restart continues every sequence exactly', { timeout: 300_000 }, async () => {
  const directory = temporaryDirectory('connect-datagen');
  const suffix = uniqueName('');
  const offsetsFile = join(directory, 'connect.offsets');
  writeFileSync(join(directory, 'worker.properties'), properties({
    'bootstrap.servers': await brokers(),
    'offset.storage.file.filename': offsetsFile,
    'offset.flush.interval.ms': 200,
    'listeners': 'http://127.0.0.1:0',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
  }));
  // Unbounded, two tasks, one record every 10 ms per task.
  const ordersConfig = { 'kafka.topic': `datagen-orders${suffix}`, 'quickstart': 'orders', 'max.interval': 10, 'random.seed': 7 };
  writeFileSync(join(directory, 'orders.properties'), properties({ name: `orders${suffix}`, 'connector.class': 'io.confluent.kafka.connect.datagen.DatagenConnector', 'tasks.max': 2, ...ordersConfig }));
  // 7 records over two tasks, as fast as they go; a second connector with the same seed.
  const usersConfig = { 'quickstart': 'users', 'iterations': 7, 'max.interval': 0, 'random.seed': 11 };
  writeFileSync(join(directory, 'users.properties'), properties({ name: `users${suffix}`, 'connector.class': 'DatagenConnector', 'tasks.max': 2, 'kafka.topic': `datagen-users${suffix}`, ...usersConfig }));
  writeFileSync(join(directory, 'users-again.properties'), properties({ name: `users-again${suffix}`, 'connector.class': 'DatagenConnector', 'tasks.max': 2, 'kafka.topic': `datagen-users-again${suffix}`, ...usersConfig }));
  // The same again with JSON keys and values with schemas (Kafka's JsonConverter defaults): the quickstart's struct schema in each record.
  writeFileSync(join(directory, 'users-schemas.properties'), properties({
    name: `users-schemas${suffix}`, 'connector.class': 'DatagenConnector', 'tasks.max': 2, 'kafka.topic': `datagen-users-schemas${suffix}`, ...usersConfig,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'true',
  }));
  assert.ok(readConnectorFile(join(directory, 'users.properties')).plugin.path.endsWith('connect-datagen-rust'));
  const files = ['orders.properties', 'users.properties', 'users-again.properties', 'users-schemas.properties'].map((file) => join(directory, file));
  const logs: string[] = [];
  const start = () => StandaloneWorker.start(join(directory, 'worker.properties'), files, { log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`) });
  const stored = (): Map<string, number> => {
    if (!existsSync(offsetsFile)) return new Map();
    const document = JSON.parse(readFileSync(offsetsFile, 'utf8')) as { offsets: Array<{ key: string; offset: { position: string } }> };
    return new Map(document.offsets.map((entry) => {
      const [connector, partition] = JSON.parse(entry.key) as [string, { task: string }];
      return [`${connector}/${partition.task}`, Number(entry.offset.position)];
    }));
  };
  const orderIds = async () => (await readAll(ordersConfig['kafka.topic'])).map((record) => {
    const order = JSON.parse(record.value!) as { orderid: number };
    assert.equal(record.key, String(order.orderid));
    return order.orderid;
  });

  let worker = await start();
  try {
    await waitFor('both users connectors to store all 7 positions', async () => {
      const offsets = stored();
      return [`users${suffix}/0`, `users${suffix}/1`, `users-again${suffix}/0`, `users-again${suffix}/1`, `users-schemas${suffix}/0`, `users-schemas${suffix}/1`].map((key) => offsets.get(key)).join() === '4,3,4,3,4,3';
    }, 120_000);
    await waitFor('20 orders from each task', async () => {
      const ids = await orderIds();
      return ids.filter((id) => id % 2 === 0).length >= 20 && ids.filter((id) => id % 2 === 1).length >= 20;
    }, 120_000);
  } finally {
    await worker.stop();
  }
  const firstRun = await orderIds();

  // Iterations honoured, the same seed the same records (keyed by userid, plain JSON values).
  const users = await readAll(`datagen-users${suffix}`);
  const usersAgain = await readAll(`datagen-users-again${suffix}`);
  assert.equal(users.length, 7);
  const expectedUsers = (await generateAll([['kafka.topic', 'x'], ...Object.entries(usersConfig).map(([key, value]): [string, string] => [key, String(value)])], 2)).flat();
  const sorted = (records: Array<{ key: string | null; value: string | null }>) => records.map((record) => `${record.key} ${record.value}`).sort();
  assert.deepEqual(sorted(users), sorted(expectedUsers.map((record) => ({ key: keyOf(record), value: valueOf(record) }))));
  assert.deepEqual(sorted(usersAgain), sorted(users));
  for (const record of users) assert.equal(record.key, (JSON.parse(record.value!) as { userid: string }).userid);
  const withSchemas = await readAll(`datagen-users-schemas${suffix}`);
  assert.deepEqual(
    withSchemas.map((record) => `${(JSON.parse(record.key!) as { payload: string }).payload} ${JSON.stringify((JSON.parse(record.value!) as { payload: unknown }).payload)}`).sort(),
    sorted(users),
  );
  for (const record of withSchemas) {
    assert.deepEqual(JSON.parse(record.key!).schema, { type: 'string', optional: false });
    assert.deepEqual(JSON.parse(record.value!).schema, {
      type: 'struct',
      fields: [{ type: 'int64', optional: false, field: 'registertime' }, { type: 'string', optional: false, field: 'userid' }, { type: 'string', optional: false, field: 'regionid' }, { type: 'string', optional: false, field: 'gender' }],
      optional: false,
      name: 'ksql.users',
    });
  }

  // A restart: each task resumes at its stored position.
  const positions = stored();
  const perTask = (ids: number[], task: number) => ids.filter((id) => id % 2 === task).map((id) => (id - task) / 2);
  for (const task of [0, 1]) {
    assert.deepEqual(perTask(firstRun, task), Array.from({ length: positions.get(`orders${suffix}/${task}`)! }, (_, index) => index), `task ${task}: every record once, in order, up to the stored position`);
  }
  worker = await start();
  try {
    await waitFor('20 more orders from each task', async () => {
      const ids = await orderIds();
      return [0, 1].every((task) => perTask(ids, task).length >= positions.get(`orders${suffix}/${task}`)! + 20);
    }, 120_000);
  } finally {
    await worker.stop();
  }
  const ids = await orderIds();
  const most = Math.max(perTask(ids, 0).length, perTask(ids, 1).length);
  const expected = await generateAll([['kafka.topic', ordersConfig['kafka.topic']], ['quickstart', 'orders'], ['random.seed', '7'], ['iterations', String(2 * most)]], 2);
  const byId = new Map(expected.flat().map((record) => [keyOf(record), valueOf(record)]));
  for (const task of [0, 1]) {
    const sequence = perTask(ids, task);
    assert.deepEqual(sequence, Array.from({ length: sequence.length }, (_, index) => index), `task ${task}: continued after the restart with no repeat and no gap`);
  }
  const records = await readAll(ordersConfig['kafka.topic']);
  for (const record of records) assert.deepEqual(JSON.parse(record.value!), JSON.parse(byId.get(record.key!)!), `order ${record.key} as if never stopped`);
  assert.equal((await readAll(`datagen-users${suffix}`)).length, 7, 'a finished connector generates nothing more after a restart');
  assert.ok(!logs.some((line) => /^error/.test(line)), logs.join('\n'));
});

test('a standalone worker refuses an unknown quickstart and a negative interval, naming the key', { timeout: 120_000 }, async () => {
  const directory = temporaryDirectory('connect-datagen-refused');
  writeFileSync(join(directory, 'worker.properties'), properties({ 'bootstrap.servers': await brokers(), 'offset.storage.file.filename': join(directory, 'offsets'), 'listeners': 'http://127.0.0.1:0' }));
  const refusal = async (config: Record<string, string>) => {
    writeFileSync(join(directory, 'bad.properties'), properties({ name: 'bad', 'connector.class': 'DatagenConnector', 'kafka.topic': 'bad', ...config }));
    try {
      const worker = await StandaloneWorker.start(join(directory, 'worker.properties'), [join(directory, 'bad.properties')], { log: () => undefined });
      await worker.stop();
    } catch (error) {
      return error as Error & { code?: string; context?: { field?: string; line?: number } };
    }
    assert.fail(`${JSON.stringify(config)} was accepted`);
  };
  const unknown = await refusal({ quickstart: 'stocks' });
  assert.equal(unknown.code, 'connector-config-invalid');
  assert.match(unknown.message, /Invalid value stocks for configuration quickstart: must be one of users, pageviews, orders/);
  assert.equal(unknown.context?.field, 'quickstart');
  assert.match(unknown.message, /field=quickstart/);
  const negative = await refusal({ quickstart: 'users', 'max.interval': '-1' });
  assert.match(negative.message, /Invalid value -1 for configuration max\.interval/);
  assert.equal(negative.context?.field, 'max.interval');
});
