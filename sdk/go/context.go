package eddy

// The processing context: forwarding to children, the current record's
// metadata, punctuators, time, commit requests and the node's identity.

import (
	context "eddy/sdk/internal/processor/imports/eddy_plugin_context"
	types "eddy/sdk/internal/processor/imports/eddy_plugin_types"
)

// Forward sends record to every child of this node. The record travels the
// whole downstream graph (depth-first) before Forward returns.
func Forward(record Record) { context.Forward(recordToWit(record)) }

// ForwardTo sends record to the one child named child. A name that is not a
// child of this node stops the instance (the host reports the name).
func ForwardTo(child string, record Record) { context.ForwardTo(child, recordToWit(record)) }

// Metadata returns the topic, partition and offset of the input record being
// processed; false while a punctuator fires or for a record with no source offset.
func Metadata() (RecordMetadata, bool) {
	metadata := context.Metadata()
	if metadata.IsNone() {
		return RecordMetadata{}, false
	}
	m := metadata.Some()
	return RecordMetadata{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset}, true
}

// PunctuationType says what drives a punctuator.
type PunctuationType uint8

const (
	// StreamTime punctuators fire as the task's stream time advances (driven by data).
	StreamTime PunctuationType = PunctuationType(types.PunctuationType_StreamTime)
	// WallClockTime punctuators fire as the host's wall clock advances.
	WallClockTime PunctuationType = PunctuationType(types.PunctuationType_WallClockTime)
)

// Schedule asks for Punctuate every intervalMs (at least 1) of the given
// kind of time; it returns the punctuator's id.
func Schedule(intervalMs uint64, kind PunctuationType) uint32 {
	return context.Schedule(intervalMs, types.PunctuationType(kind))
}

// Cancel cancels a punctuator; unknown ids are ignored.
func Cancel(id uint32) { context.Cancel(id) }

// CurrentStreamTime is the task's stream time: the largest timestamp
// processed so far, or -1 before the first record.
func CurrentStreamTime() int64 { return context.StreamTime() }

// CurrentWallClockTime is the host's wall-clock time in milliseconds (the
// test driver's simulated clock under test).
func CurrentWallClockTime() int64 { return context.WallClockTime() }

// RequestCommit asks the host to commit as soon as the current record is done.
func RequestCommit() { context.RequestCommit() }

// ApplicationID is the application id this node runs in.
func ApplicationID() string { return context.ApplicationId() }

// TaskID is the task id, e.g. `0_3` (sub-topology 0, partition 3).
func TaskID() string { return context.TaskId() }
