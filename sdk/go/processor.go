// Package eddy writes Eddy stream processors in Go: implement Processor,
// call Export from an init function, build with `npx eddy build <dir>`.
//
// Owns: the idiomatic Go face of the `processor` world of wit/ — processors,
// records, stores, context and logging — over bindings that wit-bindgen
// generates from wit/ into internal/ (generate-bindings.ts).
// Must never: hand-write canonical-ABI code (the generated bindings do it),
// or keep state the host should own (stores live in the host).
package eddy

import (
	"fmt"
	"path"
	"runtime"
	"strings"

	world "eddy/sdk/internal/processor/exports/export_wit_world"
	_ "eddy/sdk/internal/processor/exports/wit_exports" // the world's //go:wasmexport functions
	types "eddy/sdk/internal/processor/imports/eddy_plugin_types"
	witTypes "eddy/sdk/internal/wit/types"
)

// Processor processes records, one at a time (Kafka Streams' Processor).
//
// Returning an error from Process is the `err` result of the contract: the
// host reports the message with the node and the record's offset, and fails
// the task or dead-letters the record; the instance goes on.
type Processor interface {
	Process(record Record) error
}

// Punctuator is implemented by a Processor that schedules punctuators
// (Schedule): Punctuate is called with the id Schedule returned.
type Punctuator interface {
	Punctuate(id uint32, timestamp int64) error
}

// Closer is implemented by a Processor that needs to know when its task
// closes (stores are still open).
type Closer interface {
	Close()
}

// NewProcessor makes the processor of one instance (one per task) from the
// node's configuration; an error rejects the configuration.
type NewProcessor func(config Config) (Processor, error)

var (
	factory  NewProcessor
	instance Processor
)

// Export registers the plugin's processor. Call it once, from an init
// function of package main.
func Export(newProcessor NewProcessor) {
	if factory != nil {
		panic("eddy.Export called twice")
	}
	factory = newProcessor
}

func init() {
	world.Hooks.Init = func(config types.Config) world.Result {
		if factory == nil {
			return failed("the plugin exports no processor: call eddy.Export(newProcessor) from an init function")
		}
		entries := make([]ConfigEntry, len(config))
		for i, entry := range config {
			entries[i] = ConfigEntry{Key: entry.F0, Value: entry.F1}
		}
		return outcome(func() error {
			processor, err := factory(Config{entries: entries})
			if err == nil && processor == nil {
				err = fmt.Errorf("the processor factory returned no processor")
			}
			instance = processor
			return err
		})
	}
	world.Hooks.Process = func(r types.Record) world.Result {
		record := recordFromWit(r)
		return outcome(func() error { return instance.Process(record) })
	}
	world.Hooks.Punctuate = func(id uint32, timestamp int64) world.Result {
		punctuator, ok := instance.(Punctuator)
		if !ok {
			return failed(fmt.Sprintf("punctuator %d is due but the processor has no Punctuate method", id))
		}
		return outcome(func() error { return punctuator.Punctuate(id, timestamp) })
	}
	world.Hooks.Close = func() {
		closer, ok := instance.(Closer)
		if !ok {
			return
		}
		// close has no result to carry an error: a panic is logged, the task closes anyway.
		if result := outcome(func() error { closer.Close(); return nil }); result.IsErr() {
			Log(LevelError, "Close failed: "+result.Err())
		}
	}
}

// outcome runs call and turns its error — or a panic, which Go can recover
// from — into the contract's result.
func outcome(call func() error) (result world.Result) {
	defer func() {
		if recovered := recover(); recovered != nil {
			result = failed(fmt.Sprintf("panic: %v%s", recovered, panicSite()))
		}
	}()
	if err := call(); err != nil {
		return failed(err.Error())
	}
	return witTypes.Ok[witTypes.Unit, string](witTypes.Unit{})
}

// panicSite names where the plugin panicked: " (at file.go:line in function)".
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		frame, more := frames.Next()
		if !strings.HasPrefix(frame.Function, "runtime.") && !strings.HasPrefix(frame.Function, "eddy/sdk.") {
			return fmt.Sprintf(" (at %s:%d in %s)", path.Base(frame.File), frame.Line, frame.Function)
		}
		if !more {
			return ""
		}
	}
}

func failed(message string) world.Result {
	return witTypes.Err[witTypes.Unit, string](message)
}
