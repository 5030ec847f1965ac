// Package functions writes the user functions of Eddy's Streams DSL in Go
// (the `functions` world of wit/: predicates, mappers, key selectors,
// initializers, aggregators, reducers, joiners, …), registered by name:
//
//	func register(config functions.Config, f *functions.Registry) error {
//		f.Predicate("has-a", func(key, value []byte) (bool, error) { … })
//		return nil
//	}
//	func init() { functions.Export(register) }
//
// A DSL step names one as <functions>.<name>. Keys, values and aggregates
// are raw bytes in the stream's serde; nil is null, an empty non-nil slice
// is empty. An error (or a panic) is the `err` result: the host reports the
// record as unprocessable, naming the step and offset.
//
// Owns: the registry and the dispatch of the functions world's exports to
// it. Must never: import package eddy (that would link the processor
// world's exports into a functions plugin), or keep state between calls
// (functions have none; the host owns every aggregate).
package functions

import (
	"fmt"
	"path"
	"runtime"
	"strings"

	world "eddy/sdk/internal/functions/exports/export_eddy_plugin_dsl_functions"
	_ "eddy/sdk/internal/functions/exports/wit_exports" // the world's //go:wasmexport functions
	dsl "eddy/sdk/internal/functions/imports/eddy_plugin_dsl_functions"
	log "eddy/sdk/internal/functions/imports/eddy_plugin_log"
	"eddy/sdk/internal/textutf8"
	witTypes "eddy/sdk/internal/wit/types"
)

// Config is the functions' configuration (the `config` of the DSL's
// `functions` entry), in the order written.
type Config struct {
	entries [][2]string
}

// Get returns the value of key (the last one if it repeats) and whether it is set.
func (c Config) Get(key string) (string, bool) {
	for i := len(c.entries) - 1; i >= 0; i-- {
		if c.entries[i][0] == key {
			return c.entries[i][1], true
		}
	}
	return "", false
}

// Entries returns every key/value pair, in the order written.
func (c Config) Entries() [][2]string { return append([][2]string(nil), c.entries...) }

// KeyValue is a key and a value, each possibly nil (null).
type KeyValue struct {
	Key, Value []byte
}

// Text returns b as a string, or an error worded as Rust's `Utf8Error`.
func Text(b []byte) (string, error) { return textutf8.Text(b) }

// Log writes one line to the host's log at level "info", "warn", … (see Level).
func Log(level Level, message string) { log.Log(log.Level(level), message) }

// Level is a log level.
type Level uint8

const (
	LevelTrace = Level(log.Level_Trace)
	LevelDebug = Level(log.Level_Debug)
	LevelInfo  = Level(log.Level_Info)
	LevelWarn  = Level(log.Level_Warn)
	LevelError = Level(log.Level_Error)
)

type function struct {
	name string
	kind dsl.FunctionKind
	call any
}

// Registry collects the plugin's functions, in the order registered.
type Registry struct {
	functions []function
}

func (r *Registry) add(name string, kind dsl.FunctionKind, call any) *Registry {
	r.functions = append(r.functions, function{name: name, kind: kind, call: call})
	return r
}

// Predicate: filter, filterNot, split branches.
func (r *Registry) Predicate(name string, f func(key, value []byte) (bool, error)) *Registry {
	return r.add(name, dsl.FunctionKind_Predicate, f)
}

// KeyValueMapper: map, groupBy on a table (a new key and value).
func (r *Registry) KeyValueMapper(name string, f func(key, value []byte) (KeyValue, error)) *Registry {
	return r.add(name, dsl.FunctionKind_KeyValueMapper, f)
}

// ValueMapper: mapValues (with the read-only key).
func (r *Registry) ValueMapper(name string, f func(key, value []byte) ([]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_ValueMapper, f)
}

// KeySelector: selectKey, groupBy on a stream, foreign-key extractors.
func (r *Registry) KeySelector(name string, f func(key, value []byte) ([]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_KeySelector, f)
}

// FlatMapper: flatMap (zero or more new records).
func (r *Registry) FlatMapper(name string, f func(key, value []byte) ([]KeyValue, error)) *Registry {
	return r.add(name, dsl.FunctionKind_FlatMapper, f)
}

// FlatValueMapper: flatMapValues.
func (r *Registry) FlatValueMapper(name string, f func(key, value []byte) ([][]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_FlatValueMapper, f)
}

// Initializer: the start value of an aggregate.
func (r *Registry) Initializer(name string, f func() ([]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_Initializer, f)
}

// Aggregator: the adder or subtractor of an aggregation.
func (r *Registry) Aggregator(name string, f func(key, value, aggregate []byte) ([]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_Aggregator, f)
}

// Reducer: combines the aggregate with a new value.
func (r *Registry) Reducer(name string, f func(aggregate, value []byte) ([]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_Reducer, f)
}

