//! Test-only: spins forever on a record whose value is `spin`; forwards
//! every other record unchanged. The host's CPU limit must stop it.

use eddy_plugin::{export_processor, forward, Config, Processor, Record};

struct InfiniteLoop;

impl Processor for InfiniteLoop {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(InfiniteLoop)
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        if record.value.as_deref() == Some(b"spin") {
            let mut turns: u64 = 0;
            loop {
                turns = std::hint::black_box(turns.wrapping_add(1));
            }
        }
        forward(&record);
        Ok(())
    }
}

export_processor!(InfiniteLoop);
