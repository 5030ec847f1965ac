// The `eddy init --kind source|sink|transform --lang rust|ts|js` templates: a
// Kafka Connect source connector, sink connector or Single Message Transform
// plugin in Rust (wit-bindgen on the `source-connector`, `sink-connector` or
// `transform` world of wit/) or TypeScript / JavaScript (the SDK's
// `@eddy/sdk/connector` and `@eddy/sdk/transform` on contract 0.2.0's worlds,
// types generated from wit/; JavaScript with JSDoc), with a node:test file —
// the same for every language — that runs the
// built component through the host's own plugin loader, as a Connect worker
// does.
//
// Owns: those templates — a source that counts (resuming after its stored
// offset), a sink that appends lines to its granted file, a transform that
// uppercases string values with a predicate matching them — and the table of
// which languages each kind has a template in (`connectorTemplates`).
// Must never: copy the WIT contract into a project (the bindings and types
// read wit/ and sdk/typescript/wit/ through the link to this repository).

/** What `--kind` makes besides today's processor. */
export type ConnectorKind = 'source' | 'sink' | 'transform';

/** The package.json of a Rust connector project: its tests run on Node against the host (`eddy test`). */
function testPackage(name: string, repositoryRoot: string): string {
  return JSON.stringify(
    {
      name,
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `The tests of ${name} (a Rust plugin): node:test files run by \`eddy test\``,
      scripts: { build: 'eddy build .', test: 'eddy test .' },
      devDependencies: { eddy: `file:${repositoryRoot}` },
    },
    null,
    2,
  ) + '\n';
}

/** `connectRoot`: the repository whose sdk/rust/connect (`eddy-connect`) a connector template depends on; none for a transform. */
function cargoToml(name: string, connectRoot?: string): string {
  const connect = connectRoot === undefined ? '' : `# Config reading with Kafka's messages, shared by Eddy's Rust connectors (sdk/rust/connect).
eddy-connect = { path = "${connectRoot}/sdk/rust/connect" }
`;
  return `[package]
name = "${name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
# Pinned like Eddy's own plugins: its component-type encoding must be readable by the host's jco.
wit-bindgen = { version = "=0.41.0", default-features = false, features = ["macros", "realloc"] }
${connect}
# A project of its own, not part of any enclosing workspace.
[workspace]
`;
}

const sharedHelpers = `type Config = Vec<(String, String)>;

// \`issue(key, message)\` (a ConfigIssue) and \`issues_text(&issues)\` (what \`start\` fails with).
eddy_connect::config_issues!();
// \`get\`: the value of a key (the last one written wins, as in a properties file);
// \`missing\`: Kafka's message for a required key that is absent.
use eddy_connect::{get, missing};
`;

// ---- What the Rust and TypeScript templates of a kind share: their tests
// (the same behaviour, through the same loader) and properties files.

/** The source template's test and properties files, whatever its language. */
function sourceShared(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'test/connector.test.ts': `// Runs the built connector (dist/) through Eddy's plugin loader, as a
// Connect worker does: \`eddy test\` builds it first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ConnectorPlugin, builtComponentOf } from 'eddy/sdk';

const component = builtComponentOf(fileURLToPath(new URL('..', import.meta.url)));
const host = { connector: '${name}', log: () => undefined };

test('validate names the refused keys', async () => {
  const connector = (await ConnectorPlugin.load(component)).connector(host);
  assert.deepEqual(connector.validate([['topic', 'numbers']]), []);
  assert.deepEqual(connector.validate([]).map((issue) => issue.key), ['topic']);
  assert.deepEqual(connector.validate([['topic', 'numbers'], ['count', 'many']]).map((issue) => issue.key), ['count']);
});

test('counts in batches up to count, then resumes after a stored offset', async () => {
  const plugin = await ConnectorPlugin.load(component);
  assert.equal(plugin.kind, 'source');
  const config: Array<[string, string]> = [['topic', 'numbers'], ['count', '5'], ['batch.size', '3']];
  const task = plugin.sourceTask(host, 0);
  task.start(config, []);
  const first = task.poll();
  assert.deepEqual(first.map((record) => record.value), [0n, 1n, 2n].map((val) => ({ tag: 'int64', val })));
  assert.deepEqual(first.map((record) => record.key), ['0', '1', '2'].map((val) => ({ tag: 'text', val })));
  assert.equal(first[0]!.topic, 'numbers');
  assert.equal(task.poll().length, 2);
  assert.deepEqual(task.poll(), [], 'count reached');
  task.stop();

  const resumed = plugin.sourceTask(host, 0);
  resumed.start(config, [{ sourcePartition: first[2]!.sourcePartition, sourceOffset: first[2]!.sourceOffset }]);
  assert.deepEqual(resumed.poll().map((record) => record.value), [3n, 4n].map((val) => ({ tag: 'int64', val })));
  resumed.stop();
});
`,
    'connector.properties': `# Run from this folder, with a broker on localhost:9092:
#   node ${repositoryRoot}/runtime/bin/eddy.js connect-standalone worker.properties connector.properties
name=${name}
connector.class=.
topic=${name}-numbers
count=1000
`,
    'worker.properties': `bootstrap.servers=localhost:9092
offset.storage.file.filename=${name}.offsets
offset.flush.interval.ms=1000
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
`,
  };
}

