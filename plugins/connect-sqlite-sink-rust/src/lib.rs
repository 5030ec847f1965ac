//! SQLite sink: records into the tables of one SQLite database, in the
//! shape of Confluent's JDBC sink connector, as a `sink-connector` plugin
//! of contract 0.2.0.
//!
//! Owns: the JDBC sink's keys (`connection.url` as `jdbc:sqlite:<path>`,
//! `table.name.format`, `insert.mode`, `pk.mode`, `pk.fields`,
//! `delete.enabled`, `auto.create`, `auto.evolve`), turning a record into a
//! row (a JSON object value: one column per field; any other value: one
//! column `value`; the key: the primary-key columns), creating and evolving
//! tables, and writing everything of one `put` in one transaction.
//! Must never: reach a database but the granted one (the host's
//! `sqlite-access` refuses others), or leave part of a `put` written.

use std::cell::RefCell;
use std::collections::HashMap;

wit_bindgen::generate!({
    world: "sink-connector",
    path: "../../wit/0.2.0",
});

eddy_connect::config_issues!();
eddy_connect::config_keys!();

use eddy::plugin::connect_types::{ConfigDefault, ConfigImportance, ConfigIssue, ConfigKey, ConfigType, ConnectValue, SinkRecord, TopicPartitionOffset};
use eddy_connect::{boolean, get, or_issue, required};
use eddy::plugin::sqlite_access::{self, SqlValue, SqliteError, Statement};
use exports::eddy::plugin::{connector, sink_task};
use serde_json::Value as Json;

const CONNECTION_URL: &str = "connection.url";
const TABLE_NAME_FORMAT: &str = "table.name.format";
const INSERT_MODE: &str = "insert.mode";
const PK_MODE: &str = "pk.mode";
const PK_FIELDS: &str = "pk.fields";
const DELETE_ENABLED: &str = "delete.enabled";
const AUTO_CREATE: &str = "auto.create";
const AUTO_EVOLVE: &str = "auto.evolve";
const URL_PREFIX: &str = "jdbc:sqlite:";
/// The key column of a primitive key when `pk.fields` is empty (Confluent's needs one name there).
const DEFAULT_KEY_COLUMN: &str = "__connect_key";
/// The column of a value that is not a JSON object.
const VALUE_COLUMN: &str = "value";

#[derive(Clone, Copy, PartialEq)]
enum InsertMode {
    Insert,
    Upsert,
    Update,
}

#[derive(Clone, Copy, PartialEq)]
enum PkMode {
    None,
    RecordKey,
}

#[derive(Clone)]
struct Settings {
    database: String,
    table_format: String,
    insert_mode: InsertMode,
    pk_mode: PkMode,
    pk_fields: Vec<String>,
    delete_enabled: bool,
    auto_create: bool,
    auto_evolve: bool,
}

/// The database path a `jdbc:sqlite:<path>` URL names.
fn database_of(url: &str) -> Result<String, String> {
    let Some(path) = url.strip_prefix(URL_PREFIX) else {
        return Err(format!("Invalid value {url} for configuration {CONNECTION_URL}: must be {URL_PREFIX}<path of a database file> (this connector writes SQLite)"));
    };
    if path.is_empty() || path.starts_with(':') || path.starts_with("file:") || path.contains('?') {
        return Err(format!(
            "Invalid value {url} for configuration {CONNECTION_URL}: must name a database file as {URL_PREFIX}<path> (no in-memory database, file: URI or parameters)"
        ));
    }
    Ok(path.to_string())
}

