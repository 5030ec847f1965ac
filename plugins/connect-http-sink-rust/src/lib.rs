//! HTTP sink: batches of record values sent to one URL, in the shape of
//! Confluent's HTTP sink connector, as a `sink-connector` plugin of contract
//! 0.2.0.
//!
//! Owns: the HTTP sink's keys (`http.api.url`, `request.method`, `headers`,
//! `header.separator`, `request.body.format`, `batch.separator`,
//! `batch.max.size`, `behavior.on.null.values`, `max.retries`,
//! `retry.backoff.ms`, `request.timeout.ms`), turning a batch of records into
//! a request body (a JSON array of the values, or their text joined), the
//! requests in flight, retrying the ones that failed for a passing reason
//! (connection, timeout, 408, 429, 5xx) with exponential backoff, and
//! reporting the records of a batch the server refused as errant.
//! Must never: send to a URL but `http.api.url` (the host's `http-client`
//! refuses other origins), follow a redirect, or let `flush` succeed while a
//! request is outstanding.

use base64::Engine;
use std::cell::RefCell;
use std::collections::HashMap;

wit_bindgen::generate!({
    world: "sink-connector",
    path: "../../wit/0.2.0",
});

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_types::{ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, ConnectValue, SinkRecord, TopicPartitionOffset};
use eddy_connect::{choice, get, int, missing};
use eddy::plugin::errant_record_reporter;
use eddy::plugin::http_client::{self, HttpCompletion, HttpError, HttpRequest};
use eddy::plugin::log::{log, Level};
use exports::eddy::plugin::{connector, sink_task};

const HTTP_API_URL: &str = "http.api.url";
const REQUEST_METHOD: &str = "request.method";
const HEADERS: &str = "headers";
const HEADER_SEPARATOR: &str = "header.separator";
const REQUEST_BODY_FORMAT: &str = "request.body.format";
const BATCH_SEPARATOR: &str = "batch.separator";
const BATCH_MAX_SIZE: &str = "batch.max.size";
const BEHAVIOR_ON_NULL_VALUES: &str = "behavior.on.null.values";
const MAX_RETRIES: &str = "max.retries";
const RETRY_BACKOFF_MS: &str = "retry.backoff.ms";
const REQUEST_TIMEOUT_MS: &str = "request.timeout.ms";
/// The longest wait before a retry, whatever the attempt.
const MAX_BACKOFF_MS: u64 = 60_000;
/// How much of a refused request's response body an errant report quotes.
const BODY_EXCERPT_CHARS: usize = 500;

#[derive(Clone, Copy, PartialEq)]
enum BodyFormat {
    Json,
    String,
}

struct Settings {
    url: String,
    method: String,
    /// The request headers, the `Content-Type` among them.
    headers: Vec<(String, String)>,
    format: BodyFormat,
    batch_separator: String,
    fail_on_null: bool,
    batch_size: usize,
    max_retries: u32,
    retry_backoff_ms: u64,
    timeout_ms: u32,
}

/// Why `url` is not an absolute http(s) URL, if it is not.
fn url_problem(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("http://").or_else(|| lower.strip_prefix("https://")) else {
        return Some("must be an absolute http:// or https:// URL");
    };
    if rest.split(['/', '?', '#']).next().unwrap_or("").is_empty() {
        return Some("must name a host (http://host[:port]/path)");
    }
    if url.chars().any(char::is_whitespace) {
        return Some("must not contain whitespace");
    }
    None
}

/// The `Name:Value` entries of `headers`, or what is wrong with one.
fn parse_headers(headers: &str, separator: &str) -> Result<Vec<(String, String)>, String> {
    headers
        .split(separator)
        .filter(|entry| !entry.trim().is_empty())
        .map(|entry| match entry.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_string(), value.trim().to_string())),
            _ => Err(format!("Invalid value {headers} for configuration {HEADERS}: {entry:?} is not Name:Value (entries separated by {HEADER_SEPARATOR}, here {separator:?})")),
        })
        .collect()
}

