//! Test-only: a processor that opens a TCP connection to the host named in
//! each record — it imports `wasi:sockets/tcp`, which the host must reject at
//! load time, naming that import.

wit_bindgen::generate!({
    world: "eddy-test:forbidden/forbidden-import",
    path: ["../../../wit", "wit"],
    generate_all,
});

use wasi::sockets::tcp;

struct ForbiddenImport;

impl Guest for ForbiddenImport {
    fn init(_config: Vec<(String, String)>) -> Result<(), String> {
        Ok(())
    }

    fn process(record: Record) -> Result<(), String> {
        let host = String::from_utf8(record.value.unwrap_or_default()).map_err(|e| e.to_string())?;
        tcp::connect(&host, 80)?;
        Ok(())
    }

    fn punctuate(_id: u32, _timestamp: i64) -> Result<(), String> {
        Ok(())
    }

    fn close() {}
}

export!(ForbiddenImport);
