// Kafka Connect 4.4's number and boolean converters (connect-runtime's
// org.apache.kafka.connect.converters) as the reference for
// test/connect/json-converter.test.ts: each input line is `<class> <base64
// bytes>` (`-` for null, `~` for no bytes); prints what toConnectData reads (the schema's type
// and String.valueOf the value) and the base64 of what fromConnectData writes
// back, or `error:` and the message of the DataException and its cause.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;

public class NumberConverters {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split(" ");
            try {
                Converter converter = (Converter) Class.forName(parts[0]).getDeclaredConstructor().newInstance();
                converter.configure(Map.of(), false);
                byte[] bytes = parts[1].equals("-") ? null : parts[1].equals("~") ? new byte[0] : Base64.getDecoder().decode(parts[1]);
                SchemaAndValue read = converter.toConnectData("t", bytes);
                byte[] written = converter.fromConnectData("t", read.schema(), read.value());
                System.out.println(read.schema().type() + " " + read.schema().isOptional() + " " + read.value() + " " + (written == null ? "-" : Base64.getEncoder().encodeToString(written)));
            } catch (Exception e) {
                System.out.println("error:" + e.getMessage() + (e.getCause() == null ? "" : e.getCause().getMessage()));
            }
        }
    }
}
