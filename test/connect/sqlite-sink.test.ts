// The SQLite sink (plugins/connect-sqlite-sink-rust) and its capability
// (runtime/plugin/host/sqlite-access.ts): the host module grants one database
// and refuses every other, and every statement that would reach past it; the
// plugin refuses a bad configuration naming the key, writes struct keys and
// evolves tables; in a standalone worker on Kafka, upserts by key, deletes on
// a tombstone, creates the table from the JSON fields, and inserts.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { StandaloneWorker } from '../../runtime/connect/standalone-worker.ts';
import type { ConnectConfigError } from '../../runtime/errors.ts';
import { produceRecords } from '../../runtime/kafka/kafka-client.ts';
import { ConnectorPlugin, connectorGrants, type Config, type SinkRecord } from '../../runtime/plugin/plugin-connector.ts';
import { sqliteAccessImports, sqliteGrantOf } from '../../runtime/plugin/host/sqlite-access.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../support/kafka.ts';
import { pluginPath } from '../support/plugins.ts';
import { temporaryDirectory } from '../support/temporary.ts';
import { refusal } from '../support/host-imports.ts';
import { writeProperties } from '../support/properties.ts';

const sink = () => ConnectorPlugin.load(pluginPath('connect-sqlite-sink-rust'));
const host = { connector: 'sqlite-sink', log: () => undefined };

