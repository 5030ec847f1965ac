//! Eddy plugin SDK for Rust.
//!
//! Owns: the idiomatic Rust face of the `eddy:plugin` WIT contract — the
//! [`Processor`] trait, the host imports re-exported from the generated
//! bindings, and [`export_processor!`] which wires a type to the world's exports.
//! Must never: hand-copy ABI types (everything here comes from `wit/` through
//! wit-bindgen) or reach for anything the host does not import.

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "processor",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "__export_processor_world",
        default_bindings_module: "eddy_plugin::bindings",
    });
}

mod instance;

pub use bindings::eddy::plugin::context;
pub use bindings::eddy::plugin::kv_store::{KeyValueIterator, Store};
/// Window stores (declared in the topology with retention and window size).
pub use bindings::eddy::plugin::window_store::{Store as WindowStore, WindowEntry};
/// Session stores (declared in the topology with retention).
pub use bindings::eddy::plugin::session_store::{SessionEntry, Store as SessionStore};
pub use bindings::eddy::plugin::log::Level;
pub use bindings::eddy::plugin::types::{Header, KeyValue, PunctuationType, Record, RecordMetadata};

#[doc(hidden)]
pub use instance::InstanceSlot;

/// The configuration a node was given, in the order written.
#[derive(Debug, Clone, Default)]
pub struct Config {
    entries: Vec<(String, String)>,
}

impl Config {
    pub fn new(entries: Vec<(String, String)>) -> Self {
        Config { entries }
    }
    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// The value of `key`, or an error naming the missing key.
    pub fn require(&self, key: &str) -> Result<&str, String> {
        self.get(key).ok_or_else(|| format!("missing config key '{key}'"))
    }
    /// All entries, in the order written.
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }
}

/// A stream processor: the Rust face of the `processor` world.
///
/// The host creates one instance per task with [`Processor::init`], then calls
/// [`Processor::process`] once per input record. Outputs go out through
/// [`forward`] / [`forward_to`] while `process` runs, depth-first.
pub trait Processor: Sized + 'static {
    /// Builds the instance from the node's configuration. An error rejects
    /// the configuration with that message.
    fn init(config: &Config) -> Result<Self, String>;

    /// Processes one record. An error reports the record as unprocessable
    /// (the host names the node and the offset).
    fn process(&mut self, record: Record) -> Result<(), String>;

    /// A punctuator scheduled with [`schedule`] is due.
    fn punctuate(&mut self, _id: u32, _timestamp: i64) -> Result<(), String> {
        Ok(())
    }

    /// The task is closing; stores are still open.
    fn close(&mut self) {}
}

/// Sends `record` to every child of this node.
pub fn forward(record: &Record) {
    context::forward(record)
}

/// Sends `record` to the child node named `child`.
pub fn forward_to(child: &str, record: &Record) {
    context::forward_to(child, record)
}

/// Schedules a punctuator; returns its id.
pub fn schedule(interval_ms: u64, kind: PunctuationType) -> u32 {
    context::schedule(interval_ms, kind)
}

/// Writes a line to the host's log.
pub fn log(level: Level, message: &str) {
    bindings::eddy::plugin::log::log(level, message)
}

impl Record {
    /// A record with the given key, value and timestamp and no headers.
    pub fn new(key: Option<Vec<u8>>, value: Option<Vec<u8>>, timestamp: i64) -> Self {
        Record { key, value, timestamp, headers: Vec::new() }
    }
}

/// Wires a [`Processor`] type to the exports of the `processor` world.
///
/// ```ignore
/// struct Upper;
/// impl eddy_plugin::Processor for Upper { /* … */ }
/// eddy_plugin::export_processor!(Upper);
/// ```
#[macro_export]
macro_rules! export_processor {
    ($processor:ty) => {
        const _: () = {
            static SLOT: $crate::InstanceSlot<$processor> = $crate::InstanceSlot::new();
            struct EddyProcessorExports;
            impl $crate::bindings::Guest for EddyProcessorExports {
                fn init(config: ::std::vec::Vec<(::std::string::String, ::std::string::String)>) -> ::std::result::Result<(), ::std::string::String> {
                    SLOT.init(&$crate::Config::new(config))
                }
                fn process(record: $crate::Record) -> ::std::result::Result<(), ::std::string::String> {
                    SLOT.with(|p| <$processor as $crate::Processor>::process(p, record))
                }
                fn punctuate(id: u32, timestamp: i64) -> ::std::result::Result<(), ::std::string::String> {
                    SLOT.with(|p| <$processor as $crate::Processor>::punctuate(p, id, timestamp))
                }
                fn close() {
                    SLOT.close()
                }
            }
            $crate::bindings::__export_processor_world!(EddyProcessorExports with_types_in $crate::bindings);
        };
    };
}
