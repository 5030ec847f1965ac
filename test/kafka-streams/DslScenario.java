// Kafka Streams 4.4 as the reference for Eddy's Streams DSL: reads a scenario
// (a `dsl:` document as JSON, input records and output topics) on stdin,
// builds the same topology with Kafka Streams' StreamsBuilder — the functions
// named `f.<name>` are the ones of plugins/dsl-functions-rust, written again
// in Java — runs it through TopologyTestDriver with caching off, and prints
// every output record as a JSON line {topic, key, value, timestamp} (key and
// value base64, or null).
//
// Keys and values are bytes (ByteArray serdes) as Eddy's functions see them;
// count() values are Longs and windowed keys Windowed<byte[]>, written with
// Serdes.Long() and WindowedSerdes.timeWindowedSerdeFrom(byte[].class, size).
// A scenario with `reference: <id>` is one with per-step serdes: its topology
// is written here by hand as a Java developer would (Consumed/Produced/Grouped/
// Materialized.with typed serdes, typed lambdas: class SerdeScenarios), and
// its `deserialization.exception.handler`, `default.key.serde` and
// `default.value.serde` are set as Kafka Streams' config (serde short names
// mapped to Serdes' classes; else ByteArray serdes).
// Inputs may give raw bytes (`keyBytes`, `valueBytes`, base64).

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.*;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

public class DslScenario {
    static final ObjectMapper json = new ObjectMapper();

    static String text(byte[] b) { return b == null ? null : new String(b, StandardCharsets.UTF_8); }
    static byte[] bytes(String s) { return s == null ? null : s.getBytes(StandardCharsets.UTF_8); }
    static byte[] longBytes(long v) { return ByteBuffer.allocate(8).putLong(v).array(); }
    static long longOf(byte[] b) { return ByteBuffer.wrap(b).getLong(); }
    static String orNull(byte[] b) { return b == null ? "null" : text(b); }
    static String firstLetter(String s) { return s.isEmpty() ? "" : new String(Character.toChars(s.codePointAt(0))); }
    static List<byte[]> splitWords(byte[] v) {
        if (v == null) return List.of();
        List<byte[]> out = new ArrayList<>();
        for (String w : text(v).toLowerCase(Locale.ROOT).split("\\W+")) out.add(bytes(w));
        return out;
    }

    /** A scenario's default serde (default.key.serde / default.value.serde): a short name, Kafka's class name, or unset (ByteArray). */
    static String defaultSerde(JsonNode name) {
        if (name == null) return Serdes.ByteArraySerde.class.getName();
        return switch (name.asText()) {
            case "string" -> Serdes.StringSerde.class.getName();
            case "long" -> Serdes.LongSerde.class.getName();
            case "integer" -> Serdes.IntegerSerde.class.getName();
            default -> name.asText();
        };
    }

