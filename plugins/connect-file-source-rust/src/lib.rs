//! FileStreamSource: Kafka Connect's file source connector as a
//! `source-connector` plugin.
//!
//! Owns: Kafka's `file`, `topic` and `batch.size` keys (declared as
//! Kafka's FileStreamSourceConnector declares them, `config-def` of
//! contract 0.2.0), splitting the granted
//! file into lines (`\n`, `\r\n` and a lone `\r` end a line, as in Kafka's
//! FileStreamSourceTask; an unterminated last line waits for its end), and the
//! source offset: the byte position after the last line handed over, so a
//! restart resumes exactly there, whatever the characters before it.
//! Must never: read any file but the granted one (the host refuses others),
//! or block: `poll` returns what the file holds now.

use std::cell::RefCell;

wit_bindgen::generate!({
    world: "source-connector",
    path: "../../wit/0.2.0",
});

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_types::{CommittedOffset, ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, ConnectValue, SourceRecord};
use eddy_connect::{get, missing};
use eddy::plugin::file_access::{self, FileError};
use eddy::plugin::log::{log, Level};
use exports::eddy::plugin::{connector, source_task};

const FILE: &str = "file";
const TOPIC: &str = "topic";
const BATCH_SIZE: &str = "batch.size";
const DEFAULT_BATCH_SIZE: usize = 2000;
/// The source partition's key and the source offset's key, as Kafka's.
const FILENAME_KEY: &str = "filename";
const POSITION_KEY: &str = "position";
const READ_CHUNK: u32 = 64 * 1024;

struct Settings {
    file: String,
    topic: String,
    batch_size: usize,
}

fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let file = match get(config, FILE) {
        Some(file) if !file.is_empty() => file.to_string(),
        _ => {
            issues.push(issue(FILE, "is required: this connector reads one file (reading stdin, Kafka's default, needs a capability Eddy does not grant)"));
            String::new()
        }
    };
    let topic = match get(config, TOPIC) {
        Some(topic) if topic.trim().is_empty() => {
            issues.push(issue(TOPIC, "String must be non-empty"));
            String::new()
        }
        Some(topic) if topic.contains(',') => {
            issues.push(issue(TOPIC, "FileStreamSourceConnector should only have a single topic when used as a source."));
            String::new()
        }
        Some(topic) => topic.to_string(),
        None => {
            issues.push(issue(TOPIC, missing(TOPIC)));
            String::new()
        }
    };
    let batch_size = match get(config, BATCH_SIZE) {
        None => DEFAULT_BATCH_SIZE,
        Some(text) => match text.trim().parse::<i32>() {
            Ok(n) if n > 0 => n as usize,
            _ => {
                issues.push(issue(BATCH_SIZE, &format!("Invalid value {text} for configuration batch.size: must be a positive integer")));
                DEFAULT_BATCH_SIZE
            }
        },
    };
    if issues.is_empty() { Ok(Settings { file, topic, batch_size }) } else { Err(issues) }
}

struct Task {
    settings: Settings,
    /// Bytes read from the file but not yet handed over as lines.
    buffer: Vec<u8>,
    /// The byte position of `buffer[0]` in the file: the stored offset.
    position: u64,
    /// Said once that the file is missing.
    warned_missing: bool,
}

thread_local! {
    static TASK: RefCell<Option<Task>> = const { RefCell::new(None) };
}

impl Task {
    /// The next complete line in the buffer and the bytes it used
    /// (terminator included), as Kafka's `extractLine`.
    fn extract_line(&self) -> Option<(String, usize)> {
        for (i, &byte) in self.buffer.iter().enumerate() {
            if byte == b'\n' {
                return Some((String::from_utf8_lossy(&self.buffer[..i]).into_owned(), i + 1));
            }
            if byte == b'\r' {
                // `\r\n` or a lone `\r`: undecidable until the next byte is there.
                let next = self.buffer.get(i + 1)?;
                let used = if *next == b'\n' { i + 2 } else { i + 1 };
                return Some((String::from_utf8_lossy(&self.buffer[..i]).into_owned(), used));
            }
        }
        None
    }