// ValueJoiner: the result of two joined values.
func (r *Registry) ValueJoiner(name string, f func(key, left, right []byte) ([]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_ValueJoiner, f)
}

// Action: peek and foreach.
func (r *Registry) Action(name string, f func(key, value []byte) error) *Registry {
	return r.add(name, dsl.FunctionKind_Action, f)
}

// Merger: combines the aggregates of two sessions that a record joins.
func (r *Registry) Merger(name string, f func(key, aggregate1, aggregate2 []byte) ([]byte, error)) *Registry {
	return r.add(name, dsl.FunctionKind_Merger, f)
}

// TopicNameExtractor: the topic `to` writes a record to (sourceTopic is "" when none).
func (r *Registry) TopicNameExtractor(name string, f func(key, value []byte, sourceTopic string) (string, error)) *Registry {
	return r.add(name, dsl.FunctionKind_TopicNameExtractor, f)
}

// TimestampExtractor: a record's time, for a source; a negative result skips the record.
func (r *Registry) TimestampExtractor(name string, f func(key, value []byte, timestamp, partitionTime int64) (int64, error)) *Registry {
	return r.add(name, dsl.FunctionKind_TimestampExtractor, f)
}

// Register fills the registry from the configuration; an error rejects it.
type Register func(config Config, f *Registry) error

var register Register

// Export registers the plugin's functions. Call it once, from an init function of package main.
func Export(r Register) {
	if register != nil {
		panic("functions.Export called twice")
	}
	register = r
}

func init() { world.Implemented = &dispatcher{} }

// dispatcher implements the world's exports over the registry.
type dispatcher struct {
	registry Registry
}

type bytesOption = witTypes.Option[[]uint8]

func in(option bytesOption) []byte {
	if option.IsNone() {
		return nil
	}
	if value := option.Some(); value != nil {
		return value
	}
	return []byte{}
}

func out(value []byte) bytesOption {
	if value == nil {
		return witTypes.None[[]uint8]()
	}
	return witTypes.Some[[]uint8](value)
}

// guarded runs body, turning its error — or a panic — into the `err` result.
func guarded[T any](body func() (T, error)) (result witTypes.Result[T, string]) {
	defer func() {
		if recovered := recover(); recovered != nil {
			result = witTypes.Err[T, string](fmt.Sprintf("panic: %v%s", recovered, panicSite()))
		}
	}()
	value, err := body()
	if err != nil {
		return witTypes.Err[T, string](err.Error())
	}
	return witTypes.Ok[T, string](value)
}

// call runs body with the function at index, which must be of kind.
func call[T any](d *dispatcher, index uint32, kind dsl.FunctionKind, body func(f any) (T, error)) witTypes.Result[T, string] {
	if int(index) >= len(d.registry.functions) || d.registry.functions[index].kind != kind {
		return witTypes.Err[T, string](fmt.Sprintf("no function of kind %d at index %d", kind, index))
	}
	f := d.registry.functions[index].call
	return guarded(func() (T, error) { return body(f) })
}

// panicSite names where the plugin panicked: " (at file.go:line in function)".
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		frame, more := frames.Next()
		if !strings.HasPrefix(frame.Function, "runtime.") && !strings.HasPrefix(frame.Function, "eddy/sdk/") {
			return fmt.Sprintf(" (at %s:%d in %s)", path.Base(frame.File), frame.Line, frame.Function)
		}
		if !more {
			return ""
		}
	}
}

func (d *dispatcher) Init(config world.Config) witTypes.Result[witTypes.Unit, string] {
	if register == nil {
		return witTypes.Err[witTypes.Unit, string]("the plugin exports no functions: call functions.Export(register) from an init function")
	}
	entries := make([][2]string, len(config))
	for i, entry := range config {
		entries[i] = [2]string{entry.F0, entry.F1}
	}
	d.registry = Registry{}
	return guarded(func() (witTypes.Unit, error) {
		return witTypes.Unit{}, register(Config{entries: entries}, &d.registry)
	})
}

func (d *dispatcher) Functions() []world.Info {
	infos := make([]world.Info, len(d.registry.functions))
	for i, f := range d.registry.functions {
		infos[i] = world.Info{Name: f.name, Kind: f.kind}
	}
	return infos
}

func (d *dispatcher) Test(i uint32, k, v bytesOption) witTypes.Result[bool, string] {
	return call(d, i, dsl.FunctionKind_Predicate, func(f any) (bool, error) {
		return f.(func(key, value []byte) (bool, error))(in(k), in(v))
	})
}