/// The configuration, or one issue per refused key.
fn settings(config: &[(String, String)]) -> Result<Settings, Vec<ConfigIssue>> {
    let mut issues = Vec::new();
    let database = or_issue(required(config, CONNECTION_URL).and_then(|url| database_of(url.trim())), CONNECTION_URL, String::new(), &mut issues);
    let table_format = get(config, TABLE_NAME_FORMAT).unwrap_or("${topic}").to_string();
    if table_format.trim().is_empty() {
        issues.push(issue(TABLE_NAME_FORMAT, format!("Invalid value {table_format} for configuration {TABLE_NAME_FORMAT}: must not be empty")));
    }
    let insert_mode = match get(config, INSERT_MODE).unwrap_or("insert").trim().to_ascii_lowercase().as_str() {
        "insert" => InsertMode::Insert,
        "upsert" => InsertMode::Upsert,
        "update" => InsertMode::Update,
        other => {
            issues.push(issue(INSERT_MODE, format!("Invalid value {other} for configuration {INSERT_MODE}: must be one of insert, upsert, update")));
            InsertMode::Insert
        }
    };
    let pk_mode = match get(config, PK_MODE).unwrap_or("none").trim().to_ascii_lowercase().as_str() {
        "none" => PkMode::None,
        "record_key" => PkMode::RecordKey,
        other @ ("kafka" | "record_value") => {
            issues.push(issue(PK_MODE, format!("Invalid value {other} for configuration {PK_MODE}: not supported yet (none, record_key)")));
            PkMode::None
        }
        other => {
            issues.push(issue(PK_MODE, format!("Invalid value {other} for configuration {PK_MODE}: must be one of none, record_key")));
            PkMode::None
        }
    };
    let pk_fields: Vec<String> =
        get(config, PK_FIELDS).unwrap_or("").split(',').map(|field| field.trim().to_string()).filter(|field| !field.is_empty()).collect();
    let delete_enabled = boolean(config, DELETE_ENABLED, false, &mut issues);
    let auto_create = boolean(config, AUTO_CREATE, false, &mut issues);
    let auto_evolve = boolean(config, AUTO_EVOLVE, false, &mut issues);
    if delete_enabled && pk_mode != PkMode::RecordKey {
        issues.push(issue(DELETE_ENABLED, format!("Invalid value true for configuration {DELETE_ENABLED}: deletes need {PK_MODE}=record_key (a tombstone deletes the row of its key)")));
    }
    if insert_mode != InsertMode::Insert && pk_mode != PkMode::RecordKey {
        let mode = if insert_mode == InsertMode::Upsert { "upsert" } else { "update" };
        issues.push(issue(PK_MODE, format!("Invalid value none for configuration {PK_MODE}: {INSERT_MODE}={mode} needs the primary key, {PK_MODE}=record_key")));
    }
    if issues.is_empty() {
        Ok(Settings { database, table_format, insert_mode, pk_mode, pk_fields, delete_enabled, auto_create, auto_evolve })
    } else {
        Err(issues)
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn from_json(value: &Json) -> SqlValue {
    match value {
        Json::Null => SqlValue::Null,
        Json::Bool(b) => SqlValue::Integer(*b as i64),
        Json::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => SqlValue::Text(s.clone()),
        Json::Array(_) | Json::Object(_) => SqlValue::Text(value.to_string()),
    }
}

fn from_connect(value: &ConnectValue) -> SqlValue {
    match value {
        ConnectValue::Text(text) | ConnectValue::Json(text) => SqlValue::Text(text.clone()),
        ConnectValue::Bytes(bytes) => SqlValue::Blob(bytes.clone()),
        ConnectValue::Int64(n) => SqlValue::Integer(*n),
        ConnectValue::Float64(x) => SqlValue::Real(*x),
        ConnectValue::Boolean(b) => SqlValue::Integer(*b as i64),
    }
}

/// The SQLite type a column of this value is created with (`""`: none, any value).
fn column_type(value: &SqlValue) -> &'static str {
    match value {
        SqlValue::Null => "",
        SqlValue::Integer(_) => " INTEGER",
        SqlValue::Real(_) => " REAL",
        SqlValue::Text(_) => " TEXT",
        SqlValue::Blob(_) => " BLOB",
    }
}

type Columns = Vec<(String, SqlValue)>;

/// A JSON object's fields as columns, in their order; `None` when `text` is not an object.
fn object_columns(text: &str) -> Result<Option<Columns>, String> {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(fields)) => Ok(Some(fields.iter().map(|(name, value)| (name.clone(), from_json(value))).collect())),
        Ok(_) => Ok(None),
        Err(error) => Err(format!("not JSON ({error})")),
    }
}

/// One record as a row: its table, key columns and value columns (`None`: a tombstone).
struct Row {
    table: String,
    key: Columns,
    value: Option<Columns>,
}