    /** What the current stream carries, so `to` writes it as Kafka Streams would be told to. */
    static final class Current {
        Object handle; // KStream, KGroupedStream, TimeWindowedKStream or KTable
        boolean longValues;
        Long windowSize; // set: keys are Windowed<byte[]>; -1: session windows
        boolean bytesKeys; // keys are Bytes (a table groupBy: Bytes compare by content, as typed keys would)
        Current(Object handle, boolean longValues, Long windowSize) { this.handle = handle; this.longValues = longValues; this.windowSize = windowSize; }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        JsonNode scenario = json.readTree(System.in);
        StreamsBuilder builder = new StreamsBuilder();
        Map<String, Current> named = new HashMap<>();
        if (scenario.has("reference")) SerdeScenarios.build(scenario.get("reference").asText(), builder);
        else for (JsonNode pipeline : scenario.get("dsl").get("streams")) {
            Current current;
            if (pipeline.has("stream")) {
                JsonNode s = pipeline.get("stream");
                List<String> topics = new ArrayList<>();
                if (s.isArray()) s.forEach(t -> topics.add(t.asText())); else topics.add(s.asText());
                current = new Current(pipeline.has("timestamp.extractor") ? builder.stream(topics, Consumed.with(timestampExtractor(pipeline.get("timestamp.extractor").asText()))) : builder.stream(topics), false, null);
            } else if (pipeline.has("table")) {
                KTable<byte[], byte[]> table = pipeline.has("store")
                        ? builder.table(pipeline.get("table").asText(), Materialized.<byte[], byte[], KeyValueStore<Bytes, byte[]>>as(pipeline.get("store").asText()))
                        : builder.table(pipeline.get("table").asText());
                current = new Current(table, false, null);
            } else if (pipeline.has("globalTable")) {
                GlobalKTable<byte[], byte[]> table = pipeline.has("store")
                        ? builder.globalTable(pipeline.get("globalTable").asText(), Materialized.<byte[], byte[], KeyValueStore<Bytes, byte[]>>as(pipeline.get("store").asText()))
                        : builder.globalTable(pipeline.get("globalTable").asText());
                current = new Current(table, false, null);
            } else {
                current = named.get(pipeline.get("from").asText());
            }
            if (pipeline.has("steps")) for (JsonNode step : pipeline.get("steps")) current = apply(current, step, named);
            if (pipeline.has("as")) named.put(pipeline.get("as").asText(), current);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dsl-scenario");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, defaultSerde(scenario.get("dsl").get("default.key.serde")));
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, defaultSerde(scenario.get("dsl").get("default.value.serde")));
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, scenario.has("cacheMaxBytes") ? scenario.get("cacheMaxBytes").asLong() : 0L);
        props.put("__emit.interval.ms.kstreams.outer.join.spurious.results.fix__", 0L);
        props.put("__emit.interval.ms.kstreams.windowed.aggregation__", 0L);
        JsonNode handler = scenario.get("dsl").get("deserialization.exception.handler");
        if (handler != null) props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, handler.asText().matches("log-and-continue|.*LogAndContinueExceptionHandler")
                ? org.apache.kafka.streams.errors.LogAndContinueExceptionHandler.class : org.apache.kafka.streams.errors.LogAndFailExceptionHandler.class);
        Topology topology = builder.build();
        if (args.length > 0 && args[0].equals("--describe")) { System.out.println(topology.describe()); return; }
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
            for (JsonNode record : scenario.get("inputs")) {
                String topic = record.get("topic").asText();
                TestInputTopic<byte[], byte[]> input = inputs.computeIfAbsent(topic, t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()));
                byte[] key = record.has("keyBytes") ? Base64.getDecoder().decode(record.get("keyBytes").asText()) : record.get("key").isNull() ? null : bytes(record.get("key").asText());
                byte[] value = record.has("valueBytes") ? Base64.getDecoder().decode(record.get("valueBytes").asText()) : record.get("value").isNull() ? null : bytes(record.get("value").asText());
                input.pipeInput(new TestRecord<>(key, value, new RecordHeaders(), record.get("timestamp").asLong()));
            }
            Base64.Encoder b64 = Base64.getEncoder();
            for (JsonNode topicNode : scenario.get("outputTopics")) {
                String topic = topicNode.asText();
                for (TestRecord<byte[], byte[]> r : driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList()) {
                    ObjectNode line = json.createObjectNode();
                    line.put("topic", topic);
                    if (r.key() == null) line.putNull("key"); else line.put("key", b64.encodeToString(r.key()));
                    if (r.value() == null) line.putNull("value"); else line.put("value", b64.encodeToString(r.value()));
                    line.put("timestamp", r.timestamp());
                    System.out.println(json.writeValueAsString(line));
                }
            }
        }
    }

    static String argument(JsonNode step, String field) {
        JsonNode value = step.isObject() ? step.get(field) : step;
        return value == null || value.isNull() ? null : value.asText();
    }

    static String fn(JsonNode step, String field) {
        String reference = argument(step, field);
        return reference.substring(reference.indexOf('.') + 1);
    }

    static long ms(JsonNode step, String field, long otherwise) {
        JsonNode value = step.isObject() ? step.get(field) : null;
        return value == null ? otherwise : value.asLong();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Current apply(Current current, JsonNode stepNode, Map<String, Current> named) {
        String name;
        JsonNode arg;
        if (stepNode.isTextual()) { name = stepNode.asText(); arg = json.nullNode(); }
        else { Map.Entry<String, JsonNode> e = stepNode.fields().next(); name = e.getKey(); arg = e.getValue(); }
        Object h = current.handle;
        if (h instanceof KTable && !name.equals("toStream") && !name.equals("suppress")) return applyToTable(current, name, arg, named);
        if (h instanceof KGroupedTable) return applyToGroupedTable(current, name, arg);
        if (name.equals("cogroup")) {
            String f = fn(arg, "aggregator");
            CogroupedKStream<byte[], byte[]> cogrouped = ((KGroupedStream<byte[], byte[]>) h).cogroup((k, v, a) -> aggregate(f, k, v, a));
            if (arg.has("with")) for (JsonNode other : arg.get("with")) {
                String g = fn(other, "aggregator");
                cogrouped = cogrouped.cogroup((KGroupedStream<byte[], byte[]>) named.get(other.get("grouped").asText()).handle, (k, v, a) -> aggregate(g, k, v, a));
            }
            return new Current(cogrouped, false, null);
        }
        if (h instanceof CogroupedKStream && name.equals("windowedBy") && arg.has("gap")) {
            long gap = ms(arg, "gap", 0), grace = ms(arg, "grace", 0);
            SessionWindows sessions = grace == 0 ? SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(gap)) : SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(gap), Duration.ofMillis(grace));
            return new Current(((CogroupedKStream<byte[], byte[]>) h).windowedBy(sessions), false, -1L);
        }
        if (h instanceof CogroupedKStream && name.equals("windowedBy") && arg.has("sliding")) {
            long difference = ms(arg, "sliding", 0), grace = ms(arg, "grace", 0);
            SlidingWindows sliding = grace == 0 ? SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(difference)) : SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(difference), Duration.ofMillis(grace));
            return new Current(((CogroupedKStream<byte[], byte[]>) h).windowedBy(sliding), false, difference);
        }
        if (h instanceof CogroupedKStream && name.equals("windowedBy")) {
            long size = ms(arg, "size", 0), advance = ms(arg, "advance", size), grace = ms(arg, "grace", 0);
            TimeWindows windows = (grace == 0 ? TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(size)) : TimeWindows.ofSizeAndGrace(Duration.ofMillis(size), Duration.ofMillis(grace))).advanceBy(Duration.ofMillis(advance));
            return new Current(((CogroupedKStream<byte[], byte[]>) h).windowedBy(windows), false, size);
        }
        if (h instanceof CogroupedKStream) {
            String i = fn(arg, "initializer");
            return new Current(((CogroupedKStream<byte[], byte[]>) h).aggregate(() -> initialize(i)), false, null);
        }
        if (h instanceof SessionWindowedCogroupedKStream) {
            String i = fn(arg, "initializer"), m = fn(arg, "merger");
            return new Current(((SessionWindowedCogroupedKStream<byte[], byte[]>) h).aggregate(() -> initialize(i), (k, a1, a2) -> merge(m, k, a1, a2), Materialized.with(Serdes.ByteArray(), Serdes.ByteArray())), false, current.windowSize);
        }
        if (h instanceof TimeWindowedCogroupedKStream) {
            String i = fn(arg, "initializer");
            return new Current(((TimeWindowedCogroupedKStream) h).aggregate(() -> initialize(i), Materialized.with(Serdes.ByteArray(), Serdes.ByteArray())), false, current.windowSize);
        }
        switch (name) {
            case "filter": return new Current(((KStream<byte[], byte[]>) h).filter(predicate(fn(arg, "predicate"))), current.longValues, current.windowSize);
            case "filterNot": return new Current(((KStream<byte[], byte[]>) h).filterNot(predicate(fn(arg, "predicate"))), current.longValues, current.windowSize);
            case "map": { String f = fn(arg, "mapper"); return new Current(((KStream<byte[], byte[]>) h).map((k, v) -> keyValueMapper(f, k, v)), false, null); }
            case "mapValues": { String f = fn(arg, "mapper"); return new Current(((KStream<byte[], byte[]>) h).mapValues((k, v) -> valueMapper(f, k, v)), false, current.windowSize); }
            case "selectKey": { String f = fn(arg, "selector"); return new Current(((KStream<byte[], byte[]>) h).selectKey((k, v) -> keySelector(f, k, v)), current.longValues, null); }
            case "flatMap": { String f = fn(arg, "mapper"); return new Current(((KStream<byte[], byte[]>) h).flatMap((k, v) -> flatMapper(f, k, v)), false, null); }
            case "flatMapValues": { String f = fn(arg, "mapper"); return new Current(((KStream<byte[], byte[]>) h).flatMapValues((k, v) -> flatValueMapper(f, k, v)), false, current.windowSize); }
            case "peek": return current;
            case "merge": return new Current(((KStream<byte[], byte[]>) h).merge((KStream<byte[], byte[]>) named.get(argument(arg, "with")).handle), current.longValues, current.windowSize);
            case "to": {
                Serde keySerde = current.bytesKeys ? Serdes.Bytes() : current.windowSize == null ? Serdes.ByteArray()
                        : current.windowSize < 0 ? WindowedSerdes.sessionWindowedSerdeFrom(byte[].class)
                        : WindowedSerdes.timeWindowedSerdeFrom(byte[].class, current.windowSize);
                Serde valueSerde = current.longValues ? Serdes.Long() : Serdes.ByteArray();
                if (arg.isObject() && arg.has("extractor")) {
                    String x = fn(arg, "extractor");
                    ((KStream) h).to((TopicNameExtractor) (k, v, context) -> extractTopic(x, (byte[]) k, (byte[]) v, context.topic()), Produced.with(keySerde, valueSerde));
                } else {
                    ((KStream) h).to(argument(arg, "topic"), Produced.with(keySerde, valueSerde));
                }
                return null;
            }
            case "split": {
                // Branch streams are keyed <splitter name><branch name>; name the splitter so the keys are known.
                String prefix = arg.has("name") ? arg.get("name").asText() : "split-";
                BranchedKStream<byte[], byte[]> branched = ((KStream<byte[], byte[]>) h).split(Named.as(prefix));
                List<String> names = new ArrayList<>();
                for (JsonNode branch : arg.get("branches")) {
                    String as = branch.get("as").asText();
                    names.add(as);
                    branched = branched.branch(predicate(fn(branch, "predicate")), Branched.as(as));
                }
                Map<String, KStream<byte[], byte[]>> streams;
                if (arg.has("default")) {
                    names.add(arg.get("default").asText());
                    streams = branched.defaultBranch(Branched.as(arg.get("default").asText()));
                } else {
                    streams = branched.noDefaultBranch();
                }
                for (String as : names) named.put(as, new Current(streams.get(prefix + as), current.longValues, current.windowSize));
                return null;
            }
            case "toTable": return new Current(((KStream<byte[], byte[]>) h).toTable(), current.longValues, null);
            case "repartition": return new Current(((KStream<byte[], byte[]>) h).repartition(), current.longValues, current.windowSize);
            case "groupByKey": return new Current(((KStream<byte[], byte[]>) h).groupByKey(), false, null);
            case "groupBy": { String f = fn(arg, "selector"); return new Current(((KStream<byte[], byte[]>) h).groupBy((k, v) -> keySelector(f, k, v)), false, null); }
            case "join":
            case "leftJoin":
            case "outerJoin": {
                if (arg.has("stream")) {
                    String f = fn(arg, "joiner");
                    KStream<byte[], byte[]> other = (KStream<byte[], byte[]>) named.get(argument(arg, "stream")).handle;
                    long difference = ms(arg, "difference", 0), grace = ms(arg, "grace", 0);
                    long before = ms(arg, "before", difference), after = ms(arg, "after", difference);
                    JoinWindows windows = grace == 0 ? JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(difference)) : JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(difference), Duration.ofMillis(grace));
                    windows = windows.before(Duration.ofMillis(before)).after(Duration.ofMillis(after));
                    ValueJoinerWithKey<byte[], byte[], byte[], byte[]> joiner = (k, l, r) -> joinValues(f, k, l, r);
                    KStream<byte[], byte[]> stream = (KStream<byte[], byte[]>) h;
                    KStream<byte[], byte[]> joined = name.equals("join") ? stream.join(other, joiner, windows) : name.equals("leftJoin") ? stream.leftJoin(other, joiner, windows) : stream.outerJoin(other, joiner, windows);
                    return new Current(joined, false, null);
                }
                if (arg.has("globalTable")) {
                    String f = fn(arg, "joiner"), x = fn(arg, "keySelector");
                    GlobalKTable<byte[], byte[]> global = (GlobalKTable<byte[], byte[]>) named.get(argument(arg, "globalTable")).handle;
                    ValueJoinerWithKey<byte[], byte[], byte[], byte[]> joiner = (k, l, r) -> joinValues(f, k, l, r);
                    KeyValueMapper<byte[], byte[], byte[]> selector = (k, v) -> keySelector(x, k, v);
                    KStream<byte[], byte[]> stream = (KStream<byte[], byte[]>) h;
                    return new Current(name.equals("join") ? stream.join(global, selector, joiner) : stream.leftJoin(global, selector, joiner), false, null);
                }
                String f = fn(arg, "joiner");
                KTable<byte[], byte[]> table = (KTable<byte[], byte[]>) named.get(argument(arg, "table")).handle;
                ValueJoinerWithKey<byte[], byte[], byte[], byte[]> joiner = (k, l, r) -> joinValues(f, k, l, r);
                KStream<byte[], byte[]> stream = (KStream<byte[], byte[]>) h;
                return new Current(name.equals("join") ? stream.join(table, joiner) : stream.leftJoin(table, joiner), false, null);
            }
            case "windowedBy": {
                if (arg.has("gap")) {
                    long gap = ms(arg, "gap", 0), grace = ms(arg, "grace", 0);
                    SessionWindows sessions = grace == 0 ? SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMillis(gap)) : SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(gap), Duration.ofMillis(grace));
                    return new Current(((KGroupedStream<byte[], byte[]>) h).windowedBy(sessions), false, -1L);
                }
                if (arg.has("sliding")) {
                    long difference = ms(arg, "sliding", 0), grace = ms(arg, "grace", 0);
                    SlidingWindows sliding = grace == 0 ? SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(difference)) : SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(difference), Duration.ofMillis(grace));
                    return new Current(((KGroupedStream<byte[], byte[]>) h).windowedBy(sliding), false, difference);
                }
                long size = ms(arg, "size", 0), advance = ms(arg, "advance", size), grace = ms(arg, "grace", 0);
                TimeWindows windows = (grace == 0 ? TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(size)) : TimeWindows.ofSizeAndGrace(Duration.ofMillis(size), Duration.ofMillis(grace))).advanceBy(Duration.ofMillis(advance));
                return new Current(((KGroupedStream<byte[], byte[]>) h).windowedBy(windows), false, size);
            }
            case "count": {
                // Windowed tables get key and value serdes, so a suppress buffer downstream can serialize them.
                Object table = h instanceof KGroupedStream ? ((KGroupedStream) h).count()
                        : h instanceof SessionWindowedKStream ? ((SessionWindowedKStream) h).count(Materialized.with(Serdes.ByteArray(), Serdes.Long()))
                        : ((TimeWindowedKStream) h).count(Materialized.with(Serdes.ByteArray(), Serdes.Long()));
                return new Current(table, true, current.windowSize);
            }
            case "reduce": {
                String f = fn(arg, "reducer");
                Reducer<byte[]> reducer = (a, v) -> reduce(f, a, v);
                Object table = h instanceof KGroupedStream ? ((KGroupedStream<byte[], byte[]>) h).reduce(reducer)
                        : h instanceof SessionWindowedKStream ? ((SessionWindowedKStream) h).reduce(reducer, Materialized.with(Serdes.ByteArray(), Serdes.ByteArray()))
                        : ((TimeWindowedKStream) h).reduce(reducer, Materialized.with(Serdes.ByteArray(), Serdes.ByteArray()));
                return new Current(table, false, current.windowSize);
            }
            case "aggregate": {
                String i = fn(arg, "initializer"), f = fn(arg, "aggregator");
                Initializer<byte[]> initializer = () -> initialize(i);
                Aggregator<byte[], byte[], byte[]> aggregator = (k, v, a) -> aggregate(f, k, v, a);
                Object table;
                if (h instanceof SessionWindowedKStream) {
                    String m = fn(arg, "merger");
                    Merger<byte[], byte[]> merger = (k, a1, a2) -> merge(m, k, a1, a2);
                    table = ((SessionWindowedKStream) h).aggregate(initializer, aggregator, merger, Materialized.with(Serdes.ByteArray(), Serdes.ByteArray()));
                } else {
                    table = h instanceof KGroupedStream ? ((KGroupedStream<byte[], byte[]>) h).aggregate(initializer, aggregator)
                            : ((TimeWindowedKStream) h).aggregate(initializer, aggregator, Materialized.with(Serdes.ByteArray(), Serdes.ByteArray()));
                }
                return new Current(table, false, current.windowSize);
            }
            case "suppress": {
                String until = arg.isTextual() ? arg.asText() : arg.get("until").asText();
                boolean bounded = arg.isObject() && (arg.has("maxRecords") || arg.has("maxBytes"));
                String whenFull = arg.isObject() && arg.has("whenFull") ? arg.get("whenFull").asText() : until.equals("window-closes") ? "shut-down" : "emit-early";
                Suppressed.EagerBufferConfig eager = null;
                if (bounded) {
                    eager = arg.has("maxRecords") ? Suppressed.BufferConfig.maxRecords(arg.get("maxRecords").asLong()) : Suppressed.BufferConfig.maxBytes(arg.get("maxBytes").asLong());
                    if (arg.has("maxRecords") && arg.has("maxBytes")) eager = eager.withMaxBytes(arg.get("maxBytes").asLong());
                }
                Suppressed suppressed;
                if (until.equals("window-closes")) {
                    suppressed = Suppressed.untilWindowCloses(bounded ? eager.shutDownWhenFull() : Suppressed.BufferConfig.unbounded());
                } else {
                    Suppressed.BufferConfig config = !bounded ? Suppressed.BufferConfig.unbounded() : whenFull.equals("shut-down") ? eager.shutDownWhenFull() : eager.emitEarlyWhenFull();
                    suppressed = Suppressed.untilTimeLimit(Duration.ofMillis(arg.get("limit").asLong()), config);
                }
                return new Current(((KTable) h).suppress(suppressed), current.longValues, current.windowSize);
            }
            case "toStream": { Current out = new Current(((KTable) h).toStream(), current.longValues, current.windowSize); out.bytesKeys = current.bytesKeys; return out; }
            default: throw new IllegalArgumentException("step not supported by the reference: " + name);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Current applyToTable(Current current, String name, JsonNode arg, Map<String, Current> named) {
        KTable<byte[], byte[]> table = (KTable<byte[], byte[]>) current.handle;
        switch (name) {
            case "filter": return new Current(table.filter(predicate(fn(arg, "predicate"))), false, null);
            case "filterNot": return new Current(table.filterNot(predicate(fn(arg, "predicate"))), false, null);
            case "mapValues": { String f = fn(arg, "mapper"); return new Current(table.mapValues((k, v) -> valueMapper(f, k, v)), false, null); }
            case "join":
            case "leftJoin":
            case "outerJoin": {
                String f = fn(arg, "joiner");
                KTable<byte[], byte[]> other = (KTable<byte[], byte[]>) named.get(argument(arg, "table")).handle;
                ValueJoiner<byte[], byte[], byte[]> joiner = (l, r) -> joinValues(f, null, l, r);
                KTable<byte[], byte[]> joined = name.equals("join") ? table.join(other, joiner) : name.equals("leftJoin") ? table.leftJoin(other, joiner) : table.outerJoin(other, joiner);
                return new Current(joined, false, null);
            }
            case "fkJoin":
            case "fkLeftJoin": {
                String x = fn(arg, "extractor"), f = fn(arg, "joiner");
                KTable<byte[], byte[]> other = (KTable<byte[], byte[]>) named.get(argument(arg, "table")).handle;
                java.util.function.Function<byte[], byte[]> extractor = v -> keySelector(x, null, v);
                ValueJoiner<byte[], byte[], byte[]> joiner = (l, r) -> joinValues(f, null, l, r);
                KTable<byte[], byte[]> joined = name.equals("fkJoin") ? table.join(other, extractor, joiner) : table.leftJoin(other, extractor, joiner);
                return new Current(joined, false, null);
            }
            case "groupBy": {
                String f = fn(arg, "mapper");
                KGroupedTable<Bytes, byte[]> grouped = table.groupBy((k, v) -> {
                    KeyValue<byte[], byte[]> pair = keyValueMapper(f, k, v);
                    return KeyValue.pair(pair.key == null ? null : Bytes.wrap(pair.key), pair.value);
                }, Grouped.with(Serdes.Bytes(), Serdes.ByteArray()));
                Current out = new Current(grouped, false, null);
                out.bytesKeys = true;
                return out;
            }
            default: throw new IllegalArgumentException("table step not supported by the reference: " + name);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Current applyToGroupedTable(Current current, String name, JsonNode arg) {
        KGroupedTable<Bytes, byte[]> grouped = (KGroupedTable<Bytes, byte[]>) current.handle;
        Current out;
        switch (name) {
            case "count": out = new Current(grouped.count(), true, null); break;
            case "reduce": {
                String adder = fn(arg, "adder"), subtractor = fn(arg, "subtractor");
                out = new Current(grouped.reduce((a, v) -> reduce(adder, a, v), (a, v) -> reduce(subtractor, a, v)), false, null);
                break;
            }
            case "aggregate": {
                String i = fn(arg, "initializer"), adder = fn(arg, "adder"), subtractor = fn(arg, "subtractor");
                out = new Current(grouped.aggregate(() -> initialize(i), (k, v, a) -> aggregate(adder, k.get(), v, a), (k, v, a) -> aggregate(subtractor, k.get(), v, a)), false, null);
                break;
            }
            default: throw new IllegalArgumentException("grouped-table step not supported by the reference: " + name);
        }
        out.bytesKeys = true;
        return out;
    }

    static Predicate<byte[], byte[]> predicate(String f) {
        return switch (f) {
            case "has-a" -> (k, v) -> v != null && text(v).contains("a");
            case "key-has-a" -> (k, v) -> k != null && text(k).contains("a");
            default -> throw new IllegalArgumentException(f);
        };
    }

    static KeyValue<byte[], byte[]> keyValueMapper(String f, byte[] k, byte[] v) {
        return switch (f) {
            case "swap" -> KeyValue.pair(v, k);
            case "by-first-letter" -> KeyValue.pair(v == null ? null : bytes(firstLetter(text(v))), v);
            default -> throw new IllegalArgumentException(f);
        };
    }

    static byte[] valueMapper(String f, byte[] k, byte[] v) {
        return switch (f) {
            case "uppercase" -> v == null ? null : bytes(text(v).toUpperCase(Locale.ROOT));
            case "length" -> v == null ? null : longBytes(text(v).length());
            default -> throw new IllegalArgumentException(f);
        };
    }

    static byte[] keySelector(String f, byte[] k, byte[] v) {
        return switch (f) {
            case "value-as-key" -> v;
            case "record-key" -> k;
            case "first-letter" -> v == null ? null : bytes(firstLetter(text(v)));
            default -> throw new IllegalArgumentException(f);
        };
    }

    static List<KeyValue<byte[], byte[]>> flatMapper(String f, byte[] k, byte[] v) {
        if (!f.equals("words-as-keys")) throw new IllegalArgumentException(f);
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
        for (byte[] w : splitWords(v)) out.add(KeyValue.pair(w, k));
        return out;
    }

    static List<byte[]> flatValueMapper(String f, byte[] k, byte[] v) {
        if (!f.equals("split-words")) throw new IllegalArgumentException(f);
        return splitWords(v);
    }

    static byte[] initialize(String f) {
        return switch (f) {
            case "empty-string" -> new byte[0];
            case "zero" -> longBytes(0);
            default -> throw new IllegalArgumentException(f);
        };
    }

    static byte[] aggregate(String f, byte[] k, byte[] v, byte[] a) {
        return switch (f) {
            case "append" -> bytes(orNull(a) + orNull(v));
            case "add-length" -> longBytes(longOf(a) + (v == null ? 0 : text(v).length()));
            case "subtract-length" -> longBytes(longOf(a) - (v == null ? 0 : text(v).length()));
            default -> throw new IllegalArgumentException(f);
        };
    }

    static byte[] reduce(String f, byte[] a, byte[] v) {
        return switch (f) {
            case "concat" -> bytes(orNull(a) + "," + orNull(v));
            case "minus" -> bytes(orNull(a) + "-" + orNull(v));
            case "sum" -> longBytes(longOf(a) + longOf(v));
            default -> throw new IllegalArgumentException(f);
        };
    }

    static byte[] merge(String f, byte[] k, byte[] a, byte[] b) {
        return switch (f) {
            case "merge-lengths" -> longBytes(longOf(a) + longOf(b));
            case "merge-strings" -> bytes(orNull(a) + "|" + orNull(b));
            default -> throw new IllegalArgumentException(f);
        };
    }

    /** The functions' timestamp extractors: "f.time-from-value" reads "<anything>@<millis>" from the value, else the record's time. */
    static org.apache.kafka.streams.processor.TimestampExtractor timestampExtractor(String reference) {
        String f = reference.substring(reference.indexOf('.') + 1);
        if (!f.equals("time-from-value")) throw new IllegalArgumentException(f);
        return (record, partitionTime) -> {
            Object value = record.value();
            if (value instanceof byte[] bytes) {
                String text = text(bytes);
                int at = text.lastIndexOf('@');
                if (at >= 0) {
                    try { return Long.parseLong(text.substring(at + 1)); } catch (NumberFormatException e) { /* the record's own time */ }
                }
            }
            return record.timestamp();
        };
    }

    static String extractTopic(String f, byte[] k, byte[] v, String sourceTopic) {
        if (!f.equals("topic-by-first-letter")) throw new IllegalArgumentException(f);
        if (v == null || v.length == 0) return "letter-other";
        char c = text(v).charAt(0);
        return (c < 128 && Character.isLetter(c)) ? "letter-" + Character.toLowerCase(c) : "letter-other";
    }

    static byte[] joinValues(String f, byte[] k, byte[] l, byte[] r) {
        if (!f.equals("join-values")) throw new IllegalArgumentException(f);
        return bytes(orNull(l) + "+" + orNull(r));
    }

    /**
     * The per-step serde scenarios, as typed Kafka Streams code: each `id`
     * is the `reference` of a scenario in test/dsl/differential.test.ts, whose
     * `dsl:` document says the same with the functions of plugins/dsl-functions-rust.
     */
    static final class SerdeScenarios {
        /** JSON values (Kafka has no JSON serde of its own): Jackson's tree, compact. */
        static final Serde<JsonNode> JSON = Serdes.serdeFrom(
                (Serializer<JsonNode>) (topic, node) -> {
                    if (node == null) return null;
                    try { return json.writeValueAsBytes(node); } catch (Exception e) { throw new org.apache.kafka.common.errors.SerializationException(e); }
                },
                (Deserializer<JsonNode>) (topic, data) -> {
                    if (data == null) return null;
                    try { return json.readTree(data); } catch (Exception e) { throw new org.apache.kafka.common.errors.SerializationException("not JSON", e); }
                });

        static List<String> words(String v) {
            List<String> out = new ArrayList<>();
            for (byte[] w : splitWords(bytes(v))) out.add(text(w));
            return out;
        }

        static void build(String id, StreamsBuilder builder) {
            Serde<String> string = Serdes.String();
            Serde<Long> longs = Serdes.Long();
            Serde<Integer> integers = Serdes.Integer();
            switch (id) {
                case "long-values" -> {
                    KStream<String, Long> amounts = builder.stream("amounts", Consumed.with(string, longs));
                    amounts.groupByKey(Grouped.with(string, longs)).reduce(Long::sum, Materialized.with(string, longs)).toStream().to("sums", Produced.with(string, longs));
                    amounts.mapValues(v -> v == null ? null : Long.toString(v)).to("decimals", Produced.with(string, string));
                }
                case "count-long-and-text" -> {
                    KTable<String, Long> counts = builder.stream("lines", Consumed.with(string, string))
                            .flatMapValues(v -> v == null ? List.<String>of() : words(v))
                            .groupBy((k, v) -> v, Grouped.with(string, string))
                            .count(Materialized.with(string, longs));
                    counts.toStream().to("counts", Produced.with(string, longs));
                    counts.toStream().mapValues(v -> v == null ? null : Long.toString(v)).to("counts-text", Produced.with(string, string));
                }
                case "grouped-integer" -> {
                    KStream<Integer, String> numbers = builder.stream("numbers", Consumed.with(integers, string));
                    numbers.groupBy((k, v) -> k, Grouped.with("by-number", integers, string))
                            .reduce((a, v) -> a + "," + v, Materialized.with(integers, string))
                            .toStream().to("joined-words", Produced.with(integers, string));
                    numbers.groupBy((k, v) -> k, Grouped.with(integers, string))
                            .aggregate(() -> 0L, (k, v, a) -> a + v.length(), Materialized.with(integers, longs))
                            .toStream().to("lengths", Produced.with(integers, longs));
                }
                case "json-table" -> builder.table("documents", Consumed.with(string, JSON)).toStream().to("documents-out", Produced.with(string, JSON));
                case "join-long-table" -> {
                    KTable<String, String> prices = builder.table("prices", Consumed.with(string, longs)).mapValues(v -> Long.toString(v));
                    KStream<String, String> orders = builder.stream("orders", Consumed.with(string, string));
                    orders.join(prices, (o, p) -> o + "+" + p).to("priced", Produced.with(string, string));
                    orders.leftJoin(prices, (o, p) -> o + "+" + (p == null ? "null" : p)).to("left-priced", Produced.with(string, string));
                }
                case "default-serdes" -> {
                    // default.key.serde String, default.value.serde Long (the scenario's config): steps without serdes of their own use them.
                    KStream<String, Long> amounts = builder.stream("amounts");
                    amounts.groupByKey().reduce(Long::sum).toStream().to("sums");
                    amounts.groupByKey().count().toStream().to("counts");
                    amounts.groupBy((k, v) -> k).reduce(Long::sum).toStream().to("regrouped");
                    amounts.mapValues(v -> v == null ? null : Long.toString(v)).to("decimals", Produced.valueSerde(string));
                    // Consumed's value serde overrides the default, and the sink inherits it.
                    builder.stream("lines", Consumed.<String, String>with(null, string)).to("lines-out");
                }
                default -> throw new IllegalArgumentException("no serde scenario " + id);
            }
        }
    }
}
