// Package textutf8: bytes → string with the UTF-8 check and error of Rust's
// `std::str::from_utf8`, shared by package eddy and eddy/sdk/functions.
// Owns: Rust's Utf8Error semantics (valid_up_to, error_len). Must never:
// accept what Rust rejects or word its errors differently.
package textutf8

import (
	"fmt"
	"unicode/utf8"
)

// UTF8Error says where bytes stop being valid UTF-8, as Rust's `Utf8Error`.
type UTF8Error struct {
	// ValidUpTo is the length of the longest valid prefix.
	ValidUpTo int
	// ErrorLength is the length of the invalid sequence at ValidUpTo, or 0
	// when the input ends in the middle of a character.
	ErrorLength int
}

func (e *UTF8Error) Error() string {
	if e.ErrorLength == 0 {
		return fmt.Sprintf("incomplete utf-8 byte sequence from index %d", e.ValidUpTo)
	}
	return fmt.Sprintf("invalid utf-8 sequence of %d bytes from index %d", e.ErrorLength, e.ValidUpTo)
}

// Text returns b as a string, or a *UTF8Error if b is not valid UTF-8.
func Text(b []byte) (string, error) {
	if utf8.Valid(b) {
		return string(b), nil
	}
	return "", utf8ErrorOf(b)
}

// utf8ErrorOf finds the first invalid sequence of b the way Rust's
// `run_utf8_validation` does (the maximal valid prefix of a character).
func utf8ErrorOf(b []byte) *UTF8Error {
	continuation := func(c byte) bool { return c&0xc0 == 0x80 }
	for index := 0; index < len(b); {
		first := b[index]
		if first < utf8.RuneSelf {
			index++
			continue
		}
		// next returns the byte at offset k of the character, or false at the end of input.
		next := func(k int) (byte, bool) {
			if index+k >= len(b) {
				return 0, false
			}
			return b[index+k], true
		}
		invalid := func(length int) *UTF8Error { return &UTF8Error{ValidUpTo: index, ErrorLength: length} }
		width := 0
		switch {
		case first >= 0xc2 && first <= 0xdf:
			width = 2
		case first >= 0xe0 && first <= 0xef:
			width = 3
		case first >= 0xf0 && first <= 0xf4:
			width = 4
		default:
			return invalid(1)
		}
		second, ok := next(1)
		if !ok {
			return invalid(0)
		}
		switch width {
		case 2:
			if !continuation(second) {
				return invalid(1)
			}
		case 3:
			valid := (first == 0xe0 && second >= 0xa0 && second <= 0xbf) ||
				(first >= 0xe1 && first <= 0xec && continuation(second)) ||
				(first == 0xed && second >= 0x80 && second <= 0x9f) ||
				(first >= 0xee && continuation(second))
			if !valid {
				return invalid(1)
			}
		case 4:
			valid := (first == 0xf0 && second >= 0x90 && second <= 0xbf) ||
				(first >= 0xf1 && first <= 0xf3 && continuation(second)) ||
				(first == 0xf4 && second >= 0x80 && second <= 0x8f)
			if !valid {
				return invalid(1)
			}
		}
		for k := 2; k < width; k++ {
			c, ok := next(k)
			if !ok {
				return invalid(0)
			}
			if !continuation(c) {
				return invalid(k)
			}
		}
		index += width
	}
	return nil
}