/// The configuration, or one issue per refused key.
fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let url = match get(config, HTTP_API_URL).map(str::trim) {
        None | Some("") => {
            issues.push(issue(HTTP_API_URL, missing(HTTP_API_URL)));
            String::new()
        }
        Some(url) => {
            if let Some(problem) = url_problem(url) {
                issues.push(issue(HTTP_API_URL, format!("Invalid value {url} for configuration {HTTP_API_URL}: {problem}")));
            }
            url.to_string()
        }
    };
    let method = ["POST", "PUT"][choice(config, REQUEST_METHOD, &["POST", "PUT"], &mut issues)].to_string();
    let format = [BodyFormat::Json, BodyFormat::String][choice(config, REQUEST_BODY_FORMAT, &["json", "string"], &mut issues)];
    let fail_on_null = choice(config, BEHAVIOR_ON_NULL_VALUES, &["ignore", "fail"], &mut issues) == 1;
    let separator = get(config, HEADER_SEPARATOR).unwrap_or("|");
    if separator.is_empty() {
        issues.push(issue(HEADER_SEPARATOR, format!("Invalid value  for configuration {HEADER_SEPARATOR}: String must be non-empty")));
    }
    let mut headers = match parse_headers(get(config, HEADERS).unwrap_or(""), if separator.is_empty() { "|" } else { separator }) {
        Ok(headers) => headers,
        Err(message) => {
            issues.push(issue(HEADERS, message));
            Vec::new()
        }
    };
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        let content_type = if format == BodyFormat::Json { "application/json" } else { "text/plain; charset=utf-8" };
        headers.push(("Content-Type".into(), content_type.into()));
    }
    let batch_separator = get(config, BATCH_SEPARATOR).unwrap_or("\n").to_string();
    let batch_size = int(config, BATCH_MAX_SIZE, 1, 1, &mut issues) as usize;
    let max_retries = int(config, MAX_RETRIES, 10, 0, &mut issues) as u32;
    let retry_backoff_ms = int(config, RETRY_BACKOFF_MS, 3000, 0, &mut issues) as u64;
    let timeout_ms = int(config, REQUEST_TIMEOUT_MS, 30_000, 1, &mut issues) as u32;
    if issues.is_empty() {
        Ok(Settings { url, method, headers, format, batch_separator, fail_on_null, batch_size, max_retries, retry_backoff_ms, timeout_ms })
    } else {
        Err(issues)
    }
}

