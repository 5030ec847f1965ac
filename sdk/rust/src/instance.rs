//! The one live processor instance of a component.
//!
//! Owns: holding the user's `Processor` between calls and reporting calls made
//! out of order. Must never: allocate per record or hide a user error.

use crate::{Config, Processor};
use std::cell::RefCell;

/// Storage for the instance created by `init`. Components are single-threaded,
/// so a `RefCell` suffices; the `Sync` impl only satisfies `static`.
pub struct InstanceSlot<P: Processor> {
    slot: RefCell<Option<P>>,
}

// SAFETY: a WebAssembly component instance runs on exactly one thread.
unsafe impl<P: Processor> Sync for InstanceSlot<P> {}

impl<P: Processor> InstanceSlot<P> {
    pub const fn new() -> Self {
        InstanceSlot { slot: RefCell::new(None) }
    }

    pub fn init(&self, config: &Config) -> Result<(), String> {
        // A panic aborts (traps) the instance; log its message first so the
        // host can report what went wrong, not just "unreachable".
        std::panic::set_hook(Box::new(|info| {
            crate::log(crate::Level::Error, &info.to_string().replace('\n', " "));
        }));
        let processor = P::init(config)?;
        *self.slot.borrow_mut() = Some(processor);
        Ok(())
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut P) -> Result<R, String>) -> Result<R, String> {
        match self.slot.borrow_mut().as_mut() {
            Some(processor) => f(processor),
            None => Err("the processor was called before init succeeded".to_string()),
        }
    }

    pub fn close(&self) {
        if let Some(mut processor) = self.slot.borrow_mut().take() {
            processor.close();
        }
    }
}
