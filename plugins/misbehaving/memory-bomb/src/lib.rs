//! Test-only: on a record whose value is `bomb`, allocates (and touches) 1 MiB
//! after 1 MiB and never frees it; forwards every other record unchanged. The
//! host's memory cap must stop it.

use eddy_plugin::{export_processor, forward, Config, Processor, Record};

struct MemoryBomb {
    hoard: Vec<Vec<u8>>,
}

impl Processor for MemoryBomb {
    fn init(_config: &Config) -> Result<Self, String> {
        Ok(MemoryBomb { hoard: Vec::new() })
    }

    fn process(&mut self, record: Record) -> Result<(), String> {
        if record.value.as_deref() == Some(b"bomb") {
            loop {
                let mut chunk = vec![0u8; 1 << 20];
                for index in (0..chunk.len()).step_by(4096) {
                    chunk[index] = 1;
                }
                self.hoard.push(std::hint::black_box(chunk));
            }
        }
        forward(&record);
        Ok(())
    }
}

export_processor!(MemoryBomb);
