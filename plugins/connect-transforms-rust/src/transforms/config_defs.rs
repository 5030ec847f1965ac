//! Generated from connect-transforms 4.4.0 by test/connect/reference/TransformConfigDefs.java: each
//! class's `config()`, in Kafka's definition order. Do not edit; regenerate.

use super::config_def::{KeyDef, KeyDefault};

/// (simple class name without `$Key`/`$Value`, its keys).
pub const CONFIG_DEFS: &[(&str, &[KeyDef])] = &[
    ("Cast", &[
        KeyDef { name: "spec", type_: "LIST", default: KeyDefault::Required, importance: "HIGH", documentation: "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.", group: None, order_in_group: -1, width: "NONE", display_name: "spec" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
    ]),
    ("DropHeaders", &[
        KeyDef { name: "headers", type_: "LIST", default: KeyDefault::Required, importance: "HIGH", documentation: "The name of the headers to be removed.", group: None, order_in_group: -1, width: "NONE", display_name: "headers" },
    ]),
    ("ExtractField", &[
        KeyDef { name: "field", type_: "STRING", default: KeyDefault::Required, importance: "MEDIUM", documentation: "Field name to extract.", group: None, order_in_group: -1, width: "NONE", display_name: "field" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
        KeyDef { name: "field.syntax.version", type_: "STRING", default: KeyDefault::Value("V1"), importance: "HIGH", documentation: "Defines the version of the syntax to access fields. If set to <code>V1</code>, then the field paths are limited to access the elements at the root level of the struct or map. If set to <code>V2</code>, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield <code>baz</code> from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"<code>foo.bar</code>.baz\".", group: None, order_in_group: -1, width: "NONE", display_name: "field.syntax.version" },
    ]),
    ("Filter", &[
    ]),
    ("Flatten", &[
        KeyDef { name: "delimiter", type_: "STRING", default: KeyDefault::Value("."), importance: "MEDIUM", documentation: "Delimiter to insert between field names from the input record when generating field names for the output record", group: None, order_in_group: -1, width: "NONE", display_name: "delimiter" },
    ]),
    ("HeaderFrom", &[
        KeyDef { name: "fields", type_: "LIST", default: KeyDefault::Required, importance: "HIGH", documentation: "Field names in the record whose values are to be copied or moved to headers.", group: None, order_in_group: -1, width: "NONE", display_name: "fields" },
        KeyDef { name: "headers", type_: "LIST", default: KeyDefault::Required, importance: "HIGH", documentation: "Header names, in the same order as the field names listed in the fields configuration property.", group: None, order_in_group: -1, width: "NONE", display_name: "headers" },
        KeyDef { name: "operation", type_: "STRING", default: KeyDefault::Required, importance: "HIGH", documentation: "Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).", group: None, order_in_group: -1, width: "NONE", display_name: "operation" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
    ]),
    ("HoistField", &[
        KeyDef { name: "field", type_: "STRING", default: KeyDefault::Required, importance: "MEDIUM", documentation: "Field name for the single field that will be created in the resulting Struct or Map.", group: None, order_in_group: -1, width: "NONE", display_name: "field" },
    ]),
    ("InsertField", &[
        KeyDef { name: "topic.field", type_: "STRING", default: KeyDefault::Null, importance: "MEDIUM", documentation: "Field name for Kafka topic. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).", group: None, order_in_group: -1, width: "NONE", display_name: "topic.field" },
        KeyDef { name: "partition.field", type_: "STRING", default: KeyDefault::Null, importance: "MEDIUM", documentation: "Field name for Kafka partition. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).", group: None, order_in_group: -1, width: "NONE", display_name: "partition.field" },
        KeyDef { name: "offset.field", type_: "STRING", default: KeyDefault::Null, importance: "MEDIUM", documentation: "Field name for Kafka offset - only applicable to sink connectors.<br/>Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).", group: None, order_in_group: -1, width: "NONE", display_name: "offset.field" },
        KeyDef { name: "timestamp.field", type_: "STRING", default: KeyDefault::Null, importance: "MEDIUM", documentation: "Field name for record timestamp. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).", group: None, order_in_group: -1, width: "NONE", display_name: "timestamp.field" },
        KeyDef { name: "static.field", type_: "STRING", default: KeyDefault::Null, importance: "MEDIUM", documentation: "Field name for static data field. Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).", group: None, order_in_group: -1, width: "NONE", display_name: "static.field" },
        KeyDef { name: "static.value", type_: "STRING", default: KeyDefault::Null, importance: "MEDIUM", documentation: "Static field value, if field name configured.", group: None, order_in_group: -1, width: "NONE", display_name: "static.value" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
    ]),
    ("InsertHeader", &[
        KeyDef { name: "header", type_: "STRING", default: KeyDefault::Required, importance: "HIGH", documentation: "The name of the header.", group: None, order_in_group: -1, width: "NONE", display_name: "header" },
        KeyDef { name: "value.literal", type_: "STRING", default: KeyDefault::Required, importance: "HIGH", documentation: "The literal value that is to be set as the header value on all records.", group: None, order_in_group: -1, width: "NONE", display_name: "value.literal" },
    ]),
    ("MaskField", &[
        KeyDef { name: "fields", type_: "LIST", default: KeyDefault::Required, importance: "HIGH", documentation: "Names of fields to mask.", group: None, order_in_group: -1, width: "NONE", display_name: "fields" },
        KeyDef { name: "replacement", type_: "STRING", default: KeyDefault::Null, importance: "LOW", documentation: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).", group: None, order_in_group: -1, width: "NONE", display_name: "replacement" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
    ]),
    ("RegexRouter", &[
        KeyDef { name: "regex", type_: "STRING", default: KeyDefault::Required, importance: "HIGH", documentation: "Regular expression to use for matching.", group: None, order_in_group: -1, width: "NONE", display_name: "regex" },
        KeyDef { name: "replacement", type_: "STRING", default: KeyDefault::Required, importance: "HIGH", documentation: "Replacement string.", group: None, order_in_group: -1, width: "NONE", display_name: "replacement" },
    ]),
    ("ReplaceField", &[
        KeyDef { name: "exclude", type_: "LIST", default: KeyDefault::Value(""), importance: "MEDIUM", documentation: "Fields to exclude. This takes precedence over the fields to include.", group: None, order_in_group: -1, width: "NONE", display_name: "exclude" },
        KeyDef { name: "include", type_: "LIST", default: KeyDefault::Value(""), importance: "MEDIUM", documentation: "Fields to include. If specified, only these fields will be used.", group: None, order_in_group: -1, width: "NONE", display_name: "include" },
        KeyDef { name: "renames", type_: "LIST", default: KeyDefault::Value(""), importance: "MEDIUM", documentation: "Field rename mappings.", group: None, order_in_group: -1, width: "NONE", display_name: "renames" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
    ]),
    ("SetSchemaMetadata", &[
        KeyDef { name: "schema.name", type_: "STRING", default: KeyDefault::Null, importance: "HIGH", documentation: "Schema name to set.", group: None, order_in_group: -1, width: "NONE", display_name: "schema.name" },
        KeyDef { name: "schema.version", type_: "INT", default: KeyDefault::Null, importance: "HIGH", documentation: "Schema version to set.", group: None, order_in_group: -1, width: "NONE", display_name: "schema.version" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
    ]),
    ("TimestampConverter", &[
        KeyDef { name: "field", type_: "STRING", default: KeyDefault::Value(""), importance: "HIGH", documentation: "The field containing the timestamp, or empty if the entire value is a timestamp", group: None, order_in_group: -1, width: "NONE", display_name: "field" },
        KeyDef { name: "target.type", type_: "STRING", default: KeyDefault::Required, importance: "HIGH", documentation: "The desired timestamp representation: string, unix, Date, Time, or Timestamp", group: None, order_in_group: -1, width: "NONE", display_name: "target.type" },
        KeyDef { name: "format", type_: "STRING", default: KeyDefault::Value(""), importance: "MEDIUM", documentation: "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.", group: None, order_in_group: -1, width: "NONE", display_name: "format" },
        KeyDef { name: "unix.precision", type_: "STRING", default: KeyDefault::Value("milliseconds"), importance: "LOW", documentation: "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.", group: None, order_in_group: -1, width: "NONE", display_name: "unix.precision" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
    ]),
    ("TimestampRouter", &[
        KeyDef { name: "topic.format", type_: "STRING", default: KeyDefault::Value("${topic}-${timestamp}"), importance: "HIGH", documentation: "Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.", group: None, order_in_group: -1, width: "NONE", display_name: "topic.format" },
        KeyDef { name: "timestamp.format", type_: "STRING", default: KeyDefault::Value("yyyyMMdd"), importance: "HIGH", documentation: "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.", group: None, order_in_group: -1, width: "NONE", display_name: "timestamp.format" },
    ]),
    ("ValueToKey", &[
        KeyDef { name: "fields", type_: "LIST", default: KeyDefault::Required, importance: "HIGH", documentation: "Field names on the record value to extract as the record key.", group: None, order_in_group: -1, width: "NONE", display_name: "fields" },
        KeyDef { name: "replace.null.with.default", type_: "BOOLEAN", default: KeyDefault::Value("true"), importance: "MEDIUM", documentation: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.", group: None, order_in_group: -1, width: "NONE", display_name: "replace.null.with.default" },
        KeyDef { name: "field.syntax.version", type_: "STRING", default: KeyDefault::Value("V1"), importance: "HIGH", documentation: "Defines the version of the syntax to access fields. If set to <code>V1</code>, then the field paths are limited to access the elements at the root level of the struct or map. If set to <code>V2</code>, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield <code>baz</code> from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"<code>foo.bar</code>.baz\".", group: None, order_in_group: -1, width: "NONE", display_name: "field.syntax.version" },
    ]),
    ("predicates.HasHeaderKey", &[
        KeyDef { name: "name", type_: "STRING", default: KeyDefault::Required, importance: "MEDIUM", documentation: "The header name.", group: None, order_in_group: -1, width: "NONE", display_name: "name" },
    ]),
    ("predicates.RecordIsTombstone", &[
    ]),
    ("predicates.TopicNameMatches", &[
        KeyDef { name: "pattern", type_: "STRING", default: KeyDefault::Required, importance: "MEDIUM", documentation: "A Java regular expression for matching against the name of a record's topic.", group: None, order_in_group: -1, width: "NONE", display_name: "pattern" },
    ]),
];
