//! Test-only: panics (a WebAssembly trap) on a record whose value is `panic`,
//! returns an error for `reject`, forwards every other record unchanged.

use eddy_plugin::{export_processor, forward, Config, Processor, Record};

struct Trap;

impl Processor for Trap {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(Trap)
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        match record.value.as_deref() {
            Some(b"panic") => panic!("boom: asked to panic"),
            Some(b"reject") => Err("record rejected: the value 'reject' is not allowed".to_string()),
            _ => {
                forward(&record);
                Ok(())
            }
        }
    }
}

export_processor!(Trap);