function rows(database: string, sql: string): unknown[] {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

test('sqlite-access grants the one database its connection.url names and refuses the rest, naming the capability', () => {
  const directory = temporaryDirectory('sqlite-access');
  const granted = join(directory, 'granted.db');
  assert.deepEqual(sqliteGrantOf(`jdbc:sqlite:${granted}`), { database: granted });
  for (const url of ['jdbc:sqlite::memory:', 'jdbc:sqlite:', 'jdbc:sqlite:file:x.db', 'jdbc:sqlite:x.db?mode=ro', 'jdbc:postgresql://h/db', granted]) assert.equal(sqliteGrantOf(url), undefined, url);
  assert.deepEqual(connectorGrants([['connection.url', `jdbc:sqlite:${granted}`], ['topics', 't']], 'sink'), { sqlite: { database: granted } });
  assert.deepEqual(connectorGrants([['file', '/tmp/f']], 'sink'), { file: { file: '/tmp/f', mode: 'append' } });

  const { imports, close } = sqliteAccessImports({ database: granted });
  try {
    const changed = imports.execute(granted, [
      { sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)', params: [] },
      { sql: 'INSERT INTO t VALUES (?, ?, ?, ?)', params: [{ tag: 'integer', val: 9007199254740993n }, { tag: 'text', val: 'é' }, { tag: 'real', val: 1.5 }, { tag: 'blob', val: new Uint8Array([0, 255]) }] },
      { sql: 'INSERT INTO t (id, name) VALUES (?, ?)', params: [{ tag: 'integer', val: 2n }, { tag: 'null' }] },
    ]);
    assert.deepEqual([...changed], [0n, 1n, 1n]);
    assert.deepEqual(imports.query(granted, 'SELECT id, name, score, data FROM t ORDER BY id', []), {
      columns: ['id', 'name', 'score', 'data'],
      rows: [
        [{ tag: 'integer', val: 2n }, { tag: 'null' }, { tag: 'null' }, { tag: 'null' }],
        [{ tag: 'integer', val: 9007199254740993n }, { tag: 'text', val: 'é' }, { tag: 'real', val: 1.5 }, { tag: 'blob', val: new Uint8Array([0, 255]) }],
      ],
    });
    assert.deepEqual(imports.query(granted, 'PRAGMA table_info("t")', []).rows.map((row) => row[1]), ['id', 'name', 'score', 'data'].map((val) => ({ tag: 'text', val })));

    // One transaction per call: a failing statement takes the whole batch back.
    const failed = refusal(() => imports.execute(granted, [
      { sql: 'INSERT INTO t (id) VALUES (3)', params: [] },
      { sql: 'INSERT INTO t (id) VALUES (2)', params: [] },
    ]));
    assert.equal(failed.tag, 'failed');
    assert.match(failed.val!, /^SQLITE_CONSTRAINT_PRIMARYKEY: UNIQUE constraint failed: t\.id/);
    assert.deepEqual(imports.query(granted, 'SELECT count(*) AS n FROM t', []).rows, [[{ tag: 'integer', val: 2n }]]);

    // Another database, by any spelling, is refused naming the capability and the grant.
    const other = join(directory, 'other.db');
    for (const [path, call] of [[other, () => imports.execute(other, [])], [other, () => imports.query(other, 'SELECT 1', [])], [`${directory}/x/../other.db`, () => imports.query(`${directory}/x/../other.db`, 'SELECT 1', [])]] as const) {
      assert.deepEqual(refusal(call), { tag: 'not-granted', val: `capability 'sqlite-access' grants only '${granted}' (the connector's 'connection.url' key); refused: ${path}` });
    }
    assert.deepEqual([...imports.execute(`${directory}/x/../granted.db`, [])], []); // the same file, spelled otherwise
    // Statements that would reach past the granted file, or take the transaction from the host.
    for (const sql of [`ATTACH DATABASE '${other}' AS o`, `/* x */ attach '${other}' as o`, `VACUUM INTO '${other}'`, 'BEGIN', 'COMMIT', 'SAVEPOINT s', 'PRAGMA journal_mode = WAL', 'PRAGMA main.writable_schema', "SELECT load_extension('x')"]) {
      const refused = refusal(() => imports.execute(granted, [{ sql, params: [] }]));
      if (sql.includes('load_extension')) assert.deepEqual(refused, { tag: 'failed', val: 'SQLITE_ERROR: not authorized' });
      else assert.equal(refused.tag, 'not-granted', sql);
      if (refused.tag === 'not-granted') assert.match(refused.val!, /^capability 'sqlite-access' (does not run|runs only)/);
    }
    assert.match(refusal(() => imports.query(granted, 'DELETE FROM t', [])).val!, /capability 'sqlite-access' queries with read-only statements only/);
    assert.deepEqual(imports.query(granted, 'PRAGMA main.table_info(t)', []).rows.length, 4);
  } finally {
    close();
  }
  // No connection.url: nothing granted.
  assert.match(refusal(() => sqliteAccessImports(undefined).imports.query(granted, 'SELECT 1', [])).val!, /^capability 'sqlite-access' was not granted to this connector \(its configuration names no 'connection.url'/);
});

test('the SQLite sink refuses a bad configuration naming the key; writes struct keys, updates and evolves tables; a task naming another database than its grant is refused', async () => {
  const plugin = await sink();
  assert.equal(plugin.kind, 'sink');
  assert.deepEqual(plugin.configDef.map((key) => key.name), ['connection.url', 'insert.mode', 'delete.enabled', 'table.name.format', 'pk.mode', 'pk.fields', 'auto.create', 'auto.evolve']);
  const half = plugin.connector(host);
  try {
    assert.deepEqual(half.validate([['connection.url', 'jdbc:sqlite:/tmp/x.db'], ['delete.enabled', 'true']]), [
      { key: 'delete.enabled', message: 'Invalid value true for configuration delete.enabled: deletes need pk.mode=record_key (a tombstone deletes the row of its key)' },
    ]);
    assert.deepEqual(half.validate([['connection.url', 'jdbc:postgresql://localhost/db']]).map((issue) => issue.key), ['connection.url']);
    assert.match(half.validate([['connection.url', 'jdbc:sqlite::memory:']])[0]!.message, /must name a database file/);
    assert.deepEqual(half.validate([['connection.url', 'jdbc:sqlite:/tmp/x.db'], ['insert.mode', 'upsert']]).map((issue) => issue.key), ['pk.mode']);
    assert.deepEqual(half.validate([['connection.url', 'jdbc:sqlite:/tmp/x.db'], ['insert.mode', 'merge'], ['pk.mode', 'kafka']]).map((issue) => issue.key), ['insert.mode', 'pk.mode']);
    assert.deepEqual(half.validate([['connection.url', 'jdbc:sqlite:/tmp/x.db'], ['insert.mode', 'upsert'], ['pk.mode', 'record_key'], ['delete.enabled', 'true']]), []);
  } finally {
    half.close();
  }

  const directory = temporaryDirectory('sqlite-sink-plugin');
  const database = join(directory, 'sink.db');
  const record = (offset: number, key: SinkRecord['key'], value: SinkRecord['value']): SinkRecord => ({ topic: 'orders', partition: 0, offset: BigInt(offset), key, value, timestamp: 0n });
  const config: Config = [['connection.url', `jdbc:sqlite:${database}`], ['insert.mode', 'upsert'], ['pk.mode', 'record_key'], ['delete.enabled', 'true'], ['auto.create', 'true'], ['auto.evolve', 'true'], ['table.name.format', 'kafka_${topic}']];
  const task = plugin.sinkTask(host, 0, connectorGrants(config, 'sink'));
  task.start(config);
  task.put([
    record(0, { tag: 'json', val: '{"region":"eu","id":1}' }, { tag: 'json', val: '{"item":"pen","units":3,"price":1.25,"gift":true}' }),
    record(1, { tag: 'json', val: '{"region":"us","id":1}' }, { tag: 'json', val: '{"item":"ink","units":1}' }),
  ]);
  task.put([
    record(2, { tag: 'json', val: '{"region":"eu","id":1}' }, { tag: 'json', val: '{"units":4,"note":{"by":"x"}}' }), // a new column, a nested value as JSON text
    record(3, { tag: 'json', val: '{"region":"us","id":1}' }, undefined),
  ]);
  task.flush([]);
  task.stop();
  assert.deepEqual(rows(database, 'SELECT * FROM kafka_orders'), [{ region: 'eu', id: 1, item: 'pen', units: 4, price: 1.25, gift: 1, note: '{"by":"x"}' }]);
  assert.deepEqual(rows(database, 'PRAGMA table_info(kafka_orders)').map((column) => { const { name, type, pk } = column as { name: string; type: string; pk: number }; return [name, type, pk]; }),
    [['region', 'TEXT', 1], ['id', 'INTEGER', 2], ['item', 'TEXT', 0], ['units', 'INTEGER', 0], ['price', 'REAL', 0], ['gift', 'INTEGER', 0], ['note', 'TEXT', 0]]);

  // update mode: only rows that exist change.
  const update: Config = [['connection.url', `jdbc:sqlite:${database}`], ['insert.mode', 'update'], ['pk.mode', 'record_key'], ['pk.fields', 'region,id'], ['table.name.format', 'kafka_${topic}']];
  const updating = plugin.sinkTask(host, 0, connectorGrants(update, 'sink'));
  updating.start(update);
  updating.put([record(4, { tag: 'json', val: '{"id":1,"region":"eu"}' }, { tag: 'json', val: '{"units":5}' }), record(5, { tag: 'json', val: '{"id":2,"region":"eu"}' }, { tag: 'json', val: '{"units":6}' })]);
  updating.stop();
  assert.deepEqual(rows(database, 'SELECT region, id, units FROM kafka_orders'), [{ region: 'eu', id: 1, units: 5 }]);

  // A table without the record's column and auto.evolve=false: the put fails naming the key, and nothing of it is written.
  const strict: Config = [['connection.url', `jdbc:sqlite:${database}`], ['table.name.format', 'kafka_${topic}']];
  const inserting = plugin.sinkTask(host, 0, connectorGrants(strict, 'sink'));
  inserting.start(strict);
  assert.throws(() => inserting.put([record(6, undefined, { tag: 'json', val: '{"region":"eu","id":7}' }), record(7, undefined, { tag: 'json', val: '{"region":"eu","id":8,"colour":"red"}' })]),
    /Table "kafka_orders" has no column "colour" and auto-evolution is disabled \(auto\.evolve=false\)/);
  inserting.stop();
  assert.equal(rows(database, 'SELECT * FROM kafka_orders').length, 1);

  // The task is granted what the connector's configuration names, whatever its task configuration says.
  const elsewhere = join(directory, 'elsewhere.db');
  const confused = plugin.sinkTask(host, 0, connectorGrants(strict, 'sink'));
  confused.start([['connection.url', `jdbc:sqlite:${elsewhere}`], ['auto.create', 'true']]);
  assert.throws(() => confused.put([record(8, undefined, { tag: 'text', val: 'x' })]), (error: Error) => {
    assert.match(error.message, new RegExp(`capability 'sqlite-access' grants only '${database}' \\(the connector's 'connection.url' key\\); refused: ${elsewhere}`));
    return true;
  });
  confused.stop();
});

test('the SQLite sink in a standalone worker: upsert by key, delete on a tombstone, the table created from the JSON fields; insert mode; a bad configuration refused naming the key', { timeout: 180_000 }, async () => {
  const directory = temporaryDirectory('sqlite-sink');
  const database = join(directory, 'sink.db');
  const customers = uniqueName('customers');
  const events = uniqueName('events');
  await createTopics([{ topic: customers, partitions: 1 }, { topic: events, partitions: 1 }]);
  const bootstrap = await brokers();
  const worker = join(directory, 'worker.properties');
  writeProperties(worker, {
    'bootstrap.servers': bootstrap, 'offset.storage.file.filename': join(directory, 'offsets'), 'offset.flush.interval.ms': '500', listeners: 'http://127.0.0.1:0',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
  });
  const upserts = join(directory, 'customers.properties');
  writeProperties(upserts, {
    name: 'customers-sink', 'connector.class': 'SqliteSinkConnector', topics: customers, 'connection.url': `jdbc:sqlite:${database}`, 'table.name.format': 'customers',
    'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'id', 'delete.enabled': 'true', 'auto.create': 'true',
  });
  const inserts = join(directory, 'events.properties');
  writeProperties(inserts, { name: 'events-sink', 'connector.class': 'SqliteSink', topics: events, 'connection.url': `jdbc:sqlite:${database}`, 'auto.create': 'true' });

  await produceRecords(bootstrap, customers, [
    { key: 'c1', value: '{"name":"Ada","city":"London","visits":1}' },
    { key: 'c2', value: '{"name":"Grace","city":"Arlington","visits":3}' },
    { key: 'c1', value: '{"name":"Ada","city":"Paris","visits":2}' },
    { key: 'c3', value: '{"name":"Edsger","city":"Austin","visits":5}' },
    { key: 'c2', value: null },
  ]);
  await produceRecords(bootstrap, events, [{ key: null, value: '"started"' }, { key: 'x', value: '"stopped"' }, { key: null, value: '42' }]);
  const logs: string[] = [];
  const running = await StandaloneWorker.start(worker, [upserts, inserts], { log: (level, where, message) => void logs.push(`${level} [${where}] ${message}`) });
  try {
    await waitFor('the rows', async () => {
      try {
        return rows(database, 'SELECT id FROM customers').length === 2 && rows(database, `SELECT * FROM "${events}"`).length === 3;
      } catch {
        return false; // the database or a table is not there yet
      }
    }, 90_000);
    assert.deepEqual(rows(database, 'SELECT * FROM customers ORDER BY id'), [
      { id: 'c1', name: 'Ada', city: 'Paris', visits: 2 },
      { id: 'c3', name: 'Edsger', city: 'Austin', visits: 5 },
    ]);
    // The key column first; then the value's fields, in the order of the schemaless map (Java's HashMap order, as Kafka Connect's JsonConverter gives it).
    assert.deepEqual(rows(database, 'PRAGMA table_info(customers)').map((column) => { const { name, type, pk } = column as { name: string; type: string; pk: number }; return [name, type, pk]; }),
      [['id', 'TEXT', 1], ['visits', 'INTEGER', 0], ['city', 'TEXT', 0], ['name', 'TEXT', 0]]);
    // A primitive value is one column, `value`; pk.mode=none: no key column. The column's type is the first record's
    // (TEXT), so 42 is stored as text (SQLite's TEXT affinity).
    assert.deepEqual(rows(database, `SELECT * FROM "${events}" ORDER BY rowid`), [{ value: 'started' }, { value: 'stopped' }, { value: '42' }]);
    assert.deepEqual(rows(database, `PRAGMA table_info("${events}")`).map((column) => (column as { type: string }).type), ['TEXT']);
    assert.deepEqual(running.status().flatMap((connector) => connector.tasks.map((task) => task.state)), ['RUNNING', 'RUNNING'], logs.join('\n'));
  } finally {
    await running.stop();
  }

  const bad = join(directory, 'bad.properties');
  writeProperties(bad, { name: 'bad-sink', 'connector.class': 'SqliteSink', topics: customers, 'connection.url': `jdbc:sqlite:${database}`, 'delete.enabled': 'true' });
  await assert.rejects(StandaloneWorker.start(worker, [bad]), (error: ConnectConfigError) => {
    assert.equal(error.code, 'connector-config-invalid');
    assert.equal(error.context.field, 'delete.enabled');
    assert.match(error.message, /Invalid value true for configuration delete\.enabled: deletes need pk\.mode=record_key/);
    return true;
  });
  writeProperties(bad, { name: 'bad-sink', 'connector.class': 'SqliteSink', topics: customers, 'connection.url': 'jdbc:mysql://localhost/db' });
  await assert.rejects(StandaloneWorker.start(worker, [bad]), (error: ConnectConfigError) => {
    assert.equal(error.context.field, 'connection.url');
    assert.match(error.message, /Invalid value jdbc:mysql:\/\/localhost\/db for configuration connection\.url: must be jdbc:sqlite:<path of a database file>/);
    return true;
  });
});