fn where_of(record: &SinkRecord) -> String {
    format!("record {}-{}@{}", record.topic, record.partition, record.offset)
}

fn row_of(record: &SinkRecord, settings: &Settings) -> Result<Row, String> {
    let table = settings.table_format.replace("${topic}", &record.topic);
    let key = match settings.pk_mode {
        PkMode::None => Vec::new(),
        PkMode::RecordKey => {
            let Some(key) = &record.key else {
                return Err(format!("{} has a null key, and {PK_MODE}=record_key needs one", where_of(record)));
            };
            let fields = match key {
                ConnectValue::Json(text) => object_columns(text).map_err(|error| format!("{}: its key is {error}", where_of(record)))?,
                _ => None,
            };
            let columns = match fields {
                Some(fields) if settings.pk_fields.is_empty() => fields,
                Some(fields) => settings
                    .pk_fields
                    .iter()
                    .map(|name| {
                        fields.iter().find(|(field, _)| field == name).cloned().ok_or_else(|| format!("{}: its key has no field {name} ({PK_FIELDS})", where_of(record)))
                    })
                    .collect::<Result<_, _>>()?,
                None if settings.pk_fields.len() > 1 => {
                    return Err(format!("{}: its key is not a struct, but {PK_FIELDS} names {} fields", where_of(record), settings.pk_fields.len()));
                }
                None => vec![(settings.pk_fields.first().map_or(DEFAULT_KEY_COLUMN.to_string(), |name| name.clone()), from_connect(key))],
            };
            if let Some((name, _)) = columns.iter().find(|(_, value)| matches!(value, SqlValue::Null)) {
                return Err(format!("{}: its key field {name} is null", where_of(record)));
            }
            if columns.is_empty() {
                return Err(format!("{}: its key has no fields", where_of(record)));
            }
            columns
        }
    };
    let value = match &record.value {
        None => None,
        Some(ConnectValue::Json(text)) => Some(match object_columns(text).map_err(|error| format!("{}: its value is {error}", where_of(record)))? {
            Some(fields) => fields,
            None => vec![(VALUE_COLUMN.to_string(), SqlValue::Text(text.clone()))],
        }),
        Some(value) => Some(vec![(VALUE_COLUMN.to_string(), from_connect(value))]),
    };
    // A field of the value with a key column's name: the key's value is the row's.
    let value = value.map(|columns| columns.into_iter().filter(|(name, _)| !key.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))).collect());
    Ok(Row { table, key, value })
}

fn describe(error: SqliteError) -> String {
    match error {
        SqliteError::NotGranted(message) => message,
        SqliteError::Failed(message) => format!("SQLite: {message}"),
    }
}

/// The running task: its settings and the columns of the tables it has seen (lower case).
struct Task {
    settings: Settings,
    tables: HashMap<String, Vec<String>>,
}

