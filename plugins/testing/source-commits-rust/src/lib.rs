//! Test-only: a source connector that logs what the host tells it through
//! `eddy:plugin/source-commits` (Kafka Connect's `commitRecord` and
//! `commit`), so a test can compare it with what Kafka holds.
//!
//! Owns: the keys `topic` (where the records go), `count` (how many records
//! in all, default 20), `keys` (records are keyed `k0`…`k<keys-1>` in turn,
//! default 3), `tombstone.every` (every n-th record, counting from 1, has a
//! null value; 0: none, the default) and `per.poll` (records per poll,
//! default 5). Record n has the value `v<n>` and the source offset
//! `{position: n}` in the source partition `{source: commit-listener}`, so a
//! restarted task resumes after the last stored one. At the start of each
//! `poll`, and in `stop`, it takes the news and logs one line per committed
//! record — `committed <sequence> position=<n> at <topic>/<partition>/<offset>
//! timestamp=<t>`, or `committed <sequence> position=<n> not written` — then
//! `discarded <n>` and `offset commits <n>` when not zero.
//! Must never: emit a record past `count`, or log anything else at info.

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "source-connector",
    path: "../../../wit/0.2.0",
});

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_types::{CommittedOffset, ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, ConnectValue, SourceRecord};
use eddy::plugin::log::{log, Level};
use eddy::plugin::source_commits::take_commits;
use eddy_connect::get;
use exports::eddy::plugin::{connector, source_task};

const TOPIC: &str = "topic";
const COUNT: &str = "count";
const KEYS: &str = "keys";
const TOMBSTONE_EVERY: &str = "tombstone.every";
const PER_POLL: &str = "per.poll";
const PARTITION_KEY: &str = "source";
const PARTITION_VALUE: &str = "commit-listener";
const OFFSET_KEY: &str = "position";

struct Settings {
    topic: String,
    count: u64,
    keys: u64,
    tombstone_every: u64,
    per_poll: u64,
}

fn number(config: &[(String, String)], key: &str, default: u64, least: u64, issues: &mut Vec<ConfigIssue>) -> u64 {
    match get(config, key) {
        None => default,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(value) if value >= least => value,
            _ => {
                issues.push(issue(key, format!("Invalid value {text} for configuration {key}: Value must be at least {least}")));
                default
            }
        },
    }
}

fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let topic = get(config, TOPIC).unwrap_or_default().trim().to_string();
    if topic.is_empty() {
        issues.push(issue(TOPIC, "String must be non-empty"));
    }
    let count = number(config, COUNT, 20, 0, &mut issues);
    let keys = number(config, KEYS, 3, 1, &mut issues);
    let tombstone_every = number(config, TOMBSTONE_EVERY, 0, 0, &mut issues);
    let per_poll = number(config, PER_POLL, 5, 1, &mut issues);
    if issues.is_empty() { Ok(Settings { topic, count, keys, tombstone_every, per_poll }) } else { Err(issues) }
}

struct Task {
    settings: Settings,
    /// The position the next record carries.
    next: u64,
}

thread_local! {
    static TASK: RefCell<Option<Task>> = const { RefCell::new(None) };
}

fn position_of(offset: &[(String, String)]) -> String {
    get(offset, OFFSET_KEY).unwrap_or("?").to_string()
}

/// Takes the news and logs it.
fn log_news() {
    let news = take_commits();
    for record in &news.records {
        let position = position_of(&record.source_offset);
        match &record.metadata {
            Some(written) => log(Level::Info, &format!("committed {} position={position} at {}/{}/{} timestamp={}", record.sequence, written.topic, written.partition, written.offset, written.timestamp)),
            None => log(Level::Info, &format!("committed {} position={position} not written", record.sequence)),
        }
    }
    if news.discarded > 0 {
        log(Level::Info, &format!("discarded {}", news.discarded));
    }
    if news.offset_commits > 0 {
        log(Level::Info, &format!("offset commits {}", news.offset_commits));
    }
}

impl Task {
    fn poll(&mut self) -> Vec<SourceRecord> {
        let mut records = Vec::new();
        while records.len() < self.settings.per_poll as usize && self.next < self.settings.count {
            let n = self.next;
            self.next += 1;
            let every = self.settings.tombstone_every;
            let tombstone = every > 0 && (n + 1) % every == 0;
            records.push(SourceRecord {
                topic: self.settings.topic.clone(),
                partition: None,
                key: Some(ConnectValue::Text(format!("k{}", n % self.settings.keys))),
                value: if tombstone { None } else { Some(ConnectValue::Text(format!("v{n}"))) },
                source_partition: vec![(PARTITION_KEY.into(), PARTITION_VALUE.into())],
                source_offset: vec![(OFFSET_KEY.into(), n.to_string())],
                timestamp: None,
            });
        }
        records
    }
}

struct CommitListener;

impl connector::Guest for CommitListener {
    fn config_def() -> Vec<ConfigKey> {
        vec![
            define(TOPIC, ConfigType::String, ConfigDefault::Required, ConfigImportance::High, "The topic the records go to"),
            define(COUNT, ConfigType::Long, ConfigDefault::Value("20".into()), ConfigImportance::High, "How many records in all"),
            define(KEYS, ConfigType::Long, ConfigDefault::Value("3".into()), ConfigImportance::Medium, "How many distinct keys, used in turn"),
            define(TOMBSTONE_EVERY, ConfigType::Long, ConfigDefault::Value("0".into()), ConfigImportance::Medium, "Every n-th record has a null value (0: none)"),
            define(PER_POLL, ConfigType::Long, ConfigDefault::Value("5".into()), ConfigImportance::Low, "Records per poll"),
        ]
    }

    fn validate(config: Vec<(String, String)>) -> Vec<ConfigIssue> {
        settings(&config).err().unwrap_or_default()
    }

    fn task_configs(config: Vec<(String, String)>, _max_tasks: u32) -> Result<Vec<Vec<(String, String)>>, String> {
        Ok(vec![config])
    }

    /// Its positions are its offsets, stored with its records.
    fn exactly_once_support(_config: Vec<(String, String)>) -> Option<bool> {
        Some(true)
    }
}

impl source_task::Guest for CommitListener {
    fn start(config: Vec<(String, String)>, offsets: Vec<CommittedOffset>) -> Result<(), String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        let mut next = 0u64;
        for offset in &offsets {
            if get(&offset.source_partition, PARTITION_KEY) == Some(PARTITION_VALUE) {
                let stored = get(&offset.source_offset, OFFSET_KEY).ok_or("the stored offset has no 'position'")?;
                next = stored.parse::<u64>().map_err(|_| format!("the stored position '{stored}' is not a number"))? + 1;
            }
        }
        TASK.with(|task| *task.borrow_mut() = Some(Task { settings, next }));
        Ok(())
    }

    fn poll() -> Result<Vec<SourceRecord>, String> {
        log_news();
        TASK.with(|task| match task.borrow_mut().as_mut() {
            Some(task) => Ok(task.poll()),
            None => Err("poll before start".into()),
        })
    }

    fn stop() {
        log_news();
        TASK.with(|task| *task.borrow_mut() = None);
    }
}

export!(CommitListener);