    fn read_more(&mut self) -> Result<bool, String> {
        let from = self.position + self.buffer.len() as u64;
        match file_access::read(&self.settings.file, from, READ_CHUNK) {
            Ok(bytes) if bytes.is_empty() => Ok(false),
            Ok(bytes) => {
                self.warned_missing = false;
                self.buffer.extend_from_slice(&bytes);
                Ok(true)
            }
            Err(FileError::NotFound) => {
                if !self.warned_missing {
                    log(Level::Warn, &format!("Couldn't find file {} for FileStreamSourceTask, sleeping to wait for it to be created", self.settings.file));
                    self.warned_missing = true;
                }
                Ok(false)
            }
            Err(FileError::NotGranted(message)) => Err(message),
            Err(FileError::Io(message)) => Err(format!("error reading {}: {message}", self.settings.file)),
        }
    }

    fn poll(&mut self) -> Result<Vec<SourceRecord>, String> {
        let mut records = Vec::new();
        loop {
            while records.len() < self.settings.batch_size {
                let Some((line, used)) = self.extract_line() else { break };
                self.buffer.drain(..used);
                self.position += used as u64;
                records.push(SourceRecord {
                    topic: self.settings.topic.clone(),
                    partition: None,
                    key: None,
                    value: Some(ConnectValue::Text(line)),
                    source_partition: vec![(FILENAME_KEY.into(), self.settings.file.clone())],
                    source_offset: vec![(POSITION_KEY.into(), self.position.to_string())],
                    timestamp: None,
                });
            }
            if records.len() >= self.settings.batch_size || !self.read_more()? {
                return Ok(records);
            }
        }
    }
}

struct FileStreamSource;

impl connector::Guest for FileStreamSource {
    /// Kafka's FileStreamSourceConnector.CONFIG_DEF. Kafka's `file` is
    /// optional (stdin); Eddy's `validate` requires it.
    fn config_def() -> Vec<ConfigKey> {
        vec![
            define(FILE, ConfigType::String, ConfigDefault::Null, ConfigImportance::High, "Source filename. If not specified, the standard input will be used"),
            define(TOPIC, ConfigType::String, ConfigDefault::Required, ConfigImportance::High, "The topic to publish data to"),
            define(BATCH_SIZE, ConfigType::Int, ConfigDefault::Value(DEFAULT_BATCH_SIZE.to_string()), ConfigImportance::Low,
                "The maximum number of records the source task can read from the file each time it is polled"),
        ]
    }

    fn validate(config: Vec<(String, String)>) -> Vec<ConfigIssue> {
        settings(&config).err().unwrap_or_default()
    }

    /// One task, with the connector's configuration (as Kafka's).
    fn task_configs(config: Vec<(String, String)>, _max_tasks: u32) -> Result<Vec<Vec<(String, String)>>, String> {
        Ok(vec![config])
    }

    /// As Kafka's: exactly once when reading a real file (only appended to),
    /// since its offsets say exactly where the task is; not from stdin.
    fn exactly_once_support(config: Vec<(String, String)>) -> Option<bool> {
        Some(get(&config, FILE).is_some_and(|file| !file.is_empty()))
    }
}

impl source_task::Guest for FileStreamSource {
    fn start(config: Vec<(String, String)>, offsets: Vec<CommittedOffset>) -> Result<(), String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        let mut position = 0u64;
        for offset in &offsets {
            if get(&offset.source_partition, FILENAME_KEY) == Some(settings.file.as_str()) {
                let stored = get(&offset.source_offset, POSITION_KEY).ok_or("the stored offset has no 'position'")?;
                position = stored.parse().map_err(|_| format!("the stored position '{stored}' is not a byte position"))?;
                log(Level::Debug, &format!("Found previous offset, trying to skip to file offset {position}"));
            }
        }
        TASK.with(|task| *task.borrow_mut() = Some(Task { settings, buffer: Vec::new(), position, warned_missing: false }));
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

export!(FileStreamSource);