/// A finite number as JSON writes it; `None` for NaN and the infinities.
fn json_number(x: f64) -> Option<String> {
    serde_json::Number::from_f64(x).map(|n| n.to_string())
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A value as one element of the body: JSON text (json) or plain text (string).
fn encode(value: &ConnectValue, format: BodyFormat) -> Result<String, String> {
    let quoted = |text: &str| serde_json::Value::from(text).to_string();
    Ok(match (value, format) {
        (ConnectValue::Json(text), _) | (ConnectValue::Text(text), BodyFormat::String) => text.clone(),
        (ConnectValue::Text(text), BodyFormat::Json) => quoted(text),
        (ConnectValue::Bytes(bytes), BodyFormat::Json) => quoted(&base64(bytes)),
        (ConnectValue::Bytes(bytes), BodyFormat::String) => base64(bytes),
        (ConnectValue::Int64(n), _) => n.to_string(),
        (ConnectValue::Boolean(b), _) => b.to_string(),
        (ConnectValue::Float64(x), BodyFormat::Json) => json_number(*x).ok_or_else(|| format!("its value {x} is not a finite number, which JSON cannot write"))?,
        (ConnectValue::Float64(x), BodyFormat::String) => json_number(*x).unwrap_or_else(|| x.to_string()),
    })
}

/// Where a record was read from: what an errant report names.
struct Position {
    topic: String,
    partition: i32,
    offset: i64,
}

/// One request's records and body, and how many times it has been sent.
struct Batch {
    records: Vec<Position>,
    body: Vec<u8>,
    attempt: u32,
}

/// The reason phrase of the statuses a server commonly answers with.
fn reason(status: u16) -> &'static str {
    match status {
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

fn status_line(status: u16) -> String {
    format!("HTTP {status} {}", reason(status)).trim_end().to_string()
}

/// The running task: its settings and its requests in flight, by id.
struct Task {
    settings: Settings,
    in_flight: HashMap<u64, Batch>,
}

impl Task {
    fn target(&self) -> String {
        format!("{} {}", self.settings.method, self.settings.url)
    }

    /// Why a request got no response.
    fn describe(&self, error: HttpError) -> String {
        match error {
            HttpError::NotGranted(message) | HttpError::Failed(message) => message,
            HttpError::Timeout => format!("no response within {} ms", self.settings.timeout_ms),
        }
    }

    /// Reports a record errant; when the host does not take the report, the error says both what failed and why it was not taken.
    fn report(position: &Position, message: &str) -> Result<(), String> {
        errant_record_reporter::report(&position.topic, position.partition, position.offset, message).map_err(|refusal| {
            format!("{message} (the record at offset {} of {}-{}, not reported errant: {refusal})", position.offset, position.topic, position.partition)
        })
    }

    /// Sends `batch` after `delay_ms` and keeps it until its outcome is taken.
    fn send(&mut self, batch: Batch, delay_ms: u64) -> Result<(), String> {
        let request = HttpRequest {
            method: self.settings.method.clone(),
            url: self.settings.url.clone(),
            headers: self.settings.headers.clone(),
            body: batch.body.clone(),
            timeout_ms: self.settings.timeout_ms,
            delay_ms: delay_ms as u32,
        };
        let id = http_client::send(&request).map_err(|error| self.describe(error))?;
        self.in_flight.insert(id, batch);
        Ok(())
    }

    /// Sends `batch` again after its backoff, or fails when its retries are spent.
    fn retry(&mut self, mut batch: Batch, why: String) -> Result<(), String> {
        if batch.attempt > self.settings.max_retries {
            let plural = if batch.attempt == 1 { "" } else { "s" };
            return Err(format!("{} failed after {} attempt{plural}: {why}", self.target(), batch.attempt));
        }
        let delay = 2u64.checked_pow(batch.attempt - 1).and_then(|factor| self.settings.retry_backoff_ms.checked_mul(factor)).map_or(MAX_BACKOFF_MS, |d| d.min(MAX_BACKOFF_MS));
        log(Level::Warn, &format!("retrying {} (attempt {} of {}): {why}", self.target(), batch.attempt, self.settings.max_retries));
        batch.attempt += 1;
        self.send(batch, delay)
    }

    /// Acts on the outcome of every request that finished since the last call.
    fn take_completed(&mut self) -> Result<(), String> {
        for HttpCompletion { id, outcome } in http_client::take_completed() {
            let Some(batch) = self.in_flight.remove(&id) else { continue };
            match outcome {
                Ok(response) if (200..300).contains(&response.status) => {}
                Ok(response) if matches!(response.status, 408 | 429 | 500..=599) => self.retry(batch, status_line(response.status))?,
                Ok(response) => {
                    let excerpt: String = String::from_utf8_lossy(&response.body).chars().take(BODY_EXCERPT_CHARS).collect();
                    let message = format!("{} from {}: {excerpt}", status_line(response.status), self.target());
                    for position in &batch.records {
                        Self::report(position, &message)?;
                    }
                }
                Err(HttpError::NotGranted(message)) => return Err(message),
                Err(error) => self.retry(batch, self.describe(error))?,
            }
        }
        Ok(())
    }

    /// Sends one batch of encoded values.
    fn send_batch(&mut self, records: Vec<Position>, values: Vec<String>) -> Result<(), String> {
        let body = match self.settings.format {
            BodyFormat::Json => format!("[{}]", values.join(",")),
            BodyFormat::String => values.join(&self.settings.batch_separator),
        };
        self.send(Batch { records, body: body.into_bytes(), attempt: 1 }, 0)
    }

    /// Batches `records` in order (up to `batch.max.size` each) and sends them.
    fn put(&mut self, records: Vec<SinkRecord>) -> Result<(), String> {
        let (mut positions, mut values) = (Vec::new(), Vec::new());
        for record in records {
            let position = Position { topic: record.topic, partition: record.partition, offset: record.offset };
            let Some(value) = record.value else {
                if self.settings.fail_on_null {
                    Self::report(&position, &format!("the record has a null value, and {BEHAVIOR_ON_NULL_VALUES}=fail"))?;
                }
                continue;
            };
            match encode(&value, self.settings.format) {
                Ok(text) => {
                    positions.push(position);
                    values.push(text);
                }
                Err(message) => Self::report(&position, &message)?,
            }
            if values.len() == self.settings.batch_size {
                self.send_batch(std::mem::take(&mut positions), std::mem::take(&mut values))?;
            }
        }
        if !values.is_empty() {
            self.send_batch(positions, values)?;
        }
        Ok(())
    }
}

thread_local! {
    static TASK: RefCell<Option<Task>> = const { RefCell::new(None) };
}

fn with_task<T>(f: impl FnOnce(&mut Task) -> Result<T, String>) -> Result<T, String> {
    TASK.with(|slot| f(slot.borrow_mut().as_mut().ok_or("the task is not started")?))
}

struct HttpSink;

impl connector::Guest for HttpSink {
    /// The keys of Confluent's HTTP sink this connector reads, in its groups.
    fn config_def() -> Vec<ConfigKey> {
        use ConfigDefault::{Required, Value};
        use ConfigImportance::{High, Low, Medium};
        vec![
            key(HTTP_API_URL, ConfigType::String, Required, High,
                "The URL every request is sent to: an absolute http:// or https:// URL. The connector is granted this URL's origin and no other; redirects are not followed.",
                ("Connection", 1), "HTTP URL"),
            key(REQUEST_METHOD, ConfigType::String, Value("POST".into()), High,
                "The HTTP method of the requests: POST or PUT (case-insensitive).",
                ("Connection", 2), "Request Method"),
            key(HEADERS, ConfigType::String, Value("".into()), Medium,
                "Extra request headers: Name:Value entries separated by header.separator. A Content-Type given here overrides the one of request.body.format.",
                ("Connection", 3), "Headers"),
            key(HEADER_SEPARATOR, ConfigType::String, Value("|".into()), Low,
                "The separator of the entries of headers.",
                ("Connection", 4), "Header Separator"),
            key(REQUEST_TIMEOUT_MS, ConfigType::Int, Value("30000".into()), Medium,
                "The longest time, in milliseconds, from sending a request to the end of its response; a request without a response by then is retried.",
                ("Connection", 5), "Request Timeout (ms)"),
            key(REQUEST_BODY_FORMAT, ConfigType::String, Value("json".into()), High,
                "The body of a request: json (a JSON array of the batch's record values, Content-Type application/json) or string (the values' text joined by batch.separator, Content-Type text/plain; charset=utf-8). Bytes are written in base64.",
                ("Request Body", 1), "Request Body Format"),
            key(BATCH_SEPARATOR, ConfigType::String, Value("\n".into()), Low,
                "For request.body.format=string: the separator written between the values of a batch.",
                ("Request Body", 2), "Batch Separator"),
            key(BATCH_MAX_SIZE, ConfigType::Int, Value("1".into()), Medium,
                "The most records sent in one request: consecutive records of one put, in their order.",
                ("Request Body", 3), "Batch Max Size"),
            key(BEHAVIOR_ON_NULL_VALUES, ConfigType::String, Value("ignore".into()), Low,
                "What to do with a record whose value is null (a tombstone): ignore (skip it) or fail (report it as errant).",
                ("Request Body", 4), "Behavior On Null Values"),
            key(MAX_RETRIES, ConfigType::Int, Value("10".into()), Medium,
                "How many times a request is sent again after a connection failure, a timeout or a status 408, 429 or 5xx, before the task fails.",
                ("Retries", 1), "Max Retries"),
            key(RETRY_BACKOFF_MS, ConfigType::Int, Value("3000".into()), Medium,
                "The wait, in milliseconds, before the first retry of a request; it doubles with each further retry, up to 60000.",
                ("Retries", 2), "Retry Backoff (ms)"),
        ]
    }

    fn validate(config: Vec<(String, String)>) -> Vec<ConfigIssue> {
        settings(&config).err().unwrap_or_default()
    }

    /// `max-tasks` copies of the configuration (as Confluent's).
    fn task_configs(config: Vec<(String, String)>, max_tasks: u32) -> Result<Vec<Vec<(String, String)>>, String> {
        Ok((0..max_tasks.max(1)).map(|_| config.clone()).collect())
    }

    /// A sink: the question is for source connectors.
    fn exactly_once_support(_config: Vec<(String, String)>) -> Option<bool> {
        None
    }
}

impl sink_task::Guest for HttpSink {
    fn start(config: Vec<(String, String)>) -> Result<(), String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        log(Level::Info, &format!("sending {} requests to {}, up to {} records each", settings.method, settings.url, settings.batch_size));
        TASK.with(|slot| *slot.borrow_mut() = Some(Task { settings, in_flight: HashMap::new() }));
        Ok(())
    }

    /// Acts on the requests that finished, then sends `records` (none: a request finished).
    fn put(records: Vec<SinkRecord>) -> Result<(), String> {
        with_task(|task| {
            task.take_completed()?;
            task.put(records)
        })
    }

    /// Ok once every request sent has succeeded, been reported or failed the task.
    fn flush(_offsets: Vec<TopicPartitionOffset>) -> Result<(), String> {
        with_task(|task| {
            task.take_completed()?;
            match task.in_flight.len() {
                0 => Ok(()),
                n => Err(format!("{n} request(s) to {} still outstanding at flush", task.settings.url)),
            }
        })
    }

    fn stop() {
        TASK.with(|slot| *slot.borrow_mut() = None);
    }
}

export!(HttpSink);
