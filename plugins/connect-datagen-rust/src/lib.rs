//! DatagenConnector: a data generator for demos and load tests, in the
//! spirit of Confluent's kafka-connect-datagen, as a `source-connector`
//! plugin.
//!
//! Owns: the keys `kafka.topic`, `quickstart` (`users`, `pageviews`,
//! `orders`: small schemas inspired by Confluent's), `max.interval`,
//! `iterations` and `random.seed`; splitting the work over `tasks.max`
//! tasks; each record's key and value as a pure function of (seed, task,
//! position), so the same seed gives the same records and a restart at the
//! stored position continues the sequence exactly; and the rate: `poll`
//! hands over the records that are due by the task's wall clock (WASI's
//! `wall-clock`, which the host serves every plugin), one every
//! `max.interval` ms.
//! Must never: block (`poll` returns what is due now), or depend on
//! anything but its configuration, the stored offset and the clock.

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "eddy:connect-datagen/datagen",
    path: ["../../wit/0.3.0", "wit"],
    // Bindings for the WASI interface too (wit-bindgen asks before generating a foreign package).
    generate_all,
});

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_data::{ConnectRecord, FieldSchema, Schema, SchemaAndValue, SchemaType, StructValue, Value};
use eddy::plugin::connect_types::{CommittedOffset, ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, SourceRecord};
use eddy_connect::{get, missing};
use eddy::plugin::log::{log, Level};
use exports::eddy::plugin::{connector, source_task};
use wasi::clocks::wall_clock;

const TOPIC: &str = "kafka.topic";
const QUICKSTART: &str = "quickstart";
const MAX_INTERVAL: &str = "max.interval";
const ITERATIONS: &str = "iterations";
const RANDOM_SEED: &str = "random.seed";
/// The connector's name: the default seed is derived from it.
const NAME: &str = "name";
/// Confluent's keys for a schema of one's own: refused, not ignored.
const UNSUPPORTED: [&str; 3] = ["schema.string", "schema.filename", "schema.keyfield"];
/// What `task-configs` adds to each task's configuration.
const TASK: &str = "datagen.task";
const TASKS: &str = "datagen.tasks";
const TASK_ITERATIONS: &str = "datagen.task.iterations";
/// The source partition's key and the source offset's key.
const TASK_KEY: &str = "task";
const POSITION_KEY: &str = "position";

const DEFAULT_MAX_INTERVAL: u64 = 500;
/// The most records one poll hands over (when many are due, or `max.interval=0`).
const MAX_PER_POLL: u64 = 1000;
/// After a stall longer than this (a paused connector, a slow host) the
/// schedule restarts at the current time instead of bursting the backlog.
const MAX_LAG_MS: i64 = 5000;

#[derive(Clone, Copy, PartialEq)]
enum Quickstart {
    Users,
    Pageviews,
    Orders,
}

const QUICKSTARTS: &str = "users, pageviews, orders";

impl Quickstart {
    fn name(self) -> &'static str {
        match self {
            Quickstart::Users => "users",
            Quickstart::Pageviews => "pageviews",
            Quickstart::Orders => "orders",
        }
    }

    fn parse(name: &str) -> Option<Quickstart> {
        match name.trim().to_ascii_lowercase().as_str() {
            "users" => Some(Quickstart::Users),
            "pageviews" => Some(Quickstart::Pageviews),
            "orders" => Some(Quickstart::Orders),
            _ => None,
        }
    }
}

struct Settings {
    topic: String,
    quickstart: Quickstart,
    interval_ms: u64,
    /// `None`: unbounded (`iterations=-1`).
    iterations: Option<u64>,
    seed: u64,
}

fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let mut issue = |key: &str, message: String| issues.push(ConfigIssue { key: key.into(), message });
    let topic = match get(config, TOPIC) {
        None => {
            issue(TOPIC, missing(TOPIC));
            String::new()
        }
        Some(topic) if topic.trim().is_empty() => {
            issue(TOPIC, "String must be non-empty".into());
            String::new()
        }
        Some(topic) if topic.contains(',') => {
            issue(TOPIC, format!("Invalid value {topic} for configuration {TOPIC}: the connector writes to one topic"));
            String::new()
        }
        Some(topic) => topic.trim().to_string(),
    };
    let quickstart = match get(config, QUICKSTART) {
        None => {
            issue(QUICKSTART, format!("Missing required configuration \"{QUICKSTART}\" which has no default value (one of {QUICKSTARTS})."));
            Quickstart::Users
        }
        Some(name) => Quickstart::parse(name).unwrap_or_else(|| {
            issue(QUICKSTART, format!("Invalid value {name} for configuration {QUICKSTART}: must be one of {QUICKSTARTS}"));
            Quickstart::Users
        }),
    };
    let interval_ms = match get(config, MAX_INTERVAL) {
        None => DEFAULT_MAX_INTERVAL,
        Some(text) => text.trim().parse::<i64>().ok().filter(|n| *n >= 0).map(|n| n as u64).unwrap_or_else(|| {
            issue(MAX_INTERVAL, format!("Invalid value {text} for configuration {MAX_INTERVAL}: must be a number of milliseconds, 0 or more"));
            DEFAULT_MAX_INTERVAL
        }),
    };
    let iterations = match get(config, ITERATIONS) {
        None => None,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(-1) => None,
            Ok(n) if n >= 0 => Some(n as u64),
            _ => {
                issue(ITERATIONS, format!("Invalid value {text} for configuration {ITERATIONS}: must be the number of records to generate (0 or more), or -1 for unlimited"));
                None
            }
        },
    };
    let seed = match get(config, RANDOM_SEED) {
        Some(text) if !text.trim().is_empty() => text.trim().parse::<i64>().map(|n| n as u64).unwrap_or_else(|_| {
            issue(RANDOM_SEED, format!("Invalid value {text} for configuration {RANDOM_SEED}: must be a whole number (a Java long)"));
            0
        }),
        // Stable across restarts, different for each connector.
        _ => fnv1a(get(config, NAME).unwrap_or("").as_bytes()),
    };
    for key in UNSUPPORTED {
        if get(config, key).is_some_and(|value| !value.trim().is_empty()) {
            issue(key, format!("is not supported: this connector generates its quickstart schemas only ({QUICKSTARTS})"));
        }
    }
    if issues.is_empty() { Ok(Settings { topic, quickstart, interval_ms, iterations, seed }) } else { Err(issues) }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// SplitMix64's finaliser: a well-mixed 64-bit function of its input.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64, seeded per record: a record never depends on the ones before it.
struct Random(u64);

impl Random {
    fn for_record(seed: u64, task: u32, index: u64) -> Random {
        Random(mix(mix(seed ^ mix(u64::from(task).wrapping_add(1))).wrapping_add(index)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `low..=high` (the modulo bias is far below anything a demo sees).
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % ((high - low + 1) as u64)) as i64
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[(self.next() % choices.len() as u64) as usize]
    }
}

/// Registration and order times: Confluent's quickstarts draw them from this range (Feb 2017 – Feb 2018).
const EARLIEST: i64 = 1_487_715_775_521;
const LATEST: i64 = 1_519_273_364_600;

/// A record's schemas and values (the WIT record's arenas), built field by field.
#[derive(Default)]
struct Arena {
    schemas: Vec<Schema>,
    values: Vec<Value>,
}

impl Arena {
    fn schema(&mut self, type_: SchemaType, name: Option<&str>, fields: Vec<FieldSchema>) -> u32 {
        self.schemas.push(Schema {
            type_,
            optional: false,
            default_value: None,
            name: name.map(String::from),
            version: None,
            doc: None,
            parameters: None,
            fields,
            key_schema: None,
            value_schema: None,
        });
        (self.schemas.len() - 1) as u32
    }

    fn value(&mut self, value: Value) -> u32 {
        self.values.push(value);
        (self.values.len() - 1) as u32
    }

