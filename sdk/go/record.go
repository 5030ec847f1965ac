package eddy

// Records: the Go form of the contract's `record`, `header` and
// `record-metadata`, and their conversion to and from the generated types.

import (
	types "eddy/sdk/internal/processor/imports/eddy_plugin_types"
	witTypes "eddy/sdk/internal/wit/types"
)

// Record is a record as it flows through a topology. A nil Key or Value is a
// null key or value (a nil Value is a tombstone to a table or store); an
// empty non-nil slice is an empty one.
type Record struct {
	Key, Value []byte
	// Event time in milliseconds since the epoch.
	Timestamp int64
	Headers   []Header
}

// Header is one Kafka record header. Keys may repeat; order is kept.
type Header struct {
	Key   string
	Value []byte
}

// RecordMetadata says where the record being processed came from.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
}

func optionalBytes(value []byte) witTypes.Option[[]uint8] {
	if value == nil {
		return witTypes.None[[]uint8]()
	}
	return witTypes.Some[[]uint8](value)
}

func bytesOf(option witTypes.Option[[]uint8]) []byte {
	if option.IsNone() {
		return nil
	}
	if value := option.Some(); value != nil {
		return value
	}
	return []byte{}
}

func recordFromWit(r types.Record) Record {
	record := Record{Key: bytesOf(r.Key), Value: bytesOf(r.Value), Timestamp: r.Timestamp}
	if len(r.Headers) > 0 {
		record.Headers = make([]Header, len(r.Headers))
		for i, header := range r.Headers {
			record.Headers[i] = Header{Key: header.Key, Value: header.Value}
		}
	}
	return record
}

func recordToWit(r Record) types.Record {
	record := types.Record{Key: optionalBytes(r.Key), Value: optionalBytes(r.Value), Timestamp: r.Timestamp}
	if len(r.Headers) > 0 {
		record.Headers = make([]types.Header, len(r.Headers))
		for i, header := range r.Headers {
			record.Headers[i] = types.Header{Key: header.Key, Value: header.Value}
		}
	}
	return record
}
