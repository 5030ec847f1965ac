// Package export_wit_world is where the generated exports of the processor
// world (../wit_exports) call in. Owns: handing each call to the hooks the
// SDK's package eddy installs. Must never: hold plugin logic, or be
// regenerated (generate-bindings.ts leaves this folder alone).
package export_wit_world

import (
	types "eddy/sdk/internal/processor/imports/eddy_plugin_types"
	witTypes "eddy/sdk/internal/wit/types"
)

// Result is the `result<_, string>` of init, process and punctuate.
type Result = witTypes.Result[witTypes.Unit, string]

// Hooks are installed by package eddy when it is imported.
var Hooks struct {
	Init      func(config types.Config) Result
	Process   func(r types.Record) Result
	Punctuate func(id uint32, timestamp int64) Result
	Close     func()
}

func Init(config types.Config) Result             { return Hooks.Init(config) }
func Process(r types.Record) Result               { return Hooks.Process(r) }
func Punctuate(id uint32, timestamp int64) Result { return Hooks.Punctuate(id, timestamp) }
func Close()                                      { Hooks.Close() }