    /// A struct schema named `name` with these fields (each of a schema already in the arena), and its value (not yet in the arena).
    fn structure(&mut self, name: &str, fields: Vec<(&str, u32, Value)>) -> (u32, Value) {
        let mut field_schemas = Vec::with_capacity(fields.len());
        let mut field_values = Vec::with_capacity(fields.len());
        for (field, schema, value) in fields {
            field_schemas.push(FieldSchema { name: field.into(), schema });
            field_values.push(self.value(value));
        }
        let schema = self.schema(SchemaType::Struct, Some(name), field_schemas);
        (schema, Value::Struct(StructValue { schema, fields: field_values }))
    }

    fn top(&mut self, (schema, value): (u32, Value)) -> SchemaAndValue {
        SchemaAndValue { schema: Some(schema), value: self.value(value) }
    }

    fn primitive(&mut self, type_: SchemaType, value: Value) -> SchemaAndValue {
        let schema = self.schema(type_, None, Vec::new());
        SchemaAndValue { schema: Some(schema), value: self.value(value) }
    }
}

/// Record `index` of task `task` (of `tasks`): its key and value with their
/// schemas (Confluent's quickstart names, `ksql.<quickstart>`; every field
/// required), in `arena`.
fn generate(arena: &mut Arena, quickstart: Quickstart, seed: u64, task: u32, tasks: u32, index: u64) -> (SchemaAndValue, SchemaAndValue) {
    let mut random = Random::for_record(seed, task, index);
    // Unique over every task of the connector.
    let sequence = index * u64::from(tasks) + u64::from(task);
    let string = arena.schema(SchemaType::String, None, Vec::new());
    let int64 = arena.schema(SchemaType::Int64, None, Vec::new());
    match quickstart {
        Quickstart::Users => {
            let registertime = random.between(EARLIEST, LATEST);
            let userid = format!("User_{}", random.between(1, 9));
            let regionid = format!("Region_{}", random.between(1, 9));
            let gender = random.pick(&["MALE", "FEMALE", "OTHER"]);
            let key = arena.primitive(SchemaType::String, Value::String(userid.clone()));
            let value = arena.structure(
                "ksql.users",
                vec![
                    ("registertime", int64, Value::Int64(registertime)),
                    ("userid", string, Value::String(userid)),
                    ("regionid", string, Value::String(regionid)),
                    ("gender", string, Value::String(gender.into())),
                ],
            );
            let value = arena.top(value);
            (key, value)
        }
        Quickstart::Pageviews => {
            let viewtime = (1 + 10 * sequence) as i64;
            let userid = format!("User_{}", random.between(1, 9));
            let pageid = format!("Page_{}", random.between(1, 99));
            let key = arena.primitive(SchemaType::Int64, Value::Int64(viewtime));
            let value = arena.structure(
                "ksql.pageviews",
                vec![("viewtime", int64, Value::Int64(viewtime)), ("userid", string, Value::String(userid)), ("pageid", string, Value::String(pageid))],
            );
            let value = arena.top(value);
            (key, value)
        }
        Quickstart::Orders => {
            let ordertime = random.between(EARLIEST, LATEST);
            let itemid = format!("Item_{}", random.between(1, 999));
            let cents = random.between(10, 1000);
            let city = random.between(1, 99);
            let state = random.between(1, 99);
            let zipcode = random.between(10000, 99999);
            // Confluent's `orderid` is an Avro int; this one counts every record of the connector, so it is a long.
            let key = arena.primitive(SchemaType::Int64, Value::Int64(sequence as i64));
            let int32 = arena.schema(SchemaType::Int32, None, Vec::new());
            let float64 = arena.schema(SchemaType::Float64, None, Vec::new());
            let (address_schema, address) = arena.structure(
                "ksql.address",
                vec![("city", string, Value::String(format!("City_{city}"))), ("state", string, Value::String(format!("State_{state}"))), ("zipcode", int32, Value::Int32(zipcode as i32))],
            );
            let value = arena.structure(
                "ksql.orders",
                vec![
                    ("ordertime", int64, Value::Int64(ordertime)),
                    ("orderid", int64, Value::Int64(sequence as i64)),
                    ("itemid", string, Value::String(itemid)),
                    ("orderunits", float64, Value::Float64(cents as f64 / 100.0)),
                    ("address", address_schema, address),
                ],
            );
            let value = arena.top(value);
            (key, value)
        }
    }
}

fn now_ms() -> i64 {
    let now = wall_clock::now();
    (now.seconds as i64) * 1000 + i64::from(now.nanoseconds / 1_000_000)
}

struct Task {
    settings: Settings,
    task: u32,
    tasks: u32,
    /// This task's share of `iterations`; `None`: unbounded.
    limit: Option<u64>,
    /// The index of the next record: the stored position.
    next: u64,
    /// The schedule: record `base_index` was due at `base_time`, each next one `max.interval` later.
    base_time: i64,
    base_index: u64,
    said_done: bool,
}

impl Task {
    fn rebase(&mut self, now: i64) {
        self.base_time = now;
        self.base_index = self.next;
    }