/** The sink template's test and properties files, whatever its language. */
function sinkShared(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'test/connector.test.ts': `// Runs the built connector (dist/) through Eddy's plugin loader, as a
// Connect worker does: \`eddy test\` builds it first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectorPlugin, builtComponentOf } from 'eddy/sdk';

const component = builtComponentOf(fileURLToPath(new URL('..', import.meta.url)));
const host = { connector: '${name}', log: () => undefined };

test('validate names a missing file', async () => {
  const connector = (await ConnectorPlugin.load(component)).connector(host);
  assert.deepEqual(connector.validate([['file', 'out.txt'], ['topics', 't']]), []);
  assert.deepEqual(connector.validate([['topics', 't']]).map((issue) => issue.key), ['file']);
});

test('appends one line per record to the granted file, and nothing anywhere else', async () => {
  const plugin = await ConnectorPlugin.load(component);
  assert.equal(plugin.kind, 'sink');
  const file = join(mkdtempSync(join(tmpdir(), '${name}-')), 'out.txt');
  const task = plugin.sinkTask(host, 0, { file: { file, mode: 'append' } });
  task.start([['file', file], ['topics', 't']]);
  const record = (offset: number, key: string | undefined, value: any) => ({ topic: 't', partition: 0, offset: BigInt(offset), key: key === undefined ? undefined : { tag: 'text' as const, val: key }, value, timestamp: 0n });
  task.put([record(0, 'a', { tag: 'text', val: 'hello' }), record(1, undefined, { tag: 'int64', val: 42n })]);
  task.put([record(2, 'c', { tag: 'json', val: '{"x":1}' }), record(3, 'd', undefined)]);
  task.flush([{ topic: 't', partition: 0, offset: 4n }]);
  task.stop();
  assert.equal(readFileSync(file, 'utf8'), 'a\\thello\\nnull\\t42\\nc\\t{"x":1}\\nd\\tnull\\n');

  // The grant follows the worker's configuration, not what the task is told.
  const other = plugin.sinkTask(host, 0, { file: { file, mode: 'append' } });
  other.start([['file', '/etc/passwd'], ['topics', 't']]);
  assert.throws(() => other.put([record(4, 'e', { tag: 'text', val: 'no' })]), /capability 'file-access'/);
  other.stop();
});
`,
    'connector.properties': `# Run from this folder, with a broker on localhost:9092:
#   node ${repositoryRoot}/runtime/bin/eddy.js connect-standalone worker.properties connector.properties
name=${name}
connector.class=.
topics=${name}-input
file=${name}.out.txt
`,
    'worker.properties': `bootstrap.servers=localhost:9092
offset.storage.file.filename=${name}.offsets
offset.flush.interval.ms=1000
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
`,
  };
}

/** The transform template's test and properties files, whatever its language. */
function transformShared(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'test/transform.test.ts': `// Runs the built transform plugin (dist/) through Eddy's plugin loader, as a
// Connect worker does: \`eddy test\` builds it first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { TransformPlugin, builtComponentOf, type TransformRecord } from 'eddy/sdk';

const component = builtComponentOf(fileURLToPath(new URL('..', import.meta.url)));
const host = { connector: 'test', task: 'test-0', log: () => undefined };

/** A source record (before the converters): a null key and a value with a string schema, or schemaless. */
function record(value: TransformRecord['values'][number], schema: boolean): TransformRecord {
  return {
    topic: 't',
    key: { value: 0 },
    value: { schema: schema ? 0 : undefined, value: 1 },
    headers: [],
    schemas: [{ type: 'string', optional: false, fields: [] }],
    values: [{ tag: 'null' }, value],
  };
}

const valueOf = (result: TransformRecord | undefined) => result!.values[result!.value.value];

test('lists its classes; an unknown class is refused', async () => {
  const plugin = await TransformPlugin.load(component);
  assert.deepEqual([...plugin.classes], [['example.Uppercase', 'transformation'], ['example.ValueIsString', 'predicate']]);
  const created = plugin.instance(host).createTransform('example.Nope', [], 'transforms.x');
  assert.ok('issues' in created && created.issues[0]!.key === 'type');
});

test('example.Uppercase uppercases string values, with or without a schema; example.ValueIsString matches them', async () => {
  const instance = (await TransformPlugin.load(component)).instance(host);
  const uppercase = instance.createTransform('example.Uppercase', [], 'transforms.up');
  const isString = instance.createPredicate('example.ValueIsString', [], 'predicates.s');
  assert.ok('ok' in uppercase && 'ok' in isString);
  assert.deepEqual(valueOf(uppercase.ok.apply(record({ tag: 'string', val: 'héllo' }, true))), { tag: 'string', val: 'HÉLLO' });
  assert.deepEqual(valueOf(uppercase.ok.apply(record({ tag: 'string', val: 'abc' }, false))), { tag: 'string', val: 'ABC' });
  assert.deepEqual(valueOf(uppercase.ok.apply(record({ tag: 'int32', val: 7 }, false))), { tag: 'int32', val: 7 });
  assert.equal(isString.ok.test(record({ tag: 'string', val: 'x' }, true)), true);
  assert.equal(isString.ok.test(record({ tag: 'int32', val: 7 }, false)), false);
});
`,
    'connector.properties': `# This plugin's transform on Kafka's file source: each line of lines.txt into a topic, in upper case.
# Run from this folder, with a broker on localhost:9092:
#   node ${repositoryRoot}/runtime/bin/eddy.js connect-standalone worker.properties connector.properties
name=${name}-lines
connector.class=FileStreamSource
file=lines.txt
topic=${name}-lines
transforms=up
transforms.up.plugin=.
transforms.up.type=example.Uppercase
`,
    'worker.properties': `bootstrap.servers=localhost:9092
offset.storage.file.filename=${name}.offsets
offset.flush.interval.ms=1000
`,
  };
}

// ---- Rust ------------------------------------------------------------------

function sourceFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'Cargo.toml': cargoToml(name, repositoryRoot),
    'src/lib.rs': `//! ${name}: a Kafka Connect source connector. It counts: each poll hands
//! over the next numbers (at most \`batch.size\`, default 100) as records of
//! \`topic\` — key the number as text, value the number — until \`count\`
//! numbers (default 1000) are out. Its source offset is the next number, so
//! a restart resumes right after the last number that reached Kafka.
//!
//! Make it read your system instead: \`poll\` must never block — return
//! what is ready now, an empty list otherwise (the host waits a little and
//! polls again). Run it with \`eddy connect-standalone\`, \`connector.class\`
//! naming this folder (see connector.properties).

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "source-connector",
    path: "${repositoryRoot}/wit",
});

use eddy::plugin::connect_types::{CommittedOffset, ConfigIssue, ConnectValue, SourceRecord};
use eddy::plugin::log::{log, Level};
use exports::eddy::plugin::{connector, source_task};

/// The source partition (where records come from) and the key of the source offset (how far).
const PARTITION: (&str, &str) = ("counter", "numbers");
const NEXT: &str = "next";

${sharedHelpers}
struct Settings {
    topic: String,
    count: u64,
    batch_size: u64,
}

/// Reads the configuration; one issue per refused key.
fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let topic = get(config, "topic").unwrap_or("").trim().to_string();
    if topic.is_empty() {
        issues.push(issue("topic", missing("topic")));
    }
    let mut number = |key: &str, default: u64| match get(config, key) {
        None => default,
        Some(text) => text.trim().parse::<u64>().ok().filter(|n| *n > 0).unwrap_or_else(|| {
            issues.push(issue(key, format!("Invalid value {text} for configuration {key}: must be a positive whole number")));
            default
        }),
    };
    let count = number("count", 1000);
    let batch_size = number("batch.size", 100);
    if issues.is_empty() { Ok(Settings { topic, count, batch_size }) } else { Err(issues) }
}

struct Counter {
    settings: Settings,
    next: u64,
}

thread_local! {
    static TASK: RefCell<Option<Counter>> = const { RefCell::new(None) };
}

struct Source;

impl connector::Guest for Source {
    fn validate(config: Config) -> Vec<ConfigIssue> {
        settings(&config).err().unwrap_or_default()
    }

    /// One task (a counter has nothing to share out); return up to \`max_tasks\` configurations to run more.
    fn task_configs(config: Config, _max_tasks: u32) -> Result<Vec<Config>, String> {
        Ok(vec![config])
    }
}

impl source_task::Guest for Source {
    fn start(config: Config, offsets: Vec<CommittedOffset>) -> Result<(), String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        let mut next = 0;
        for offset in &offsets {
            if get(&offset.source_partition, PARTITION.0) == Some(PARTITION.1) {
                let stored = get(&offset.source_offset, NEXT).ok_or("the stored offset has no 'next'")?;
                next = stored.parse().map_err(|_| format!("the stored offset '{stored}' is not a number"))?;
            }
        }
        log(Level::Info, &format!("counting from {next} to {}", settings.count));
        TASK.with(|task| *task.borrow_mut() = Some(Counter { settings, next }));
        Ok(())
    }

    fn poll() -> Result<Vec<SourceRecord>, String> {
        TASK.with(|task| {
            let mut task = task.borrow_mut();
            let task = task.as_mut().ok_or("poll before start")?;
            let end = task.settings.count.min(task.next + task.settings.batch_size).max(task.next);
            let records = (task.next..end)
                .map(|n| SourceRecord {
                    topic: task.settings.topic.clone(),
                    partition: None,
                    key: Some(ConnectValue::Text(n.to_string())),
                    value: Some(ConnectValue::Int64(n as i64)),
                    source_partition: vec![(PARTITION.0.into(), PARTITION.1.into())],
                    source_offset: vec![(NEXT.into(), (n + 1).to_string())],
                    // None: the time the host sends it.
                    timestamp: None,
                })
                .collect();
            task.next = end;
            Ok(records)
        })
    }

    fn stop() {
        TASK.with(|task| *task.borrow_mut() = None);
    }
}

export!(Source);
`,
    ...sourceShared(name, repositoryRoot),
    'package.json': testPackage(name, repositoryRoot),
    '.gitignore': 'target/\ndist/\nCargo.lock\nnode_modules/\n*.offsets\n',
  };
}

function sinkFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'Cargo.toml': cargoToml(name, repositoryRoot),
    'src/lib.rs': `//! ${name}: a Kafka Connect sink connector. It appends each record to
//! the file its \`file\` key names, one line per record: the key, a tab, the
//! value (structured values as JSON text, \`null\` for none, bytes in hex).
//! \`flush\` syncs the file; the host commits the consumer offsets only after
//! it returns, so a record is in the file before its offset is committed.
//!
//! The host grants this plugin the one file \`file\` names (the
//! \`file-access\` import) and nothing else. Make it write to your system
//! instead. Run it with \`eddy connect-standalone\`, \`connector.class\`
//! naming this folder (see connector.properties).

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "sink-connector",
    path: "${repositoryRoot}/wit",
});

use eddy::plugin::connect_types::{ConfigIssue, ConnectValue, SinkRecord, TopicPartitionOffset};
use eddy::plugin::file_access::{self, FileError};
use exports::eddy::plugin::{connector, sink_task};

${sharedHelpers}
/// Reads the configuration; one issue per refused key.
fn file(config: &[(String, String)]) -> Result<String, Vec<ConfigIssue>> {
    match get(config, "file") {
        Some(file) if !file.trim().is_empty() => Ok(file.to_string()),
        _ => Err(vec![issue("file", missing("file"))]),
    }
}

fn text(value: &Option<ConnectValue>) -> String {
    match value {
        None => "null".into(),
        Some(ConnectValue::Text(text)) | Some(ConnectValue::Json(text)) => text.clone(),
        Some(ConnectValue::Int64(n)) => n.to_string(),
        Some(ConnectValue::Float64(x)) => x.to_string(),
        Some(ConnectValue::Boolean(b)) => b.to_string(),
        Some(ConnectValue::Bytes(bytes)) => bytes.iter().map(|byte| format!("{byte:02x}")).collect(),
    }
}

fn describe(error: FileError) -> String {
    match error {
        FileError::NotGranted(message) | FileError::Io(message) => message,
        FileError::NotFound => "the file does not exist".into(),
    }
}

thread_local! {
    static FILE: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn granted_file() -> Result<String, String> {
    FILE.with(|file| file.borrow().clone()).ok_or_else(|| "called before start".to_string())
}

struct Sink;

impl connector::Guest for Sink {
    fn validate(config: Config) -> Vec<ConfigIssue> {
        file(&config).err().unwrap_or_default()
    }

    /// One task: the file has one writer.
    fn task_configs(config: Config, _max_tasks: u32) -> Result<Vec<Config>, String> {
        Ok(vec![config])
    }
}

impl sink_task::Guest for Sink {
    fn start(config: Config) -> Result<(), String> {
        let path = file(&config).map_err(|issues| issues_text(&issues))?;
        FILE.with(|file| *file.borrow_mut() = Some(path));
        Ok(())
    }

    fn put(records: Vec<SinkRecord>) -> Result<(), String> {
        let path = granted_file()?;
        let lines: String = records.iter().map(|record| format!("{}\\t{}\\n", text(&record.key), text(&record.value))).collect();
        file_access::append(&path, lines.as_bytes()).map_err(describe)
    }

    fn flush(_offsets: Vec<TopicPartitionOffset>) -> Result<(), String> {
        file_access::sync(&granted_file()?).map_err(describe)
    }

    fn stop() {
        FILE.with(|file| *file.borrow_mut() = None);
    }
}

export!(Sink);
`,
    ...sinkShared(name, repositoryRoot),
    'package.json': testPackage(name, repositoryRoot),
    '.gitignore': 'target/\ndist/\nCargo.lock\nnode_modules/\n*.offsets\n*.out.txt\n',
  };
}

function transformFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    'Cargo.toml': cargoToml(name),
    'src/lib.rs': `//! ${name}: Single Message Transforms for Kafka Connect. It provides the
//! transformation \`example.Uppercase\` (a string value in upper case, with
//! or without a schema; other values unchanged) and the predicate
//! \`example.ValueIsString\`. A connector names them:
//!
//!     transforms=up
//!     transforms.up.plugin=<this folder>
//!     transforms.up.type=example.Uppercase
//!
//! A record carries Kafka Connect's data model in two lists (arenas): its
//! schemas and its values; the key, the value, headers, struct fields and
//! array items are indexes into them (interface \`connect-data\` of the
//! \`transform\` world in wit/). The host creates one resource per configured
//! alias, then calls it once per record.

wit_bindgen::generate!({
    world: "transform",
    path: "${repositoryRoot}/wit",
});

use eddy::plugin::connect_data::Value;
use exports::eddy::plugin::transformation::{self, ClassInfo, ClassKind, ConfigIssue, ConnectRecord};

const UPPERCASE: &str = "example.Uppercase";
const VALUE_IS_STRING: &str = "example.ValueIsString";

fn unknown_class(class_name: &str) -> Vec<ConfigIssue> {
    vec![ConfigIssue { key: "type".into(), message: format!("Class {class_name} could not be found in ${name}") }]
}

struct Plugin;

/// The transformation (with several classes, make this an enum or a boxed trait).
struct Uppercase;

/// The predicate.
struct ValueIsString;

impl transformation::Guest for Plugin {
    type Transform = Uppercase;
    type Predicate = ValueIsString;

    fn classes() -> Vec<ClassInfo> {
        vec![
            ClassInfo { name: UPPERCASE.into(), kind: ClassKind::Transformation },
            ClassInfo { name: VALUE_IS_STRING.into(), kind: ClassKind::Predicate },
        ]
    }
}

impl transformation::GuestTransform for Uppercase {
    /// \`config\` holds the keys under \`transforms.<alias>.\`; refuse a bad one with an issue naming it.
    fn create(class_name: String, _config: Vec<(String, String)>) -> Result<transformation::Transform, Vec<ConfigIssue>> {
        if class_name != UPPERCASE {
            return Err(unknown_class(&class_name));
        }
        Ok(transformation::Transform::new(Uppercase))
    }

    /// The new record, or None to drop it; an error fails the task (or skips the record, per errors.tolerance).
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, String> {
        if let Some(Value::String(text)) = record.values.get(record.value.value as usize) {
            // A new value, so nothing else that shares the old one changes.
            let upper = text.to_uppercase();
            record.values.push(Value::String(upper));
            record.value.value = (record.values.len() - 1) as u32;
        }
        Ok(Some(record))
    }
}

impl transformation::GuestPredicate for ValueIsString {
    fn create(class_name: String, _config: Vec<(String, String)>) -> Result<transformation::Predicate, Vec<ConfigIssue>> {
        if class_name != VALUE_IS_STRING {
            return Err(unknown_class(&class_name));
        }
        Ok(transformation::Predicate::new(ValueIsString))
    }

    fn test(&self, record: ConnectRecord) -> Result<bool, String> {
        Ok(matches!(record.values.get(record.value.value as usize), Some(Value::String(_))))
    }
}

export!(Plugin);
`,
    ...transformShared(name, repositoryRoot),
    'package.json': testPackage(name, repositoryRoot),
    '.gitignore': 'target/\ndist/\nCargo.lock\nnode_modules/\n*.offsets\n',
  };
}

// ---- TypeScript ------------------------------------------------------------

/**
 * package.json and tsconfig.json of a TypeScript project of `world` (built
 * against contract 0.2.0); for JavaScript (`src/index.js`, JSDoc types), a
 * jsconfig.json that checks the plugin against the same generated types.
 */
