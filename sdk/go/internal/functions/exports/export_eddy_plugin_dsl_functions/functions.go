// Package export_eddy_plugin_dsl_functions is where the generated exports of
// the functions world (../wit_exports) call in. Owns: handing each call to
// the Implementation that package eddy/sdk/functions installs. Must never:
// hold plugin logic, or be regenerated (generate-bindings.ts leaves it alone).
package export_eddy_plugin_dsl_functions

import (
	dsl "eddy/sdk/internal/functions/imports/eddy_plugin_dsl_functions"
	witTypes "eddy/sdk/internal/wit/types"
)

type (
	Bytes  = witTypes.Option[[]uint8]
	Pair   = dsl.KeyValuePair
	Info   = dsl.FunctionInfo
	Config = dsl.Config
)

// Implementation is the functions world's exports, as Go methods.
type Implementation interface {
	Init(config Config) witTypes.Result[witTypes.Unit, string]
	Functions() []Info
	Test(function uint32, key, value Bytes) witTypes.Result[bool, string]
	Map(function uint32, key, value Bytes) witTypes.Result[Pair, string]
	MapValue(function uint32, key, value Bytes) witTypes.Result[Bytes, string]
	SelectKey(function uint32, key, value Bytes) witTypes.Result[Bytes, string]
	FlatMap(function uint32, key, value Bytes) witTypes.Result[[]Pair, string]
	FlatMapValues(function uint32, key, value Bytes) witTypes.Result[[]Bytes, string]
	Initialize(function uint32) witTypes.Result[Bytes, string]
	Aggregate(function uint32, key, value, aggregate Bytes) witTypes.Result[Bytes, string]
	Reduce(function uint32, aggregate, value Bytes) witTypes.Result[Bytes, string]
	Join(function uint32, key, left, right Bytes) witTypes.Result[Bytes, string]
	Act(function uint32, key, value Bytes) witTypes.Result[witTypes.Unit, string]
	Merge(function uint32, key, aggregate1, aggregate2 Bytes) witTypes.Result[Bytes, string]
	ExtractTopic(function uint32, key, value Bytes, sourceTopic string) witTypes.Result[string, string]
	ExtractTimestamp(function uint32, key, value Bytes, timestamp, partitionTime int64) witTypes.Result[int64, string]
}

// Implemented is installed by package eddy/sdk/functions when it is imported.
var Implemented Implementation

func Init(config Config) witTypes.Result[witTypes.Unit, string] { return Implemented.Init(config) }
func Functions() []Info                                         { return Implemented.Functions() }
func Test(f uint32, k, v Bytes) witTypes.Result[bool, string]   { return Implemented.Test(f, k, v) }
func Map(f uint32, k, v Bytes) witTypes.Result[Pair, string]    { return Implemented.Map(f, k, v) }
func MapValue(f uint32, k, v Bytes) witTypes.Result[Bytes, string] {
	return Implemented.MapValue(f, k, v)
}
func SelectKey(f uint32, k, v Bytes) witTypes.Result[Bytes, string] {
	return Implemented.SelectKey(f, k, v)
}
func FlatMap(f uint32, k, v Bytes) witTypes.Result[[]Pair, string] {
	return Implemented.FlatMap(f, k, v)
}
func FlatMapValues(f uint32, k, v Bytes) witTypes.Result[[]Bytes, string] {
	return Implemented.FlatMapValues(f, k, v)
}
func Initialize(f uint32) witTypes.Result[Bytes, string] { return Implemented.Initialize(f) }
func Aggregate(f uint32, k, v, a Bytes) witTypes.Result[Bytes, string] {
	return Implemented.Aggregate(f, k, v, a)
}
func Reduce(f uint32, a, v Bytes) witTypes.Result[Bytes, string] { return Implemented.Reduce(f, a, v) }
func Join(f uint32, k, l, r Bytes) witTypes.Result[Bytes, string] {
	return Implemented.Join(f, k, l, r)
}
func Act(f uint32, k, v Bytes) witTypes.Result[witTypes.Unit, string] {
	return Implemented.Act(f, k, v)
}
func Merge(f uint32, k, a, b Bytes) witTypes.Result[Bytes, string] {
	return Implemented.Merge(f, k, a, b)
}
func ExtractTopic(f uint32, k, v Bytes, topic string) witTypes.Result[string, string] {
	return Implemented.ExtractTopic(f, k, v, topic)
}
func ExtractTimestamp(f uint32, k, v Bytes, timestamp, partitionTime int64) witTypes.Result[int64, string] {
	return Implemented.ExtractTimestamp(f, k, v, timestamp, partitionTime)
}