    /// How many records are due now, not counting those handed over.
    fn due(&mut self, now: i64) -> u64 {
        let interval = self.settings.interval_ms;
        if interval == 0 {
            return MAX_PER_POLL;
        }
        let next_due = self.base_time + ((self.next - self.base_index) * interval) as i64;
        if now < self.base_time || now - next_due > MAX_LAG_MS {
            // The clock went back, or the task stalled: start the schedule again from now.
            self.rebase(now);
        }
        let elapsed = (now - self.base_time) as u64;
        (elapsed / interval + 1).saturating_sub(self.next - self.base_index)
    }

    fn poll(&mut self) -> Vec<SourceRecord> {
        let remaining = self.limit.map_or(u64::MAX, |limit| limit.saturating_sub(self.next));
        if remaining == 0 {
            if !self.said_done {
                log(Level::Info, &format!("task {} generated all {} of its records", self.task, self.next));
                self.said_done = true;
            }
            return Vec::new();
        }
        let now = now_ms();
        let count = self.due(now).min(MAX_PER_POLL).min(remaining);
        let interval = self.settings.interval_ms;
        let mut records = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let index = self.next;
            let mut arena = Arena::default();
            let (key, value) = generate(&mut arena, self.settings.quickstart, self.settings.seed, self.task, self.tasks, index);
            let timestamp = if interval == 0 { now } else { self.base_time + ((index - self.base_index) * interval) as i64 };
            self.next += 1;
            records.push(SourceRecord {
                data: ConnectRecord {
                    topic: self.settings.topic.clone(),
                    partition: None,
                    key,
                    value,
                    timestamp: Some(timestamp),
                    headers: Vec::new(),
                    kafka_offset: None,
                    schemas: arena.schemas,
                    values: arena.values,
                },
                source_partition: vec![(TASK_KEY.into(), self.task.to_string())],
                source_offset: vec![(POSITION_KEY.into(), self.next.to_string())],
            });
        }
        records
    }
}

thread_local! {
    static TASK_STATE: RefCell<Option<Task>> = const { RefCell::new(None) };
}

fn parse_task_key<T: std::str::FromStr>(config: &[(String, String)], key: &str) -> Result<Option<T>, String> {
    match get(config, key) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| format!("the task configuration's '{key}' is not a number: '{text}'")),
    }
}

struct Datagen;

impl connector::Guest for Datagen {
    /// The keys of Confluent's DatagenConnectorConfig that this connector reads (`iterations` defaults to -1, no end).
    fn config_def() -> Vec<ConfigKey> {
        vec![
            define(TOPIC, ConfigType::String, ConfigDefault::Required, ConfigImportance::High, "Topic to write to"),
            define(MAX_INTERVAL, ConfigType::Long, ConfigDefault::Value(DEFAULT_MAX_INTERVAL.to_string()), ConfigImportance::High, "Max interval between messages (ms)"),
            define(ITERATIONS, ConfigType::Long, ConfigDefault::Value("-1".into()), ConfigImportance::High, "Number of messages to send from each task, or less than 1 for unlimited"),
            define(QUICKSTART, ConfigType::String, ConfigDefault::Required, ConfigImportance::High, "Name of the quickstart to generate: users, pageviews or orders"),
            define(RANDOM_SEED, ConfigType::Long, ConfigDefault::Null, ConfigImportance::Low, "Numeric seed for generating random data. Two connectors started with the same seed will deterministically produce the same data."),
            define(UNSUPPORTED[0], ConfigType::String, ConfigDefault::Value(String::new()), ConfigImportance::Low, "Not supported: only the quickstarts are generated"),
            define(UNSUPPORTED[1], ConfigType::String, ConfigDefault::Value(String::new()), ConfigImportance::Low, "Not supported: only the quickstarts are generated"),
            define(UNSUPPORTED[2], ConfigType::String, ConfigDefault::Value(String::new()), ConfigImportance::Low, "Not supported: only the quickstarts are generated"),
        ]
    }

