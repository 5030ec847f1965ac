// Kafka Connect 4.4's JsonConverter as the reference for
// test/connect/json-converter.test.ts: reads `type:value` lines (string and
// bytes values in base64), writes for each the base64 of the bytes
// JsonConverter produces with schemas.enable=true, a tab, and with
// schemas.enable=false.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.json.JsonConverter;

public class JsonConverterBytes {
    public static void main(String[] args) throws Exception {
        JsonConverter withSchemas = new JsonConverter();
        withSchemas.configure(Map.of("schemas.enable", "true"), false);
        JsonConverter withoutSchemas = new JsonConverter();
        withoutSchemas.configure(Map.of("schemas.enable", "false"), false);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Base64.Encoder encoder = Base64.getEncoder();
        String line;
        while ((line = in.readLine()) != null) {
            int colon = line.indexOf(':');
            String type = line.substring(0, colon);
            String text = line.substring(colon + 1);
            Schema schema;
            Object value;
            switch (type) {
                case "string": schema = Schema.STRING_SCHEMA; value = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8); break;
                case "bytes": schema = Schema.BYTES_SCHEMA; value = Base64.getDecoder().decode(text); break;
                case "int64": schema = Schema.INT64_SCHEMA; value = Long.parseLong(text); break;
                case "double": schema = Schema.FLOAT64_SCHEMA; value = Double.parseDouble(text); break;
                case "boolean": schema = Schema.BOOLEAN_SCHEMA; value = Boolean.parseBoolean(text); break;
                case "null": schema = null; value = null; break;
                default: throw new IllegalArgumentException(type);
            }
            byte[] a = withSchemas.fromConnectData("t", schema, value);
            byte[] b = withoutSchemas.fromConnectData("t", schema, value);
            System.out.println((a == null ? "null" : encoder.encodeToString(a)) + "\t" + (b == null ? "null" : encoder.encodeToString(b)));
        }
    }
}
