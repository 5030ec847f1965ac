//! FileStreamSink: Kafka Connect's file sink connector as a `sink-connector`
//! plugin.
//!
//! Owns: Kafka's `file` key (declared as Kafka's FileStreamSinkConnector
//! declares it, `config-def`), writing each record's value and a newline to
//! the granted file as Kafka's `PrintStream.println(value)` does — Java's
//! `String.valueOf` of Connect's value (java_text.rs: `null`, `Struct{…}`,
//! `{k=v}`, `[a, b]`, Java's doubles) — and making it durable at `flush`.
//! Built against contract 0.3.0, whose sink records carry Connect's data
//! model in full: a struct and a map print differently, as in Kafka.
//! Must never: write any file but the granted one (the host refuses others).

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "sink-connector",
    path: "../../wit/0.3.0",
});

mod java_text;

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_types::{ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, SinkRecord, TopicPartitionOffset};
use eddy_connect::get;
use eddy::plugin::file_access::{self, FileError};
use exports::eddy::plugin::{connector, sink_task};

const FILE: &str = "file";

fn file_of(config: &[(String, String)]) -> Result<String, ConfigIssue> {
    match get(config, FILE) {
        Some(file) if !file.is_empty() => Ok(file.to_string()),
        _ => Err(issue(FILE, "is required: this connector writes one file (writing stdout, Kafka's default, needs a capability Eddy does not grant)")),
    }
}

fn describe(error: FileError, file: &str) -> String {
    match error {
        FileError::NotGranted(message) => message,
        FileError::NotFound => format!("{file} does not exist"),
        FileError::Io(message) => format!("error writing {file}: {message}"),
    }
}

thread_local! {
    static FILE_NAME: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn file() -> Result<String, String> {
    FILE_NAME.with(|file| file.borrow().clone()).ok_or_else(|| "called before start".into())
}

struct FileStreamSink;

impl connector::Guest for FileStreamSink {
    /// Kafka's FileStreamSinkConnector.CONFIG_DEF. Kafka's `file` is
    /// optional (stdout); Eddy's `validate` requires it.
    fn config_def() -> Vec<ConfigKey> {
        vec![define(FILE, ConfigType::String, ConfigDefault::Null, ConfigImportance::High, "Destination filename. If not specified, the standard output will be used")]
    }

    fn validate(config: Vec<(String, String)>) -> Vec<ConfigIssue> {
        file_of(&config).err().into_iter().collect()
    }

    /// `max-tasks` copies of the configuration (as Kafka's).
    fn task_configs(config: Vec<(String, String)>, max_tasks: u32) -> Result<Vec<Vec<(String, String)>>, String> {
        Ok((0..max_tasks.max(1)).map(|_| config.clone()).collect())
    }

    /// A sink: the question is for source connectors.
    fn exactly_once_support(_config: Vec<(String, String)>) -> Option<bool> {
        None
    }
}

impl sink_task::Guest for FileStreamSink {
    fn start(config: Vec<(String, String)>) -> Result<(), String> {
        let file = file_of(&config).map_err(|issue| format!("{}: {}", issue.key, issue.message))?;
        FILE_NAME.with(|slot| *slot.borrow_mut() = Some(file));
        Ok(())
    }

    fn put(records: Vec<SinkRecord>) -> Result<(), String> {
        let file = file()?;
        let mut out = Vec::new();
        for record in &records {
            java_text::write_value(record, record.value.value, &mut out);
            out.push(b'\n');
        }
        if out.is_empty() {
            return Ok(());
        }
        file_access::append(&file, &out).map_err(|error| describe(error, &file))
    }

    fn flush(_offsets: Vec<TopicPartitionOffset>) -> Result<(), String> {
        let file = file()?;
        match file_access::sync(&file) {
            Ok(()) | Err(FileError::NotFound) => Ok(()),
            Err(error) => Err(describe(error, &file)),
        }
    }

    fn stop() {
        FILE_NAME.with(|slot| *slot.borrow_mut() = None);
    }
}

export!(FileStreamSink);