function typescriptProject(name: string, repositoryRoot: string, world: string, sdkModule: '@eddy/sdk/connector' | '@eddy/sdk/transform', language: 'ts' | 'js' = 'ts'): Record<string, string> {
  const sdkFile = sdkModule === '@eddy/sdk/connector' ? 'connector.ts' : 'transform.ts';
  const paths = {
    [sdkModule]: [`./node_modules/eddy/sdk/typescript/${sdkFile}`],
    '@eddy/sdk': ['./node_modules/eddy/sdk/typescript/guest.ts'],
  };
  const checker = language === 'ts' ? 'tsconfig.json' : 'jsconfig.json';
  return {
    'package.json': JSON.stringify(
      {
        name,
        version: '0.1.0',
        private: true,
        type: 'module',
        eddy: { world, contract: '0.2.0', entry: `src/index.${language}` },
        scripts: { build: 'eddy build .', test: 'eddy test .', typecheck: `tsc -p ${checker}` },
        devDependencies: { eddy: `file:${repositoryRoot}` },
      },
      null,
      2,
    ) + '\n',
    [checker]: JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          ...(language === 'js' ? { allowJs: true, checkJs: true } : {}),
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          baseUrl: '.',
          paths,
        },
        // JavaScript: the plugin only (its test, shared with the TypeScript template, is TypeScript run by tsx).
        include: language === 'ts' ? ['src/**/*.ts', 'test/**/*.ts', 'node_modules/eddy/sdk/typescript/wit/**/*.d.ts'] : ['src/**/*.js', 'node_modules/eddy/sdk/typescript/wit/**/*.d.ts'],
      },
      null,
      2,
    ) + '\n',
    '.gitignore': 'node_modules/\ndist/\n*.offsets\n*.out.txt\n',
  };
}

function typescriptSourceFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    ...typescriptProject(name, repositoryRoot, 'source-connector', '@eddy/sdk/connector'),
    'src/index.ts': `// ${name}: a Kafka Connect source connector. It counts: each poll hands
// over the next numbers (at most \`batch.size\`, default 100) as records of
// \`topic\` — key the number as text, value the number — until \`count\`
// numbers (default 1000) are out. Its source offset is the next number, so
// a restart resumes right after the last number that reached Kafka.
//
// Make it read your system instead: \`poll\` must never block — return
// what is ready now, an empty list otherwise (the host waits a little and
// polls again). Run it with \`eddy connect-standalone\`, \`connector.class\`
// naming this folder (see connector.properties).

import { log } from 'eddy:plugin/log@0.2.0';
import { configKey, defineSourceConnector, type CommittedOffset, type Config, type ConfigIssue, type SourceRecord, type SourceTask } from '@eddy/sdk/connector';

/** The source partition (where records come from) and the key of the source offset (how far). */
const PARTITION: [string, string] = ['counter', 'numbers'];
const NEXT = 'next';

/** The value of \`key\` (the last one written wins, as in a properties file). */
function get(config: Array<[string, string]>, key: string): string | undefined {
  return [...config].reverse().find(([name]) => name === key)?.[1];
}

interface Settings {
  topic: string;
  count: number;
  batchSize: number;
}

/** Reads the configuration; one issue per refused key. */
function settings(config: Config): { settings: Settings } | { issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const topic = (get(config, 'topic') ?? '').trim();
  if (topic === '') issues.push({ key: 'topic', message: 'Missing required configuration "topic" which has no default value.' });
  const number = (key: string, fallback: number): number => {
    const text = get(config, key);
    if (text === undefined) return fallback;
    const value = /^\\s*\\d+\\s*$/.test(text) ? Number(text) : 0;
    if (value > 0 && Number.isSafeInteger(value)) return value;
    issues.push({ key, message: \`Invalid value \${text} for configuration \${key}: must be a positive whole number\` });
    return fallback;
  };
  const count = number('count', 1000);
  const batchSize = number('batch.size', 100);
  return issues.length === 0 ? { settings: { topic, count, batchSize } } : { issues };
}

/** A running task: counts from \`next\` up to \`count\`. */
class Counter implements SourceTask {
  constructor(private readonly settings: Settings, private next: number) {}

  poll(): SourceRecord[] {
    const end = Math.max(this.next, Math.min(this.settings.count, this.next + this.settings.batchSize));
    const records: SourceRecord[] = [];
    for (let n = this.next; n < end; n++) {
      records.push({
        topic: this.settings.topic,
        key: { tag: 'text', val: String(n) },
        value: { tag: 'int64', val: BigInt(n) },
        sourcePartition: [PARTITION],
        sourceOffset: [[NEXT, String(n + 1)]],
        // No timestamp: the time the host sends it.
      });
    }
    this.next = end;
    return records;
  }
}

/** Where a previous run stopped: the stored offset of this connector's partition, if any. */
function resumeFrom(offsets: CommittedOffset[]): number {
  for (const offset of offsets) {
    if (get(offset.sourcePartition, PARTITION[0]) !== PARTITION[1]) continue;
    const stored = get(offset.sourceOffset, NEXT);
    if (stored === undefined) throw new Error("the stored offset has no 'next'");
    if (!/^\\d+$/.test(stored)) throw new Error(\`the stored offset '\${stored}' is not a number\`);
    return Number(stored);
  }
  return 0;
}

export const { connector, sourceTask } = defineSourceConnector({
  // What GET /connector-plugins/{plugin}/config lists; the host checks types and required keys before validate.
  configDef: [
    configKey('topic', 'string', { importance: 'high', documentation: 'The topic to publish data to' }),
    configKey('count', 'long', { default: '1000', importance: 'medium', documentation: 'How many numbers to produce' }),
    configKey('batch.size', 'int', { default: '100', importance: 'low', documentation: 'The most numbers one poll returns' }),
  ],

  validate: (config) => {
    const read = settings(config);
    return 'issues' in read ? read.issues : [];
  },

  // One task (a counter has nothing to share out); return up to maxTasks configurations to run more.
  taskConfigs: (config) => [config],

  start(config, offsets) {
    const read = settings(config);
    if ('issues' in read) throw new Error(read.issues.map((issue) => \`\${issue.key}: \${issue.message}\`).join('; '));
    const next = resumeFrom(offsets);
    log('info', \`counting from \${next} to \${read.settings.count}\`);
    return new Counter(read.settings, next);
  },
});
`,
    ...sourceShared(name, repositoryRoot),
  };
}

function typescriptSinkFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    ...typescriptProject(name, repositoryRoot, 'sink-connector', '@eddy/sdk/connector'),
    'src/index.ts': `// ${name}: a Kafka Connect sink connector. It appends each record to
// the file its \`file\` key names, one line per record: the key, a tab, the
// value (structured values as JSON text, \`null\` for none, bytes in hex).
// \`flush\` syncs the file; the host commits the consumer offsets only after
// it returns, so a record is in the file before its offset is committed.
//
// The host grants this plugin the one file \`file\` names (the
// \`file-access\` import) and nothing else. Make it write to your system
// instead. Run it with \`eddy connect-standalone\`, \`connector.class\`
// naming this folder (see connector.properties).

import { append, sync, type FileError } from 'eddy:plugin/file-access@0.2.0';
import { bytes } from '@eddy/sdk';
import { configKey, defineSinkConnector, type Config, type ConfigIssue, type ConnectValue, type SinkRecord, type SinkTask } from '@eddy/sdk/connector';

/** The value of \`key\` (the last one written wins, as in a properties file). */
function get(config: Config, key: string): string | undefined {
  return [...config].reverse().find(([name]) => name === key)?.[1];
}

/** Reads the configuration; one issue per refused key. */
function file(config: Config): { file: string } | { issues: ConfigIssue[] } {
  const path = get(config, 'file');
  if (path === undefined || path.trim() === '') return { issues: [{ key: 'file', message: 'Missing required configuration "file" which has no default value.' }] };
  return { file: path };
}

function text(value: ConnectValue | undefined): string {
  if (value === undefined) return 'null';
  switch (value.tag) {
    case 'text':
    case 'json':
      return value.val;
    case 'int64':
    case 'float64':
    case 'boolean':
      return String(value.val);
    case 'bytes':
      return Array.from(value.val, (byte) => byte.toString(16).padStart(2, '0')).join('');
  }
}

/** A file call's error as a message (an import's \`err\` is thrown with the file-error as its payload). */
function fileCall(call: () => void): void {
  try {
    call();
  } catch (error) {
    const payload = (error as { payload?: FileError }).payload;
    if (payload === undefined) throw error;
    throw new Error(payload.tag === 'not-found' ? 'the file does not exist' : payload.val);
  }
}

/** A running task: appends to the granted file. */
class FileAppender implements SinkTask {
  constructor(private readonly path: string) {}

  put(records: SinkRecord[]): void {
    const lines = records.map((record) => \`\${text(record.key)}\\t\${text(record.value)}\\n\`).join('');
    fileCall(() => append(this.path, bytes(lines)));
  }

  flush(): void {
    fileCall(() => sync(this.path));
  }
}

export const { connector, sinkTask } = defineSinkConnector({
  configDef: [configKey('file', 'string', { importance: 'high', documentation: 'The file to append the records to' })],

  validate: (config) => {
    const read = file(config);
    return 'issues' in read ? read.issues : [];
  },

  // One task: the file has one writer.
  taskConfigs: (config) => [config],

  start(config) {
    const read = file(config);
    if ('issues' in read) throw new Error(read.issues.map((issue) => \`\${issue.key}: \${issue.message}\`).join('; '));
    return new FileAppender(read.file);
  },
});
`,
    ...sinkShared(name, repositoryRoot),
  };
}

function typescriptTransformFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    ...typescriptProject(name, repositoryRoot, 'transform', '@eddy/sdk/transform'),
    'src/index.ts': `// ${name}: Single Message Transforms for Kafka Connect. It provides the
// transformation \`example.Uppercase\` (a string value in upper case, with
// or without a schema; other values unchanged) and the predicate
// \`example.ValueIsString\`. A connector names them:
//
//     transforms=up
//     transforms.up.plugin=<this folder>
//     transforms.up.type=example.Uppercase
//
// A record carries Kafka Connect's data model in two lists (arenas): its
// schemas and its values; the key, the value, headers, struct fields and
// array items are indexes into them (interface \`connect-data\` of the
// \`transform\` world in wit/). The host configures one transform per
// alias (the function a class's factory returns), then calls it per record.

import { defineTransforms, predicateClass, transformClass, type ConnectRecord } from '@eddy/sdk/transform';

const valueOf = (record: ConnectRecord) => record.values[record.value.value];

export const transformation = defineTransforms({
  // \`config\` holds the keys under \`transforms.<alias>.\`; throw refuse(key, message) to refuse one.
  'example.Uppercase': transformClass((_config) => (record) => {
    const value = valueOf(record);
    if (value?.tag !== 'string') return record;
    // A new value, so nothing else that shares the old one changes. Return undefined to drop the record.
    return { ...record, values: [...record.values, { tag: 'string', val: value.val.toUpperCase() }], value: { ...record.value, value: record.values.length } };
  }),
  'example.ValueIsString': predicateClass((_config) => (record) => valueOf(record)?.tag === 'string'),
});
`,
    ...transformShared(name, repositoryRoot),
  };
}

// ---- JavaScript (the TypeScript templates with JSDoc types; same SDK, same tests) ----

function javascriptSourceFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    ...typescriptProject(name, repositoryRoot, 'source-connector', '@eddy/sdk/connector', 'js'),
    'src/index.js': `// @ts-check
// ${name}: a Kafka Connect source connector. It counts: each poll hands
// over the next numbers (at most \`batch.size\`, default 100) as records of
// \`topic\` — key the number as text, value the number — until \`count\`
// numbers (default 1000) are out. Its source offset is the next number, so
// a restart resumes right after the last number that reached Kafka.
//
// Make it read your system instead: \`poll\` must never block — return
// what is ready now, an empty list otherwise (the host waits a little and
// polls again). Run it with \`eddy connect-standalone\`, \`connector.class\`
// naming this folder (see connector.properties).

import { log } from 'eddy:plugin/log@0.2.0';
import { configKey, defineSourceConnector } from '@eddy/sdk/connector';

/** @typedef {import('@eddy/sdk/connector').Config} Config */
/** @typedef {import('@eddy/sdk/connector').ConfigIssue} ConfigIssue */
/** @typedef {import('@eddy/sdk/connector').CommittedOffset} CommittedOffset */
/** @typedef {import('@eddy/sdk/connector').SourceRecord} SourceRecord */
/** @typedef {{ topic: string, count: number, batchSize: number }} Settings */

/** The source partition (where records come from) and the key of the source offset (how far). */
/** @type {[string, string]} */
const PARTITION = ['counter', 'numbers'];
const NEXT = 'next';

/**
 * The value of \`key\` (the last one written wins, as in a properties file).
 * @param {Array<[string, string]>} config
 * @param {string} key
 */
function get(config, key) {
  return [...config].reverse().find(([name]) => name === key)?.[1];
}

/**
 * Reads the configuration; one issue per refused key.
 * @param {Config} config
 * @returns {{ settings: Settings } | { issues: ConfigIssue[] }}
 */
function settings(config) {
  /** @type {ConfigIssue[]} */
  const issues = [];
  const topic = (get(config, 'topic') ?? '').trim();
  if (topic === '') issues.push({ key: 'topic', message: 'Missing required configuration "topic" which has no default value.' });
  /** @type {(key: string, fallback: number) => number} */
  const number = (key, fallback) => {
    const text = get(config, key);
    if (text === undefined) return fallback;
    const value = /^\\s*\\d+\\s*$/.test(text) ? Number(text) : 0;
    if (value > 0 && Number.isSafeInteger(value)) return value;
    issues.push({ key, message: \`Invalid value \${text} for configuration \${key}: must be a positive whole number\` });
    return fallback;
  };
  const count = number('count', 1000);
  const batchSize = number('batch.size', 100);
  return issues.length === 0 ? { settings: { topic, count, batchSize } } : { issues };
}

/** A running task: counts from \`next\` up to \`count\`. */
class Counter {
  /**
   * @param {Settings} settings
   * @param {number} next
   */
  constructor(settings, next) {
    this.settings = settings;
    this.next = next;
  }

  /** @returns {SourceRecord[]} */
  poll() {
    const end = Math.max(this.next, Math.min(this.settings.count, this.next + this.settings.batchSize));
    /** @type {SourceRecord[]} */
    const records = [];
    for (let n = this.next; n < end; n++) {
      records.push({
        topic: this.settings.topic,
        key: { tag: 'text', val: String(n) },
        value: { tag: 'int64', val: BigInt(n) },
        sourcePartition: [PARTITION],
        sourceOffset: [[NEXT, String(n + 1)]],
        // No timestamp: the time the host sends it.
      });
    }
    this.next = end;
    return records;
  }
}

/**
 * Where a previous run stopped: the stored offset of this connector's partition, if any.
 * @param {CommittedOffset[]} offsets
 */
function resumeFrom(offsets) {
  for (const offset of offsets) {
    if (get(offset.sourcePartition, PARTITION[0]) !== PARTITION[1]) continue;
    const stored = get(offset.sourceOffset, NEXT);
    if (stored === undefined) throw new Error("the stored offset has no 'next'");
    if (!/^\\d+$/.test(stored)) throw new Error(\`the stored offset '\${stored}' is not a number\`);
    return Number(stored);
  }
  return 0;
}

export const { connector, sourceTask } = defineSourceConnector({
  // What GET /connector-plugins/{plugin}/config lists; the host checks types and required keys before validate.
  configDef: [
    configKey('topic', 'string', { importance: 'high', documentation: 'The topic to publish data to' }),
    configKey('count', 'long', { default: '1000', importance: 'medium', documentation: 'How many numbers to produce' }),
    configKey('batch.size', 'int', { default: '100', importance: 'low', documentation: 'The most numbers one poll returns' }),
  ],

  validate: (config) => {
    const read = settings(config);
    return 'issues' in read ? read.issues : [];
  },

  // One task (a counter has nothing to share out); return up to maxTasks configurations to run more.
  taskConfigs: (config) => [config],

  start(config, offsets) {
    const read = settings(config);
    if ('issues' in read) throw new Error(read.issues.map((issue) => \`\${issue.key}: \${issue.message}\`).join('; '));
    const next = resumeFrom(offsets);
    log('info', \`counting from \${next} to \${read.settings.count}\`);
    return new Counter(read.settings, next);
  },
});
`,
    ...sourceShared(name, repositoryRoot),
  };
}

function javascriptSinkFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    ...typescriptProject(name, repositoryRoot, 'sink-connector', '@eddy/sdk/connector', 'js'),
    'src/index.js': `// @ts-check
// ${name}: a Kafka Connect sink connector. It appends each record to
// the file its \`file\` key names, one line per record: the key, a tab, the
// value (structured values as JSON text, \`null\` for none, bytes in hex).
// \`flush\` syncs the file; the host commits the consumer offsets only after
// it returns, so a record is in the file before its offset is committed.
//
// The host grants this plugin the one file \`file\` names (the
// \`file-access\` import) and nothing else. Make it write to your system
// instead. Run it with \`eddy connect-standalone\`, \`connector.class\`
// naming this folder (see connector.properties).

import { append, sync } from 'eddy:plugin/file-access@0.2.0';
import { bytes } from '@eddy/sdk';
import { configKey, defineSinkConnector } from '@eddy/sdk/connector';

/** @typedef {import('@eddy/sdk/connector').Config} Config */
/** @typedef {import('@eddy/sdk/connector').ConfigIssue} ConfigIssue */
/** @typedef {import('@eddy/sdk/connector').ConnectValue} ConnectValue */
/** @typedef {import('@eddy/sdk/connector').SinkRecord} SinkRecord */
/** @typedef {import('eddy:plugin/file-access@0.2.0').FileError} FileError */

/**
 * The value of \`key\` (the last one written wins, as in a properties file).
 * @param {Config} config
 * @param {string} key
 */
function get(config, key) {
  return [...config].reverse().find(([name]) => name === key)?.[1];
}

/**
 * Reads the configuration; one issue per refused key.
 * @param {Config} config
 * @returns {{ file: string } | { issues: ConfigIssue[] }}
 */
function file(config) {
  const path = get(config, 'file');
  if (path === undefined || path.trim() === '') return { issues: [{ key: 'file', message: 'Missing required configuration "file" which has no default value.' }] };
  return { file: path };
}

/**
 * @param {ConnectValue | undefined} value
 * @returns {string}
 */
function text(value) {
  if (value === undefined) return 'null';
  switch (value.tag) {
    case 'text':
    case 'json':
      return value.val;
    case 'int64':
    case 'float64':
    case 'boolean':
      return String(value.val);
    case 'bytes':
      return Array.from(value.val, (byte) => byte.toString(16).padStart(2, '0')).join('');
  }
}

/**
 * A file call's error as a message (an import's \`err\` is thrown with the file-error as its payload).
 * @param {() => void} call
 */
function fileCall(call) {
  try {
    call();
  } catch (error) {
    /** @type {FileError | undefined} */
    const payload = /** @type {{ payload?: FileError }} */ (error).payload;
    if (payload === undefined) throw error;
    throw new Error(payload.tag === 'not-found' ? 'the file does not exist' : payload.val);
  }
}

/** A running task: appends to the granted file. */
class FileAppender {
  /** @param {string} path */
  constructor(path) {
    this.path = path;
  }

  /** @param {SinkRecord[]} records */
  put(records) {
    const lines = records.map((record) => \`\${text(record.key)}\\t\${text(record.value)}\\n\`).join('');
    fileCall(() => append(this.path, bytes(lines)));
  }

  flush() {
    fileCall(() => sync(this.path));
  }
}

export const { connector, sinkTask } = defineSinkConnector({
  configDef: [configKey('file', 'string', { importance: 'high', documentation: 'The file to append the records to' })],

  validate: (config) => {
    const read = file(config);
    return 'issues' in read ? read.issues : [];
  },

  // One task: the file has one writer.
  taskConfigs: (config) => [config],

  start(config) {
    const read = file(config);
    if ('issues' in read) throw new Error(read.issues.map((issue) => \`\${issue.key}: \${issue.message}\`).join('; '));
    return new FileAppender(read.file);
  },
});
`,
    ...sinkShared(name, repositoryRoot),
  };
}

function javascriptTransformFiles(name: string, repositoryRoot: string): Record<string, string> {
  return {
    ...typescriptProject(name, repositoryRoot, 'transform', '@eddy/sdk/transform', 'js'),
    'src/index.js': `// @ts-check
// ${name}: Single Message Transforms for Kafka Connect. It provides the
// transformation \`example.Uppercase\` (a string value in upper case, with
// or without a schema; other values unchanged) and the predicate
// \`example.ValueIsString\`. A connector names them:
//
//     transforms=up
//     transforms.up.plugin=<this folder>
//     transforms.up.type=example.Uppercase
//
// A record carries Kafka Connect's data model in two lists (arenas): its
// schemas and its values; the key, the value, headers, struct fields and
// array items are indexes into them (interface \`connect-data\` of the
// \`transform\` world in wit/). The host configures one transform per
// alias (the function a class's factory returns), then calls it per record.

import { defineTransforms, predicateClass, transformClass } from '@eddy/sdk/transform';

/** @typedef {import('@eddy/sdk/transform').ConnectRecord} ConnectRecord */

/** @param {ConnectRecord} record */
const valueOf = (record) => record.values[record.value.value];

export const transformation = defineTransforms({
  // \`config\` holds the keys under \`transforms.<alias>.\`; throw refuse(key, message) to refuse one.
  'example.Uppercase': transformClass((_config) => (record) => {
    const value = valueOf(record);
    if (value?.tag !== 'string') return record;
    // A new value, so nothing else that shares the old one changes. Return undefined to drop the record.
    return { ...record, values: [...record.values, { tag: 'string', val: value.val.toUpperCase() }], value: { ...record.value, value: record.values.length } };
  }),
  'example.ValueIsString': predicateClass((_config) => (record) => valueOf(record)?.tag === 'string'),
});
`,
    ...transformShared(name, repositoryRoot),
  };
}

// ---- Which languages each kind has a template in ----------------------------

type Template = (name: string, repositoryRoot: string) => Record<string, string>;

/** The templates of each kind, by `--lang`: the one place that says which combinations `eddy init` accepts. */
export const connectorTemplates: Readonly<Record<ConnectorKind, Readonly<Record<string, Template>>>> = {
  source: { rust: sourceFiles, ts: typescriptSourceFiles, js: javascriptSourceFiles },
  sink: { rust: sinkFiles, ts: typescriptSinkFiles, js: javascriptSinkFiles },
  transform: { rust: transformFiles, ts: typescriptTransformFiles, js: javascriptTransformFiles },
};

/** The files of a project of a connector or transform kind in `language` (one of connectorTemplates' languages). */
export function connectorFiles(kind: ConnectorKind, language: string, name: string, repositoryRoot: string): Record<string, string> {
  const template = connectorTemplates[kind][language];
  if (!template) throw new Error(`--kind ${kind} has no template in --lang ${language}`);
  return template(name, repositoryRoot);
}
