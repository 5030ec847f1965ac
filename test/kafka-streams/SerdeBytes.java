// What Kafka's and Kafka Streams' serdes write, for the serde differential
// test (test/serde/serdes.test.ts). Reads lines `<serde> <value…>` on stdin,
// prints the serialized bytes of each as hex (or `null`).

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.SessionWindowedSerializer;
import org.apache.kafka.streams.kstream.TimeWindowedSerializer;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.kstream.internals.TimeWindow;

public class SerdeBytes {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] parts = line.split(" ", 2);
            String text = parts.length > 1 ? parts[1] : "";
            String[] fields = text.split(" ");
            byte[] bytes = switch (parts[0]) {
                case "string" -> Serdes.String().serializer().serialize("t", text);
                case "long" -> Serdes.Long().serializer().serialize("t", Long.parseLong(text));
                case "integer" -> Serdes.Integer().serializer().serialize("t", Integer.parseInt(text));
                case "short" -> Serdes.Short().serializer().serialize("t", Short.parseShort(text));
                case "float" -> Serdes.Float().serializer().serialize("t", Float.parseFloat(text));
                case "double" -> Serdes.Double().serializer().serialize("t", Double.parseDouble(text));
                case "boolean" -> Serdes.Boolean().serializer().serialize("t", Boolean.parseBoolean(text));
                case "uuid" -> Serdes.UUID().serializer().serialize("t", UUID.fromString(text));
                case "time-windowed" -> new TimeWindowedSerializer<>(Serdes.String().serializer())
                        .serialize("t", new Windowed<>(fields[0], new TimeWindow(Long.parseLong(fields[1]), Long.parseLong(fields[1]) + Long.parseLong(fields[2]))));
                case "session-windowed" -> new SessionWindowedSerializer<>(Serdes.String().serializer())
                        .serialize("t", new Windowed<>(fields[0], new SessionWindow(Long.parseLong(fields[1]), Long.parseLong(fields[2]))));
                default -> throw new IllegalArgumentException("unknown serde " + parts[0]);
            };
            System.out.println(bytes == null ? "null" : HexFormat.of().formatHex(bytes));
        }
    }
}
