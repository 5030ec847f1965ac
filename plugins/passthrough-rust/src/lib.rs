//! Pass-through: forwards every record unchanged. The smallest possible
//! processor, used to measure what the host itself costs per record.

use eddy_plugin::{export_processor, forward, Config, Processor, Record};

struct Passthrough;

impl Processor for Passthrough {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(Passthrough)
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        forward(&record);
        Ok(())
    }
}

export_processor!(Passthrough);
