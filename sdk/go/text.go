package eddy

// Text: bytes → string with the UTF-8 check and error of Rust's
// `std::str::from_utf8` (internal/textutf8), so a Go plugin reports a
// malformed value with the same message as its Rust twin.

import "eddy/sdk/internal/textutf8"

// UTF8Error says where bytes stop being valid UTF-8, as Rust's `Utf8Error`:
// "invalid utf-8 sequence of N bytes from index I" or "incomplete utf-8 byte
// sequence from index I".
type UTF8Error = textutf8.UTF8Error

// Text returns b as a string, or a *UTF8Error if b is not valid UTF-8.
func Text(b []byte) (string, error) { return textutf8.Text(b) }