func (d *dispatcher) Map(i uint32, k, v bytesOption) witTypes.Result[world.Pair, string] {
	return call(d, i, dsl.FunctionKind_KeyValueMapper, func(f any) (world.Pair, error) {
		pair, err := f.(func(key, value []byte) (KeyValue, error))(in(k), in(v))
		return world.Pair{Key: out(pair.Key), Value: out(pair.Value)}, err
	})
}

func (d *dispatcher) MapValue(i uint32, k, v bytesOption) witTypes.Result[bytesOption, string] {
	return call(d, i, dsl.FunctionKind_ValueMapper, func(f any) (bytesOption, error) {
		value, err := f.(func(key, value []byte) ([]byte, error))(in(k), in(v))
		return out(value), err
	})
}

func (d *dispatcher) SelectKey(i uint32, k, v bytesOption) witTypes.Result[bytesOption, string] {
	return call(d, i, dsl.FunctionKind_KeySelector, func(f any) (bytesOption, error) {
		key, err := f.(func(key, value []byte) ([]byte, error))(in(k), in(v))
		return out(key), err
	})
}

func (d *dispatcher) FlatMap(i uint32, k, v bytesOption) witTypes.Result[[]world.Pair, string] {
	return call(d, i, dsl.FunctionKind_FlatMapper, func(f any) ([]world.Pair, error) {
		pairs, err := f.(func(key, value []byte) ([]KeyValue, error))(in(k), in(v))
		result := make([]world.Pair, len(pairs))
		for index, pair := range pairs {
			result[index] = world.Pair{Key: out(pair.Key), Value: out(pair.Value)}
		}
		return result, err
	})
}

func (d *dispatcher) FlatMapValues(i uint32, k, v bytesOption) witTypes.Result[[]bytesOption, string] {
	return call(d, i, dsl.FunctionKind_FlatValueMapper, func(f any) ([]bytesOption, error) {
		values, err := f.(func(key, value []byte) ([][]byte, error))(in(k), in(v))
		result := make([]bytesOption, len(values))
		for index, value := range values {
			result[index] = out(value)
		}
		return result, err
	})
}

func (d *dispatcher) Initialize(i uint32) witTypes.Result[bytesOption, string] {
	return call(d, i, dsl.FunctionKind_Initializer, func(f any) (bytesOption, error) {
		value, err := f.(func() ([]byte, error))()
		return out(value), err
	})
}

func (d *dispatcher) Aggregate(i uint32, k, v, a bytesOption) witTypes.Result[bytesOption, string] {
	return call(d, i, dsl.FunctionKind_Aggregator, func(f any) (bytesOption, error) {
		value, err := f.(func(key, value, aggregate []byte) ([]byte, error))(in(k), in(v), in(a))
		return out(value), err
	})
}

func (d *dispatcher) Reduce(i uint32, a, v bytesOption) witTypes.Result[bytesOption, string] {
	return call(d, i, dsl.FunctionKind_Reducer, func(f any) (bytesOption, error) {
		value, err := f.(func(aggregate, value []byte) ([]byte, error))(in(a), in(v))
		return out(value), err
	})
}

func (d *dispatcher) Join(i uint32, k, l, r bytesOption) witTypes.Result[bytesOption, string] {
	return call(d, i, dsl.FunctionKind_ValueJoiner, func(f any) (bytesOption, error) {
		value, err := f.(func(key, left, right []byte) ([]byte, error))(in(k), in(l), in(r))
		return out(value), err
	})
}

func (d *dispatcher) Act(i uint32, k, v bytesOption) witTypes.Result[witTypes.Unit, string] {
	return call(d, i, dsl.FunctionKind_Action, func(f any) (witTypes.Unit, error) {
		return witTypes.Unit{}, f.(func(key, value []byte) error)(in(k), in(v))
	})
}

func (d *dispatcher) Merge(i uint32, k, a, b bytesOption) witTypes.Result[bytesOption, string] {
	return call(d, i, dsl.FunctionKind_Merger, func(f any) (bytesOption, error) {
		value, err := f.(func(key, aggregate1, aggregate2 []byte) ([]byte, error))(in(k), in(a), in(b))
		return out(value), err
	})
}

func (d *dispatcher) ExtractTopic(i uint32, k, v bytesOption, sourceTopic string) witTypes.Result[string, string] {
	return call(d, i, dsl.FunctionKind_TopicNameExtractor, func(f any) (string, error) {
		return f.(func(key, value []byte, sourceTopic string) (string, error))(in(k), in(v), sourceTopic)
	})
}

func (d *dispatcher) ExtractTimestamp(i uint32, k, v bytesOption, timestamp, partitionTime int64) witTypes.Result[int64, string] {
	return call(d, i, dsl.FunctionKind_TimestampExtractor, func(f any) (int64, error) {
		return f.(func(key, value []byte, timestamp, partitionTime int64) (int64, error))(in(k), in(v), timestamp, partitionTime)
	})
}
