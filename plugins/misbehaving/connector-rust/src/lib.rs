//! Test-only: a source connector that counts, then misbehaves on purpose.
//!
//! Owns: the keys `topic` (where the counter goes), `misbehave` (`trap`: a
//! panic, which aborts as a WebAssembly trap; `loop`: spins forever, for the
//! host's CPU limit to stop; `memory`: allocates and touches 1 MiB after
//! 1 MiB, for the host's memory cap to stop; `retriable`: `retries` polls in
//! a row (default 3) return an `err` marked retriable through
//! `retriable-errors` — Kafka's RetriableException — after which it goes on
//! counting and never misbehaves again) and `after` (how many records
//! this task instance emits before it misbehaves, default 3). Each poll emits
//! one record whose value is the counter and whose source offset is that
//! counter (source partition `{counter: misbehaving}`), so a restarted task
//! resumes after the last committed one; the poll after `after` records since
//! this instance started misbehaves.
//! Must never: misbehave before `after` records of this instance, or in any
//! call but `poll`.

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "source-connector",
    path: "../../../wit/0.2.0",
});

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_types::{CommittedOffset, ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, ConnectValue, SourceRecord};
use eddy_connect::get;
use eddy::plugin::log::{log, Level};
use eddy::plugin::retriable_errors::retriable;
use exports::eddy::plugin::{connector, source_task};

const TOPIC: &str = "topic";
const MISBEHAVE: &str = "misbehave";
const AFTER: &str = "after";
const DEFAULT_AFTER: u64 = 3;
const RETRIES: &str = "retries";
const DEFAULT_RETRIES: u64 = 3;
const PARTITION_KEY: &str = "counter";
const PARTITION_VALUE: &str = "misbehaving";
const OFFSET_KEY: &str = "counter";

#[derive(Clone, Copy)]
enum Misbehaviour {
    Trap,
    Loop,
    Memory,
    Retriable,
}

struct Settings {
    topic: String,
    misbehave: Misbehaviour,
    after: u64,
    retries: u64,
}

fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let topic = get(config, TOPIC).unwrap_or_default().to_string();
    if topic.trim().is_empty() {
        issues.push(issue(TOPIC, "String must be non-empty"));
    }
    let misbehave = match get(config, MISBEHAVE).unwrap_or("trap") {
        "trap" => Misbehaviour::Trap,
        "loop" => Misbehaviour::Loop,
        "memory" => Misbehaviour::Memory,
        "retriable" => Misbehaviour::Retriable,
        other => {
            issues.push(issue(MISBEHAVE, format!("Invalid value {other} for configuration misbehave: must be one of trap, loop, memory, retriable")));
            Misbehaviour::Trap
        }
    };
    let after = match get(config, AFTER) {
        None => DEFAULT_AFTER,
        Some(text) => text.trim().parse::<u64>().unwrap_or_else(|_| {
            issues.push(issue(AFTER, format!("Invalid value {text} for configuration after: must be a whole number of records")));
            DEFAULT_AFTER
        }),
    };
    let retries = match get(config, RETRIES) {
        None => DEFAULT_RETRIES,
        Some(text) => text.trim().parse::<u64>().unwrap_or_else(|_| {
            issues.push(issue(RETRIES, format!("Invalid value {text} for configuration retries: must be a whole number of polls")));
            DEFAULT_RETRIES
        }),
    };
    if issues.is_empty() { Ok(Settings { topic, misbehave, after, retries }) } else { Err(issues) }
}

struct Task {
    settings: Settings,
    /// The counter the next record carries.
    next: u64,
    /// Records emitted since this instance started.
    emitted: u64,
    /// What the memory bomb holds on to.
    hoard: Vec<Vec<u8>>,
    /// Retriable failures returned so far.
    failed: u64,
}

thread_local! {
    static TASK: RefCell<Option<Task>> = const { RefCell::new(None) };
}

