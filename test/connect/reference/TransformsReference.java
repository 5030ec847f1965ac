// Kafka Connect 4.4's built-in transforms and predicates as the reference
// for test/connect/transforms-reference.test.ts: reads one case per line
// (JSON: the class, its configuration, a record whose key, value and header
// values are JsonConverter envelopes), configures the class, applies it (or
// tests the predicate) and writes one JSON line: the resulting record (its
// key, value and headers as JsonConverter envelopes, each header also as
// SimpleHeaderConverter writes it and reads that back), `dropped`, the
// predicate's `test`, a `configError` (configure's message) or an `error`
// (the exception's message). Envelopes written are the converter's exact
// text, as JSON strings.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

public class TransformsReference {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonConverter CONVERTER = new JsonConverter();
    static final SimpleHeaderConverter HEADERS = new SimpleHeaderConverter();

    static SchemaAndValue read(JsonNode envelope) throws Exception {
        if (envelope == null || envelope.isNull()) return SchemaAndValue.NULL;
        return CONVERTER.toConnectData("t", MAPPER.writeValueAsBytes(envelope));
    }

    /** The exact text JsonConverter writes (a string), or null. */
    static JsonNode write(org.apache.kafka.connect.data.Schema schema, Object value) throws Exception {
        byte[] bytes = CONVERTER.fromConnectData("t", schema, value);
        return bytes == null ? MAPPER.nullNode() : MAPPER.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        CONVERTER.configure(Map.of("schemas.enable", "true"), false);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode test = MAPPER.readTree(line);
            ObjectNode out = MAPPER.createObjectNode();
            try {
                Map<String, String> config = new HashMap<>();
                Iterator<Map.Entry<String, JsonNode>> fields = test.get("config").fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> entry = fields.next();
                    config.put(entry.getKey(), entry.getValue().asText());
                }
                JsonNode r = test.get("record");
                ConnectHeaders headers = new ConnectHeaders();
                for (JsonNode header : r.get("headers")) headers.add(header.get("key").asText(), read(header.get("value")));
                SchemaAndValue key = read(r.get("key"));
                SchemaAndValue value = read(r.get("value"));
                Integer partition = r.get("partition").isNull() ? null : r.get("partition").asInt();
                Long timestamp = r.get("timestamp").isNull() ? null : r.get("timestamp").asLong();
                ConnectRecord record = r.get("offset").isNull()
                    ? new SourceRecord(null, null, r.get("topic").asText(), partition, key.schema(), key.value(), value.schema(), value.value(), timestamp, headers)
                    : new SinkRecord(r.get("topic").asText(), partition == null ? 0 : partition, key.schema(), key.value(), value.schema(), value.value(), r.get("offset").asLong(), timestamp, TimestampType.CREATE_TIME, headers);
                Object instance = Class.forName(test.get("class").asText()).getDeclaredConstructor().newInstance();
                try {
                    ((org.apache.kafka.common.Configurable) instance).configure(config);
                } catch (ConfigException e) {
                    out.put("configError", e.getMessage());
                    System.out.println(MAPPER.writeValueAsString(out));
                    continue;
                }
                if (instance instanceof Predicate) {
                    out.put("test", ((Predicate) instance).test(record));
                } else {
                    ConnectRecord result = ((Transformation) instance).apply(record);
                    if (result == null) {
                        out.put("dropped", true);
                    } else {
                        ObjectNode o = MAPPER.createObjectNode();
                        o.put("topic", result.topic());
                        if (result.kafkaPartition() == null) o.putNull("partition"); else o.put("partition", result.kafkaPartition());
                        o.set("key", write(result.keySchema(), result.key()));
                        o.set("value", write(result.valueSchema(), result.value()));
                        if (result.timestamp() == null) o.putNull("timestamp"); else o.put("timestamp", result.timestamp());
                        ArrayNode hs = o.putArray("headers");
                        for (Header h : (Iterable<Header>) result.headers()) {
                            ObjectNode ho = hs.addObject();
                            ho.put("key", h.key());
                            ho.set("value", write(h.schema(), h.value()));
                            // What SimpleHeaderConverter writes, and what it reads back from that.
                            byte[] bytes = HEADERS.fromConnectHeader(result.topic(), h.key(), h.schema(), h.value());
                            if (bytes == null) {
                                ho.putNull("text");
                                ho.putNull("read");
                            } else {
                                ho.put("text", new String(bytes, StandardCharsets.UTF_8));
                                SchemaAndValue read = HEADERS.toConnectHeader(result.topic(), h.key(), bytes);
                                ho.set("read", write(read.schema(), read.value()));
                            }
                        }
                        out.set("record", o);
                    }
                }
            } catch (Throwable e) {
                Throwable cause = e;
                out.put("error", cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage());
            }
            System.out.println(MAPPER.writeValueAsString(out));
        }
    }
}
