// Kafka Connect 4.4's JsonConverter as the reference for the converter's
// settings in test/connect/json-converter.test.ts: one JsonConverter
// configured with schemas.enable=true and the key=value arguments (e.g.
// decimal.format=NUMERIC, replace.null.with.default=false) reads each line
// (the base64 of an envelope's bytes) with toConnectData and writes it back
// with fromConnectData; prints the base64 of the bytes, or `error:` and the
// message.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

public class JsonConverterRoundTrip {
    public static void main(String[] args) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("schemas.enable", "true");
        for (String arg : args) {
            int equals = arg.indexOf('=');
            config.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        JsonConverter converter = new JsonConverter();
        converter.configure(config, false);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            try {
                SchemaAndValue read = converter.toConnectData("t", Base64.getDecoder().decode(line));
                byte[] written = converter.fromConnectData("t", read.schema(), read.value());
                System.out.println(written == null ? "null" : Base64.getEncoder().encodeToString(written));
            } catch (Exception e) {
                System.out.println("error:" + e.getMessage());
            }
        }
    }
}
