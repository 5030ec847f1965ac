//! Test-only: a sink connector whose `put` fails retriably on purpose
//! (Kafka Connect's RetriableException, through `eddy:plugin/retriable-errors`).
//!
//! Owns: the keys `file` (the file it appends each record's value to, one
//! per line — the file capability the host grants), `fail.puts` (how many
//! times in a row each batch's `put` fails before it is taken, default 2)
//! and `retry.timeout.ms` (when set, the task asks for that wait before its
//! records come again — Kafka's `SinkTaskContext.timeout` — with each
//! failure). A batch is known by its first record's topic, partition and
//! offset; a failed `put` writes nothing.
//! Must never: write a batch it failed, or fail a batch more than
//! `fail.puts` times.

use std::cell::RefCell;
use std::collections::HashMap;

wit_bindgen::generate!({
    world: "sink-connector",
    path: "../../../wit/0.2.0",
});

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_types::{ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, ConnectValue, SinkRecord, TopicPartitionOffset};
use eddy::plugin::file_access;
use eddy::plugin::retriable_errors::{retriable, timeout};
use eddy_connect::get;
use exports::eddy::plugin::{connector, sink_task};

const FILE: &str = "file";
const FAIL_PUTS: &str = "fail.puts";
const RETRY_TIMEOUT_MS: &str = "retry.timeout.ms";

struct Settings {
    file: String,
    fail_puts: u32,
    retry_timeout_ms: Option<u64>,
}

fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let file = get(config, FILE).unwrap_or_default().to_string();
    if file.is_empty() {
        issues.push(issue(FILE, "is required"));
    }
    let fail_puts = match get(config, FAIL_PUTS) {
        None => 2,
        Some(text) => text.trim().parse::<u32>().unwrap_or_else(|_| {
            issues.push(issue(FAIL_PUTS, format!("Invalid value {text} for configuration {FAIL_PUTS}")));
            2
        }),
    };
    let retry_timeout_ms = match get(config, RETRY_TIMEOUT_MS) {
        None => None,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(ms) => Some(ms),
            Err(_) => {
                issues.push(issue(RETRY_TIMEOUT_MS, format!("Invalid value {text} for configuration {RETRY_TIMEOUT_MS}")));
                None
            }
        },
    };
    if issues.is_empty() { Ok(Settings { file, fail_puts, retry_timeout_ms }) } else { Err(issues) }
}

struct Task {
    settings: Settings,
    /// Failures so far of each batch, by its first record.
    failures: HashMap<(String, i32, i64), u32>,
}

thread_local! {
    static TASK: RefCell<Option<Task>> = const { RefCell::new(None) };
}

fn text(value: &Option<ConnectValue>) -> String {
    match value {
        None => "null".into(),
        Some(ConnectValue::Text(text)) | Some(ConnectValue::Json(text)) => text.clone(),
        Some(ConnectValue::Bytes(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        Some(ConnectValue::Int64(n)) => n.to_string(),
        Some(ConnectValue::Float64(x)) => x.to_string(),
        Some(ConnectValue::Boolean(b)) => b.to_string(),
    }
}

struct FlakySink;

impl connector::Guest for FlakySink {
    fn config_def() -> Vec<ConfigKey> {
        vec![
            define(FILE, ConfigType::String, ConfigDefault::Required, ConfigImportance::High, "The file the values are appended to"),
            define(FAIL_PUTS, ConfigType::Int, ConfigDefault::Value("2".into()), ConfigImportance::High, "How many times each batch's put fails retriably"),
            define(RETRY_TIMEOUT_MS, ConfigType::Long, ConfigDefault::Null, ConfigImportance::Medium, "The wait the task asks for before its records come again"),
        ]
    }

    fn validate(config: Vec<(String, String)>) -> Vec<ConfigIssue> {
        settings(&config).err().unwrap_or_default()
    }

    fn task_configs(config: Vec<(String, String)>, _max_tasks: u32) -> Result<Vec<Vec<(String, String)>>, String> {
        Ok(vec![config])
    }

    fn exactly_once_support(_config: Vec<(String, String)>) -> Option<bool> {
        None
    }
}

impl sink_task::Guest for FlakySink {
    fn start(config: Vec<(String, String)>) -> Result<(), String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        TASK.with(|task| *task.borrow_mut() = Some(Task { settings, failures: HashMap::new() }));
        Ok(())
    }

    fn put(records: Vec<SinkRecord>) -> Result<(), String> {
        TASK.with(|task| {
            let mut task = task.borrow_mut();
            let task = task.as_mut().ok_or("put before start")?;
            let Some(first) = records.first() else { return Ok(()) };
            let key = (first.topic.clone(), first.partition, first.offset);
            let failed = task.failures.entry(key).or_insert(0);
            if *failed < task.settings.fail_puts {
                *failed += 1;
                if let Some(ms) = task.settings.retry_timeout_ms {
                    timeout(ms);
                }
                retriable();
                return Err(format!("the batch at {}-{}@{} is refused retriably on purpose ({} of {})", first.topic, first.partition, first.offset, failed, task.settings.fail_puts));
            }
            let mut out = String::new();
            for record in &records {
                out.push_str(&text(&record.value));
                out.push('\n');
            }
            file_access::append(&task.settings.file, out.as_bytes()).map_err(|error| format!("{error:?}"))
        })
    }

    fn flush(_offsets: Vec<TopicPartitionOffset>) -> Result<(), String> {
        Ok(())
    }

    fn stop() {
        TASK.with(|task| *task.borrow_mut() = None);
    }
}

export!(FlakySink);
