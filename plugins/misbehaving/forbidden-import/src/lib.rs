//! Test-only: a processor that sends an HTTP request to the URL in each
//! record — it imports `wasi:http/outgoing-handler`, which the host does not
//! provide (it serves WASI cli, clocks, filesystem, io, random and sockets,
//! all deny-by-default), so it must be rejected at load time, naming that import.

wit_bindgen::generate!({
    world: "eddy-test:forbidden/forbidden-import",
    path: ["../../../wit", "wit"],
    generate_all,
});

use wasi::http::outgoing_handler;

struct ForbiddenImport;

impl Guest for ForbiddenImport {
    fn init(_config: Vec<(String, String)>) -> Result<(), String> {
        Ok(())
    }

    fn process(record: Record) -> Result<(), String> {
        let url = String::from_utf8(record.value.unwrap_or_default()).map_err(|e| e.to_string())?;
        outgoing_handler::handle(&url)?;
        Ok(())
    }

    fn punctuate(_id: u32, _timestamp: i64) -> Result<(), String> {
        Ok(())
    }

    fn close() {}
}

export!(ForbiddenImport);