impl Task {
    fn poll(&mut self) -> Result<Vec<SourceRecord>, String> {
        if self.emitted >= self.settings.after {
            if let Misbehaviour::Retriable = self.settings.misbehave {
                if self.failed < self.settings.retries {
                    self.failed += 1;
                    retriable();
                    return Err(format!("retriable failure {} of {} on purpose", self.failed, self.settings.retries));
                }
            } else {
                self.misbehave();
            }
        }
        let counter = self.next;
        self.next += 1;
        self.emitted += 1;
        Ok(vec![SourceRecord {
            topic: self.settings.topic.clone(),
            partition: None,
            key: None,
            value: Some(ConnectValue::Text(counter.to_string())),
            source_partition: vec![(PARTITION_KEY.into(), PARTITION_VALUE.into())],
            source_offset: vec![(OFFSET_KEY.into(), counter.to_string())],
            timestamp: None,
        }])
    }

    fn misbehave(&mut self) -> ! {
        match self.settings.misbehave {
            Misbehaviour::Trap => panic!("misbehaving on purpose: trap after {} records", self.emitted),
            Misbehaviour::Loop => {
                let mut turns: u64 = 0;
                loop {
                    turns = std::hint::black_box(turns.wrapping_add(1));
                }
            }
            Misbehaviour::Retriable => unreachable!("a retriable failure is returned, not acted"),
            Misbehaviour::Memory => loop {
                let mut chunk = vec![0u8; 1 << 20];
                for index in (0..chunk.len()).step_by(4096) {
                    chunk[index] = 1;
                }
                self.hoard.push(std::hint::black_box(chunk));
            },
        }
    }
}

struct MisbehavingSource;

impl connector::Guest for MisbehavingSource {
    fn config_def() -> Vec<ConfigKey> {
        vec![
            define(TOPIC, ConfigType::String, ConfigDefault::Required, ConfigImportance::High, "The topic the counter goes to"),
            define(MISBEHAVE, ConfigType::String, ConfigDefault::Value("trap".into()), ConfigImportance::High, "trap, loop, memory or retriable: how the task misbehaves"),
            define(RETRIES, ConfigType::Long, ConfigDefault::Value(DEFAULT_RETRIES.to_string()), ConfigImportance::Medium, "With misbehave=retriable: how many polls in a row fail retriably"),
            define(AFTER, ConfigType::Long, ConfigDefault::Value(DEFAULT_AFTER.to_string()), ConfigImportance::High, "How many records a task instance emits before it misbehaves"),
        ]
    }

    fn validate(config: Vec<(String, String)>) -> Vec<ConfigIssue> {
        settings(&config).err().unwrap_or_default()
    }

    fn task_configs(config: Vec<(String, String)>, _max_tasks: u32) -> Result<Vec<Vec<(String, String)>>, String> {
        Ok(vec![config])
    }

    /// Cannot say (it misbehaves on purpose).
    fn exactly_once_support(_config: Vec<(String, String)>) -> Option<bool> {
        None
    }
}

impl source_task::Guest for MisbehavingSource {
    fn start(config: Vec<(String, String)>, offsets: Vec<CommittedOffset>) -> Result<(), String> {
        // A panic aborts (traps) the instance; log its message first so the
        // host's error says what happened, not just "unreachable".
        std::panic::set_hook(Box::new(|info| log(Level::Error, &info.to_string().replace('\n', " "))));
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        let mut next = 0u64;
        for offset in &offsets {
            if get(&offset.source_partition, PARTITION_KEY) == Some(PARTITION_VALUE) {
                let stored = get(&offset.source_offset, OFFSET_KEY).ok_or("the stored offset has no 'counter'")?;
                next = stored.parse::<u64>().map_err(|_| format!("the stored counter '{stored}' is not a number"))? + 1;
                log(Level::Info, &format!("resuming after counter {stored}"));
            }
        }
        TASK.with(|task| *task.borrow_mut() = Some(Task { settings, next, emitted: 0, hoard: Vec::new(), failed: 0 }));
        Ok(())
    }

    fn poll() -> Result<Vec<SourceRecord>, String> {
        TASK.with(|task| match task.borrow_mut().as_mut() {
            Some(task) => task.poll(),
            None => Err("poll before start".into()),
        })
    }

    fn stop() {
        TASK.with(|task| *task.borrow_mut() = None);
    }
}

export!(MisbehavingSource);