    /// Each record is a function of the seed and its position, and a task resumes at its stored position: committed
    /// with its offsets in one transaction, every record is written exactly once.
    fn exactly_once_support(_config: Vec<(String, String)>) -> Option<bool> {
        Some(true)
    }

    fn validate(config: Vec<(String, String)>) -> Vec<ConfigIssue> {
        settings(&config).err().unwrap_or_default()
    }

    /// `tasks.max` tasks (fewer when `iterations` is smaller), each with its
    /// number and its share of `iterations`.
    fn task_configs(config: Vec<(String, String)>, max_tasks: u32) -> Result<Vec<Vec<(String, String)>>, String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        let max_tasks = max_tasks.max(1);
        let tasks = match settings.iterations {
            Some(total) if total < u64::from(max_tasks) => total.max(1) as u32,
            _ => max_tasks,
        };
        let base: Vec<(String, String)> = config.into_iter().filter(|(key, _)| ![TASK, TASKS, TASK_ITERATIONS].contains(&key.as_str())).collect();
        Ok((0..tasks)
            .map(|task| {
                let share = match settings.iterations {
                    None => -1,
                    Some(total) => (total / u64::from(tasks) + u64::from(u64::from(task) < total % u64::from(tasks))) as i64,
                };
                let mut task_config = base.clone();
                task_config.push((TASK.into(), task.to_string()));
                task_config.push((TASKS.into(), tasks.to_string()));
                task_config.push((TASK_ITERATIONS.into(), share.to_string()));
                task_config
            })
            .collect())
    }
}

impl source_task::Guest for Datagen {
    fn start(config: Vec<(String, String)>, offsets: Vec<CommittedOffset>) -> Result<(), String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        let task: u32 = parse_task_key(&config, TASK)?.unwrap_or(0);
        let tasks: u32 = parse_task_key(&config, TASKS)?.unwrap_or(1).max(1);
        let limit = match parse_task_key::<i64>(&config, TASK_ITERATIONS)? {
            Some(share) if share >= 0 => Some(share as u64),
            Some(_) => None,
            None => settings.iterations,
        };
        let mut next = 0u64;
        let partition = task.to_string();
        for offset in &offsets {
            if get(&offset.source_partition, TASK_KEY) == Some(partition.as_str()) {
                let stored = get(&offset.source_offset, POSITION_KEY).ok_or("the stored offset has no 'position'")?;
                next = stored.parse().map_err(|_| format!("the stored position '{stored}' is not a record number"))?;
            }
        }
        log(Level::Info, &format!("task {task} of {tasks}: quickstart {}, one record every {} ms, starting at record {next}", settings.quickstart.name(), settings.interval_ms));
        let now = now_ms();
        TASK_STATE.with(|state| {
            *state.borrow_mut() = Some(Task { settings, task, tasks, limit, next, base_time: now, base_index: next, said_done: false })
        });
        Ok(())
    }

    fn poll() -> Result<Vec<SourceRecord>, String> {
        TASK_STATE.with(|state| match state.borrow_mut().as_mut() {
            Some(task) => Ok(task.poll()),
            None => Err("poll before start".into()),
        })
    }

    fn stop() {
        TASK_STATE.with(|state| *state.borrow_mut() = None);
    }
}

export!(Datagen);
