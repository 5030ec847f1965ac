// The layer over jco's generated glue (runtime/plugin/transpile-cache.ts):
// each patch is applied to real glue (the patched text is checked), and a
// real component is driven across guest-memory growth in the middle of
// lowering a batch — where a stale view of memory would write to the old,
// detached buffer and lose or corrupt records.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { transpile } from '@bytecodealliance/jco';
import { primitiveSchema, type ConnectData } from '../../runtime/connect/connect-data.ts';
import { encodeRecord } from '../../runtime/connect/transform-record.ts';
import { ConnectorPlugin } from '../../runtime/plugin/plugin-connector.ts';
import { patchGlue } from '../../runtime/plugin/transpile-cache.ts';
import { dataRecords } from '../support/connector-records.ts';
import { pluginPath } from '../support/plugins.ts';

test('patchGlue replaces the glue\'s memory views, byte-list copies and string lowering, and refuses glue it does not recognise', async () => {
  const component = readFileSync(pluginPath('connect-file-sink-rust'));
  const { files } = await transpile(component, { name: 'component', instantiation: 'sync', typescript: false } as Parameters<typeof transpile>[1]);
  const glue = Buffer.from(files['component.js']!).toString('utf8');
  assert.match(glue, /const dataView = mem => dv\.buffer === mem\.buffer \? dv : dv = new DataView\(mem\.buffer\);/);
  const patched = patchGlue(glue);
  assert.doesNotMatch(patched, /dv\.buffer === mem\.buffer/);
  assert.match(patched, /const dataView = mem => dvMemory === mem && dv\.buffer\.byteLength !== 0 \? dv : \(dvMemory = mem, dv = new DataView\(mem\.buffer\)\);/);
  assert.doesNotMatch(patched, /new TextEncoder\(\)\.encode\(/, 'utf8Encode replaced');
  assert.throws(() => patchGlue(glue.replace('const dataView = mem => dv.buffer === mem.buffer', 'const dataView = mem => dv.buffer == mem.buffer')), /cannot patch its dataView/);
  assert.throws(() => patchGlue(`// ${glue}`), /unexpected jco glue/);
});

test('a batch that grows guest memory while it is lowered arrives whole: every record, every byte', async () => {
  const plugin = await ConnectorPlugin.load(pluginPath('connect-file-sink-rust'));
  const file = join(mkdtempSync(join(tmpdir(), 'glue-patches-')), 'out.txt');
  const task = plugin.sinkTask({ connector: 'glue', log: () => undefined }, 0, { file: { file, mode: 'append' } });
  task.start([['file', file], ['topics', 't']]);
  const schema = primitiveSchema('string');
  // ~12 MiB of text in one put (the plugin starts with far less memory), of varied lengths and non-ASCII text.
  const lines = Array.from({ length: 30_000 }, (_, index) => `${index} ${'é😀x'.repeat(index % 200)}`);
  // Every third value as bytes (a list<u8> lowered by copyIn), the rest as strings (utf8Encode).
  const bytesSchema = primitiveSchema('bytes');
  const value = (line: string, offset: number): { schema: typeof schema; value: ConnectData } =>
    offset % 3 === 0 ? { schema: bytesSchema, value: { type: 'bytes', value: new Uint8Array(Buffer.from(line)) } } : { schema, value: { type: 'string', value: line } };
  const record = (line: string, offset: number) => encodeRecord({ topic: 't', partition: 0, key: { schema: undefined, value: null }, value: value(line, offset), timestamp: 0, headers: [], kafkaOffset: offset });
  task.putRecords(dataRecords(lines.map(record)));
  task.flush([{ topic: 't', partition: 0, offset: BigInt(lines.length) }]);
  task.stop();
  const written = readFileSync(file, 'utf8');
  assert.equal(written.length, lines.join('\n').length + 1);
  assert.equal(written, `${lines.join('\n')}\n`);
  assert.ok(readdirSync(join(file, '..')).length === 1);
});
