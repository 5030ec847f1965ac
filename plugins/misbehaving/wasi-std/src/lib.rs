//! Test-only: a Rust `std` processor built for `wasm32-wasip1`, so it imports
//! WASI (through the preview1 adapter) and runs in the host's deny-by-default
//! WASI. By default it behaves: it counts words with a `HashMap` kept across
//! records and forwards `word=count` lines made with `format!`. A record whose
//! value starts with a command pokes at the sandbox instead:
//!
//! - `stdout <text>` / `stderr <text>`: writes `<text>` as a line there;
//! - `chatty <n>`: writes `n` lines to stdout;
//! - `env`: forwards what the environment holds (`vars=0 args=0 HOME=absent`);
//! - `read <path>`, `write <path>`, `list <path>`: forwards the file system's
//!   answer (`error: …` when refused);
//! - `stdin`: forwards how many bytes stdin gave;
//! - `clock`: forwards the wall clock in ms, and whether the monotonic clock moved;
//! - `random`: forwards whether two `RandomState`s (seeded from WASI random) differ;
//! - `clock-calls <n>`: reads the monotonic clock `n` times (to measure a WASI call);
//! - `exit <code>`: calls `std::process::exit(code)`.
//!
//! With config `mode=passthrough` every record is forwarded unchanged
//! (the benchmarks compare it with the no-WASI `passthrough-rust`).

use eddy_plugin::{export_processor, forward, Config, Processor, Record};
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{Read, Write};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

struct WasiStd {
    passthrough: bool,
    counts: HashMap<String, u64>,
}

fn reply(to: &Record, text: String) {
    forward(&Record::new(to.key.clone(), Some(text.into_bytes()), to.timestamp));
}

impl Processor for WasiStd {
    fn init(config: &Config) -> Result<Self, String> {
        Ok(WasiStd { passthrough: config.get("mode") == Some("passthrough"), counts: HashMap::new() })
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        if self.passthrough {
            forward(&record);
            return Ok(());
        }
        let text = String::from_utf8(record.value.clone().unwrap_or_default()).map_err(|e| e.to_string())?;
        let (command, argument) = match text.split_once(' ') {
            Some((command, argument)) => (command, argument),
            None => (text.as_str(), ""),
        };
        match command {
            "stdout" => println!("{argument}"),
            "stderr" => eprintln!("{argument}"),
            "chatty" => {
                let lines: u32 = argument.parse().map_err(|_| format!("not a count: {argument}"))?;
                let mut stdout = std::io::stdout().lock();
                for line in 0..lines {
                    writeln!(stdout, "chatty line {line}").map_err(|e| e.to_string())?;
                }
            }
            "env" => {
                let home = std::env::var("HOME").map(|_| "present").unwrap_or("absent");
                let vars = std::env::vars_os().count();
                let args = std::env::args_os().count();
                let cwd = std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_else(|e| format!("error: {e}"));
                reply(&record, format!("vars={vars} args={args} HOME={home} cwd={cwd}"));
            }
            "read" => reply(&record, match std::fs::read_to_string(argument) {
                Ok(content) => format!("ok: {} bytes", content.len()),
                Err(error) => format!("error: {error} ({:?})", error.kind()),
            }),
            "write" => reply(&record, match std::fs::write(argument, b"escaped") {
                Ok(()) => "ok: written".to_string(),
                Err(error) => format!("error: {error} ({:?})", error.kind()),
            }),
            "list" => reply(&record, match std::fs::read_dir(argument) {
                Ok(entries) => format!("ok: {} entries", entries.count()),
                Err(error) => format!("error: {error} ({:?})", error.kind()),
            }),
            "stdin" => {
                let mut buffer = Vec::new();
                reply(&record, match std::io::stdin().read_to_end(&mut buffer) {
                    Ok(count) => format!("ok: {count} bytes"),
                    Err(error) => format!("error: {error}"),
                });
            }
            "clock" => {
                let started = Instant::now();
                let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?;
                let mut spins = 0u64;
                while started.elapsed().as_nanos() == 0 {
                    spins += 1;
                }
                reply(&record, format!("wall={} monotonic-moved=true spins={spins}", now.as_millis()));
            }
            "random" => {
                let first = RandomState::new().hash_one("same input");
                let second = RandomState::new().hash_one("same input");
                let third = RandomState::new().hash_one("same input");
                reply(&record, format!("differ={}", first != second || second != third));
            }
            "clock-calls" => {
                let calls: u64 = argument.parse().map_err(|_| format!("not a count: {argument}"))?;
                let mut last = Instant::now();
                for _ in 0..calls {
                    last = std::hint::black_box(Instant::now());
                }
                std::hint::black_box(last);
            }
            "exit" => {
                let code: i32 = argument.parse().unwrap_or(1);
                std::process::exit(code);
            }
            _ => {
                for word in text.split_whitespace() {
                    let count = self.counts.entry(word.to_lowercase()).or_insert(0);
                    *count += 1;
                    reply(&record, format!("{}={}", word.to_lowercase(), count));
                }
            }
        }
        Ok(())
    }
}

export_processor!(WasiStd);
