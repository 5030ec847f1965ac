// Copied from the wit-bindgen-go 0.63.0 crate (src/pkg, go.bytecodealliance.org/pkg) by
// sdk/go/generate-bindings.ts; Apache-2.0 (LICENSE). DO NOT EDIT.

package wit_types

type Unit struct{}
