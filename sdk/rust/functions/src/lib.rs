//! Eddy DSL functions for Rust.
//!
//! Owns: the idiomatic Rust face of the `functions` world of `wit/` — a
//! [`Registry`] a plugin fills with named functions (closures over borrowed
//! bytes), and [`export_functions!`] which wires a registering function to the
//! world's exports and dispatches each call by index.
//! Must never: hand-copy ABI types (they come from `wit/` through
//! wit-bindgen), keep state between calls beyond what `init` built, or
//! allocate per call beyond the results it returns.
//!
//! A separate crate from `eddy-plugin` (the processor world): wit-bindgen
//! embeds the world of every binding it generates, and a component must
//! implement all of them.

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "functions",
        path: "../../../wit",
        pub_export_macro: true,
        export_macro_name: "__export_functions_world",
        default_bindings_module: "eddy_functions::bindings",
    });
}

use bindings::exports::eddy::plugin::dsl_functions::{FunctionInfo, FunctionKind, KeyValuePair};
use std::cell::RefCell;

pub use bindings::eddy::plugin::log::Level;

/// A key or value: `None` is null.
pub type Bytes = Option<Vec<u8>>;
type In<'a> = Option<&'a [u8]>;
type Outcome<T> = Result<T, String>;

/// The configuration of the DSL's `functions` entry, in the order written.
#[derive(Debug, Clone, Default)]
pub struct Config {
    entries: Vec<(String, String)>,
}

impl Config {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }
}

/// Writes a line to the host's log.
pub fn log(level: Level, message: &str) {
    bindings::eddy::plugin::log::log(level, message)
}

enum Function {
    Predicate(Box<dyn Fn(In, In) -> Outcome<bool>>),
    KeyValueMapper(Box<dyn Fn(In, In) -> Outcome<(Bytes, Bytes)>>),
    ValueMapper(Box<dyn Fn(In, In) -> Outcome<Bytes>>),
    KeySelector(Box<dyn Fn(In, In) -> Outcome<Bytes>>),
    FlatMapper(Box<dyn Fn(In, In) -> Outcome<Vec<(Bytes, Bytes)>>>),
    FlatValueMapper(Box<dyn Fn(In, In) -> Outcome<Vec<Bytes>>>),
    Initializer(Box<dyn Fn() -> Outcome<Bytes>>),
    Aggregator(Box<dyn Fn(In, In, In) -> Outcome<Bytes>>),
    Reducer(Box<dyn Fn(In, In) -> Outcome<Bytes>>),
    ValueJoiner(Box<dyn Fn(In, In, In) -> Outcome<Bytes>>),
    Action(Box<dyn Fn(In, In) -> Outcome<()>>),
    Merger(Box<dyn Fn(In, In, In) -> Outcome<Bytes>>),
    TopicNameExtractor(Box<dyn Fn(In, In, &str) -> Outcome<String>>),
    TimestampExtractor(Box<dyn Fn(In, In, i64, i64) -> Outcome<i64>>),
}

impl Function {
    fn kind(&self) -> FunctionKind {
        match self {
            Function::Predicate(_) => FunctionKind::Predicate,
            Function::KeyValueMapper(_) => FunctionKind::KeyValueMapper,
            Function::ValueMapper(_) => FunctionKind::ValueMapper,
            Function::KeySelector(_) => FunctionKind::KeySelector,
            Function::FlatMapper(_) => FunctionKind::FlatMapper,
            Function::FlatValueMapper(_) => FunctionKind::FlatValueMapper,
            Function::Initializer(_) => FunctionKind::Initializer,
            Function::Aggregator(_) => FunctionKind::Aggregator,
            Function::Reducer(_) => FunctionKind::Reducer,
            Function::ValueJoiner(_) => FunctionKind::ValueJoiner,
            Function::Action(_) => FunctionKind::Action,
            Function::Merger(_) => FunctionKind::Merger,
            Function::TopicNameExtractor(_) => FunctionKind::TopicNameExtractor,
            Function::TimestampExtractor(_) => FunctionKind::TimestampExtractor,
        }
    }
}

/// The named functions a plugin provides. Each `fn` registers one; a name
/// may be used once.
#[derive(Default)]
pub struct Registry {
    functions: Vec<(String, Function)>,
}