impl Task {
    /// The columns of `table` (lower case); `None` when it does not exist.
    fn columns(&mut self, table: &str) -> Result<Option<Vec<String>>, String> {
        if let Some(columns) = self.tables.get(table) {
            return Ok(Some(columns.clone()));
        }
        let rows = sqlite_access::query(&self.settings.database, &format!("PRAGMA table_info({})", quote(table)), &[]).map_err(describe)?;
        let name = rows.columns.iter().position(|column| column == "name").ok_or("PRAGMA table_info returned no name column")?;
        let columns: Vec<String> = rows
            .rows
            .iter()
            .filter_map(|row| match row.get(name) {
                Some(SqlValue::Text(column)) => Some(column.to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        if columns.is_empty() {
            return Ok(None);
        }
        self.tables.insert(table.to_string(), columns.clone());
        Ok(Some(columns))
    }

    /// Creates or evolves `row`'s table as the settings allow (the statements go into `out`).
    fn prepare_table(&mut self, row: &Row, out: &mut Vec<Statement>) -> Result<bool, String> {
        let settings = self.settings.clone();
        let all: Vec<&(String, SqlValue)> = row.key.iter().chain(row.value.iter().flatten()).collect();
        let Some(mut columns) = self.columns(&row.table)? else {
            if row.value.is_none() {
                return Ok(false); // a tombstone for a table that does not exist: nothing to delete
            }
            if !settings.auto_create {
                return Err(format!("Table {} is missing and auto-creation is disabled ({AUTO_CREATE}=false)", quote(&row.table)));
            }
            let mut definitions: Vec<String> = all
                .iter()
                .map(|(name, value)| {
                    let not_null = if row.key.iter().any(|(k, _)| k == name) { " NOT NULL" } else { "" };
                    format!("{}{}{not_null}", quote(name), column_type(value))
                })
                .collect();
            if !row.key.is_empty() {
                definitions.push(format!("PRIMARY KEY({})", row.key.iter().map(|(name, _)| quote(name)).collect::<Vec<_>>().join(", ")));
            }
            out.push(Statement { sql: format!("CREATE TABLE IF NOT EXISTS {} ({})", quote(&row.table), definitions.join(", ")), params: Vec::new() });
            self.tables.insert(row.table.clone(), all.iter().map(|(name, _)| name.to_ascii_lowercase()).collect());
            return Ok(true);
        };
        for (name, value) in &all {
            if columns.contains(&name.to_ascii_lowercase()) {
                continue;
            }
            if row.key.iter().any(|(k, _)| k == name) {
                return Err(format!("Table {} has no key column {} (a primary key cannot be added)", quote(&row.table), quote(name)));
            }
            if !settings.auto_evolve {
                return Err(format!("Table {} has no column {} and auto-evolution is disabled ({AUTO_EVOLVE}=false)", quote(&row.table), quote(name)));
            }
            out.push(Statement { sql: format!("ALTER TABLE {} ADD COLUMN {}{}", quote(&row.table), quote(name), column_type(value)), params: Vec::new() });
            columns.push(name.to_ascii_lowercase());
        }
        self.tables.insert(row.table.clone(), columns);
        Ok(true)
    }
}

/// The statement that writes `row` (`None`: nothing to write).
fn statement_of(row: Row, settings: &Settings, record: &SinkRecord) -> Result<Option<Statement>, String> {
    let table = quote(&row.table);
    let key_condition = || row.key.iter().map(|(name, _)| format!("{} = ?", quote(name))).collect::<Vec<_>>().join(" AND ");
    let key_values = || row.key.iter().map(|(_, value)| value.clone());
    let Some(value) = &row.value else {
        if !settings.delete_enabled {
            return Err(format!("{} has a null value (a tombstone), and {DELETE_ENABLED}=false", where_of(record)));
        }
        return Ok(Some(Statement { sql: format!("DELETE FROM {table} WHERE {}", key_condition()), params: key_values().collect() }));
    };
    if settings.insert_mode == InsertMode::Update {
        if value.is_empty() {
            return Ok(None);
        }
        let set = value.iter().map(|(name, _)| format!("{} = ?", quote(name))).collect::<Vec<_>>().join(", ");
        let params = value.iter().map(|(_, v)| v.clone()).chain(key_values()).collect();
        return Ok(Some(Statement { sql: format!("UPDATE {table} SET {set} WHERE {}", key_condition()), params }));
    }
    let columns: Vec<&(String, SqlValue)> = row.key.iter().chain(value.iter()).collect();
    if columns.is_empty() {
        return Ok(Some(Statement { sql: format!("INSERT INTO {table} DEFAULT VALUES"), params: Vec::new() }));
    }
    let names = columns.iter().map(|(name, _)| quote(name)).collect::<Vec<_>>().join(", ");
    let marks = vec!["?"; columns.len()].join(", ");
    let mut sql = format!("INSERT INTO {table} ({names}) VALUES ({marks})");
    if settings.insert_mode == InsertMode::Upsert {
        let keys = row.key.iter().map(|(name, _)| quote(name)).collect::<Vec<_>>().join(", ");
        if value.is_empty() {
            sql.push_str(&format!(" ON CONFLICT ({keys}) DO NOTHING"));
        } else {
            let set = value.iter().map(|(name, _)| format!("{0} = excluded.{0}", quote(name))).collect::<Vec<_>>().join(", ");
            sql.push_str(&format!(" ON CONFLICT ({keys}) DO UPDATE SET {set}"));
        }
    }
    Ok(Some(Statement { sql, params: columns.iter().map(|(_, value)| value.clone()).collect() }))
}

thread_local! {
    static TASK: RefCell<Option<Task>> = const { RefCell::new(None) };
}

struct SqliteSink;

impl connector::Guest for SqliteSink {
    /// The keys of Confluent's JDBC sink this connector reads, in its groups.
    fn config_def() -> Vec<ConfigKey> {
        use ConfigDefault::{Required, Value};
        use ConfigImportance::{High, Medium};
        vec![
            key(CONNECTION_URL, ConfigType::String, Required, High,
                "JDBC connection URL of the SQLite database: jdbc:sqlite:<path of the database file>. The connector is granted this one database file and no other.",
                ("Connection", 1), "JDBC URL"),
            key(INSERT_MODE, ConfigType::String, Value("insert".into()), High,
                "The insertion mode to use: insert (INSERT only), upsert (INSERT … ON CONFLICT DO UPDATE on the primary key), update (UPDATE of the row with the record's key).",
                ("Writes", 1), "Insert Mode"),
            key(DELETE_ENABLED, ConfigType::Boolean, Value("false".into()), Medium,
                "Whether to treat null record values (tombstones) as deletes of the row with the record's key. Requires pk.mode to be record_key.",
                ("Writes", 2), "Enable deletes"),
            key(TABLE_NAME_FORMAT, ConfigType::String, Value("${topic}".into()), Medium,
                "A format string for the destination table name, which may contain '${topic}' as a placeholder for the originating topic name.",
                ("Data Mapping", 1), "Table Name Format"),
            key(PK_MODE, ConfigType::String, Value("none".into()), High,
                "The primary key mode: none (no key columns), record_key (the record key: a primitive key is one column, named by pk.fields or __connect_key; a struct key's fields are the columns).",
                ("Data Mapping", 2), "Primary Key Mode"),
            key(PK_FIELDS, ConfigType::List, Value("".into()), Medium,
                "For pk.mode=record_key: the key column's name for a primitive key (default __connect_key), or the fields of a struct key to use (default all).",
                ("Data Mapping", 3), "Primary Key Fields"),
            key(AUTO_CREATE, ConfigType::Boolean, Value("false".into()), Medium,
                "Whether to create a missing destination table (CREATE TABLE), with the columns of the first record written to it and the key columns as its primary key.",
                ("DDL Support", 1), "Auto-Create"),
            key(AUTO_EVOLVE, ConfigType::Boolean, Value("false".into()), Medium,
                "Whether to add a column to the destination table (ALTER TABLE ADD COLUMN) when a record has a field the table lacks.",
                ("DDL Support", 2), "Auto-Evolve"),
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

impl sink_task::Guest for SqliteSink {
    fn start(config: Vec<(String, String)>) -> Result<(), String> {
        let settings = settings(&config).map_err(|issues| issues_text(&issues))?;
        TASK.with(|slot| *slot.borrow_mut() = Some(Task { settings, tables: HashMap::new() }));
        Ok(())
    }

    /// Every record of the batch in one transaction: all written, or none.
    fn put(records: Vec<SinkRecord>) -> Result<(), String> {
        TASK.with(|slot| {
            let mut slot = slot.borrow_mut();
            let task = slot.as_mut().ok_or("put called before start")?;
            let settings = task.settings.clone();
            let mut statements = Vec::new();
            let result = (|| {
                for record in &records {
                    let row = row_of(record, &settings)?;
                    if !task.prepare_table(&row, &mut statements)? {
                        continue;
                    }
                    if let Some(statement) = statement_of(row, &settings, record)? {
                        statements.push(statement);
                    }
                }
                if statements.is_empty() {
                    return Ok(());
                }
                sqlite_access::execute(&settings.database, &statements).map(|_| ()).map_err(describe)
            })();
            if result.is_err() {
                task.tables.clear(); // what this batch created or added was rolled back
            }
            result
        })
    }

    /// Nothing to do: each `put` committed its transaction (durable: SQLite syncs at commit).
    fn flush(_offsets: Vec<TopicPartitionOffset>) -> Result<(), String> {
        Ok(())
    }

    fn stop() {
        TASK.with(|slot| *slot.borrow_mut() = None);
    }
}

export!(SqliteSink);