macro_rules! register {
    ($(#[$doc:meta])* $method:ident, $variant:ident, ($($arg:ident),*) -> $out:ty) => {
        $(#[$doc])*
        pub fn $method(&mut self, name: &str, f: impl Fn($($arg),*) -> Outcome<$out> + 'static) -> &mut Self {
            self.add(name, Function::$variant(Box::new(f)))
        }
    };
}

impl Registry {
    fn add(&mut self, name: &str, function: Function) -> &mut Self {
        assert!(!self.functions.iter().any(|(n, _)| n == name), "function '{name}' is registered twice");
        self.functions.push((name.to_string(), function));
        self
    }
    register!(/// filter, filterNot, split: `(key, value) -> keep?`
        predicate, Predicate, (In, In) -> bool);
    register!(/// map, table groupBy: `(key, value) -> (new key, new value)`
        key_value_mapper, KeyValueMapper, (In, In) -> (Bytes, Bytes));
    register!(/// mapValues: `(key, value) -> new value`
        value_mapper, ValueMapper, (In, In) -> Bytes);
    register!(/// selectKey, stream groupBy, foreign-key extractor: `(key, value) -> new key`
        key_selector, KeySelector, (In, In) -> Bytes);
    register!(/// flatMap: `(key, value) -> [(key, value)]`
        flat_mapper, FlatMapper, (In, In) -> Vec<(Bytes, Bytes)>);
    register!(/// flatMapValues: `(key, value) -> [value]`
        flat_value_mapper, FlatValueMapper, (In, In) -> Vec<Bytes>);
    /// The start value of an aggregate.
    pub fn initializer(&mut self, name: &str, f: impl Fn() -> Outcome<Bytes> + 'static) -> &mut Self {
        self.add(name, Function::Initializer(Box::new(f)))
    }
    register!(/// adder / subtractor: `(key, value, aggregate) -> new aggregate`
        aggregator, Aggregator, (In, In, In) -> Bytes);
    register!(/// reduce: `(aggregate, value) -> new aggregate`
        reducer, Reducer, (In, In) -> Bytes);
    register!(/// join: `(key, left, right) -> joined value`
        value_joiner, ValueJoiner, (In, In, In) -> Bytes);
    register!(/// peek, foreach: `(key, value)`
        action, Action, (In, In) -> ());
    register!(/// session merger: `(key, aggregate so far, next session's aggregate) -> merged`
        merger, Merger, (In, In, In) -> Bytes);
    /// `to` with a topic per record: `(key, value, source topic) -> topic`
    pub fn topic_name_extractor(&mut self, name: &str, f: impl Fn(In, In, &str) -> Outcome<String> + 'static) -> &mut Self {
        self.add(name, Function::TopicNameExtractor(Box::new(f)))
    }
    /// A source's timestamps: `(key, value, record timestamp, partition time) -> timestamp` (negative: skip the record)
    pub fn timestamp_extractor(&mut self, name: &str, f: impl Fn(In, In, i64, i64) -> Outcome<i64> + 'static) -> &mut Self {
        self.add(name, Function::TimestampExtractor(Box::new(f)))
    }
}

#[doc(hidden)]
pub struct Slot {
    registry: RefCell<Option<Registry>>,
}

// SAFETY: a WebAssembly component instance runs on exactly one thread.
unsafe impl Sync for Slot {}

fn kind_name(kind: FunctionKind) -> &'static str {
    match kind {
        FunctionKind::Predicate => "predicate",
        FunctionKind::KeyValueMapper => "key-value-mapper",
        FunctionKind::ValueMapper => "value-mapper",
        FunctionKind::KeySelector => "key-selector",
        FunctionKind::FlatMapper => "flat-mapper",
        FunctionKind::FlatValueMapper => "flat-value-mapper",
        FunctionKind::Initializer => "initializer",
        FunctionKind::Aggregator => "aggregator",
        FunctionKind::Reducer => "reducer",
        FunctionKind::ValueJoiner => "value-joiner",
        FunctionKind::Action => "action",
        FunctionKind::Merger => "merger",
        FunctionKind::TopicNameExtractor => "topic-name-extractor",
        FunctionKind::TimestampExtractor => "timestamp-extractor",
    }
}

impl Slot {
    pub const fn new() -> Self {
        Slot { registry: RefCell::new(None) }
    }

    pub fn init(&self, config: Vec<(String, String)>, register: fn(&Config, &mut Registry) -> Result<(), String>) -> Result<(), String> {
        std::panic::set_hook(Box::new(|info| log(Level::Error, &info.to_string().replace('\n', " "))));
        let mut registry = Registry::default();
        register(&Config { entries: config }, &mut registry)?;
        *self.registry.borrow_mut() = Some(registry);
        Ok(())
    }

    pub fn functions(&self) -> Vec<FunctionInfo> {
        match self.registry.borrow().as_ref() {
            Some(registry) => registry.functions.iter().map(|(name, f)| FunctionInfo { name: name.clone(), kind: f.kind() }).collect(),
            None => Vec::new(),
        }
    }

    fn with<R>(&self, index: u32, f: impl FnOnce(&Function) -> Option<Outcome<R>>) -> Outcome<R> {
        let registry = self.registry.borrow();
        let Some(registry) = registry.as_ref() else { return Err("a function was called before init succeeded".into()) };
        let Some((name, function)) = registry.functions.get(index as usize) else { return Err(format!("no function at index {index}")) };
        f(function).unwrap_or_else(|| Err(format!("function '{name}' is a {}, not called this way", kind_name(function.kind()))))
    }

    pub fn test(&self, i: u32, k: Bytes, v: Bytes) -> Outcome<bool> {
        self.with(i, |f| match f { Function::Predicate(f) => Some(f(k.as_deref(), v.as_deref())), _ => None })
    }
    pub fn map(&self, i: u32, k: Bytes, v: Bytes) -> Outcome<KeyValuePair> {
        self.with(i, |f| match f {
            Function::KeyValueMapper(f) => Some(f(k.as_deref(), v.as_deref()).map(|(key, value)| KeyValuePair { key, value })),
            _ => None,
        })
    }
    pub fn map_value(&self, i: u32, k: Bytes, v: Bytes) -> Outcome<Bytes> {
        self.with(i, |f| match f { Function::ValueMapper(f) => Some(f(k.as_deref(), v.as_deref())), _ => None })
    }
    pub fn select_key(&self, i: u32, k: Bytes, v: Bytes) -> Outcome<Bytes> {
        self.with(i, |f| match f { Function::KeySelector(f) => Some(f(k.as_deref(), v.as_deref())), _ => None })
    }
    pub fn flat_map(&self, i: u32, k: Bytes, v: Bytes) -> Outcome<Vec<KeyValuePair>> {
        self.with(i, |f| match f {
            Function::FlatMapper(f) => Some(f(k.as_deref(), v.as_deref()).map(|pairs| pairs.into_iter().map(|(key, value)| KeyValuePair { key, value }).collect())),
            _ => None,
        })
    }
    pub fn flat_map_values(&self, i: u32, k: Bytes, v: Bytes) -> Outcome<Vec<Bytes>> {
        self.with(i, |f| match f { Function::FlatValueMapper(f) => Some(f(k.as_deref(), v.as_deref())), _ => None })
    }
    pub fn initialize(&self, i: u32) -> Outcome<Bytes> {
        self.with(i, |f| match f { Function::Initializer(f) => Some(f()), _ => None })
    }
    pub fn aggregate(&self, i: u32, k: Bytes, v: Bytes, a: Bytes) -> Outcome<Bytes> {
        self.with(i, |f| match f { Function::Aggregator(f) => Some(f(k.as_deref(), v.as_deref(), a.as_deref())), _ => None })
    }
    pub fn reduce(&self, i: u32, a: Bytes, v: Bytes) -> Outcome<Bytes> {
        self.with(i, |f| match f { Function::Reducer(f) => Some(f(a.as_deref(), v.as_deref())), _ => None })
    }
    pub fn join(&self, i: u32, k: Bytes, l: Bytes, r: Bytes) -> Outcome<Bytes> {
        self.with(i, |f| match f { Function::ValueJoiner(f) => Some(f(k.as_deref(), l.as_deref(), r.as_deref())), _ => None })
    }
    pub fn merge(&self, i: u32, k: Bytes, a: Bytes, b: Bytes) -> Outcome<Bytes> {
        self.with(i, |f| match f { Function::Merger(f) => Some(f(k.as_deref(), a.as_deref(), b.as_deref())), _ => None })
    }
    pub fn extract_topic(&self, i: u32, k: Bytes, v: Bytes, topic: String) -> Outcome<String> {
        self.with(i, |f| match f { Function::TopicNameExtractor(f) => Some(f(k.as_deref(), v.as_deref(), &topic)), _ => None })
    }
    pub fn extract_timestamp(&self, i: u32, k: Bytes, v: Bytes, timestamp: i64, partition_time: i64) -> Outcome<i64> {
        self.with(i, |f| match f { Function::TimestampExtractor(f) => Some(f(k.as_deref(), v.as_deref(), timestamp, partition_time)), _ => None })
    }
    pub fn act(&self, i: u32, k: Bytes, v: Bytes) -> Outcome<()> {
        self.with(i, |f| match f { Function::Action(f) => Some(f(k.as_deref(), v.as_deref())), _ => None })
    }
}

/// Wires a registering function to the `functions` world's exports.
///
/// ```ignore
/// fn register(_config: &eddy_functions::Config, f: &mut eddy_functions::Registry) -> Result<(), String> {
///     f.predicate("non-empty", |_key, value| Ok(value.is_some_and(|v| !v.is_empty())));
///     Ok(())
/// }
/// eddy_functions::export_functions!(register);
/// ```
#[macro_export]
macro_rules! export_functions {
    ($register:path) => {
        const _: () = {
            use $crate::bindings::exports::eddy::plugin::dsl_functions as wit;
            use $crate::Bytes;
            static SLOT: $crate::Slot = $crate::Slot::new();
            struct EddyFunctionsExports;
            impl wit::Guest for EddyFunctionsExports {
                fn init(config: ::std::vec::Vec<(::std::string::String, ::std::string::String)>) -> ::std::result::Result<(), ::std::string::String> {
                    SLOT.init(config, $register)
                }
                fn functions() -> ::std::vec::Vec<wit::FunctionInfo> { SLOT.functions() }
                fn test(i: u32, k: Bytes, v: Bytes) -> ::std::result::Result<bool, ::std::string::String> { SLOT.test(i, k, v) }
                fn map(i: u32, k: Bytes, v: Bytes) -> ::std::result::Result<wit::KeyValuePair, ::std::string::String> { SLOT.map(i, k, v) }
                fn map_value(i: u32, k: Bytes, v: Bytes) -> ::std::result::Result<Bytes, ::std::string::String> { SLOT.map_value(i, k, v) }
                fn select_key(i: u32, k: Bytes, v: Bytes) -> ::std::result::Result<Bytes, ::std::string::String> { SLOT.select_key(i, k, v) }
                fn flat_map(i: u32, k: Bytes, v: Bytes) -> ::std::result::Result<::std::vec::Vec<wit::KeyValuePair>, ::std::string::String> { SLOT.flat_map(i, k, v) }
                fn flat_map_values(i: u32, k: Bytes, v: Bytes) -> ::std::result::Result<::std::vec::Vec<Bytes>, ::std::string::String> { SLOT.flat_map_values(i, k, v) }
                fn initialize(i: u32) -> ::std::result::Result<Bytes, ::std::string::String> { SLOT.initialize(i) }
                fn aggregate(i: u32, k: Bytes, v: Bytes, a: Bytes) -> ::std::result::Result<Bytes, ::std::string::String> { SLOT.aggregate(i, k, v, a) }
                fn reduce(i: u32, a: Bytes, v: Bytes) -> ::std::result::Result<Bytes, ::std::string::String> { SLOT.reduce(i, a, v) }
                fn join(i: u32, k: Bytes, l: Bytes, r: Bytes) -> ::std::result::Result<Bytes, ::std::string::String> { SLOT.join(i, k, l, r) }
                fn act(i: u32, k: Bytes, v: Bytes) -> ::std::result::Result<(), ::std::string::String> { SLOT.act(i, k, v) }
                fn merge(i: u32, k: Bytes, a: Bytes, b: Bytes) -> ::std::result::Result<Bytes, ::std::string::String> { SLOT.merge(i, k, a, b) }
                fn extract_timestamp(i: u32, k: Bytes, v: Bytes, t: i64, p: i64) -> ::std::result::Result<i64, ::std::string::String> { SLOT.extract_timestamp(i, k, v, t, p) }
                fn extract_topic(i: u32, k: Bytes, v: Bytes, topic: ::std::string::String) -> ::std::result::Result<::std::string::String, ::std::string::String> { SLOT.extract_topic(i, k, v, topic) }
            }
            $crate::bindings::__export_functions_world!(EddyFunctionsExports with_types_in $crate::bindings);
        };
    };
}
