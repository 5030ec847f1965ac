// Prints the configuration definitions of Kafka's built-in transformations
// and predicates (connect-transforms 4.4.0: each class's config()) as the
// Rust table plugins/connect-transforms-rust/src/transforms/config_defs.rs,
// so the plugin declares exactly Kafka's keys, types, defaults, importance,
// documentation, group, order, width and display names.
//   CP=connect-transforms-4.4.0.jar:connect-api-4.4.0.jar:kafka-clients-4.4.0.jar:slf4j-api.jar
//   javac -cp $CP TransformConfigDefs.java && java -cp $CP:. TransformConfigDefs > config_defs.rs
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

public class TransformConfigDefs {
  private static final String PACKAGE = "org.apache.kafka.connect.transforms.";
  /** Simple names; a sided class is read through its $Value variant (both variants share one ConfigDef). */
  private static final List<String> TRANSFORMS = List.of("Cast", "DropHeaders", "ExtractField", "Filter", "Flatten", "HeaderFrom", "HoistField", "InsertField", "InsertHeader", "MaskField", "RegexRouter", "ReplaceField", "SetSchemaMetadata", "TimestampConverter", "TimestampRouter", "ValueToKey");
  private static final List<String> SIDED = List.of("Cast", "ExtractField", "Flatten", "HeaderFrom", "HoistField", "InsertField", "MaskField", "ReplaceField", "SetSchemaMetadata", "TimestampConverter");
  private static final List<String> PREDICATES = List.of("predicates.HasHeaderKey", "predicates.RecordIsTombstone", "predicates.TopicNameMatches");

  public static void main(String[] args) throws Exception {
    System.out.println("//! Generated from connect-transforms 4.4.0 by test/connect/reference/TransformConfigDefs.java: each");
    System.out.println("//! class's `config()`, in Kafka's definition order. Do not edit; regenerate.");
    System.out.println();
    System.out.println("use super::config_def::{KeyDef, KeyDefault};");
    System.out.println();
    System.out.println("/// (simple class name without `$Key`/`$Value`, its keys).");
    System.out.println("pub const CONFIG_DEFS: &[(&str, &[KeyDef])] = &[");
    for (String name : TRANSFORMS) print(name, ((Transformation<?>) instance(name)).config());
    for (String name : PREDICATES) print(name, ((Predicate<?>) instance(name)).config());
    System.out.println("];");
  }

  private static Object instance(String name) throws Exception {
    return Class.forName(PACKAGE + name + (SIDED.contains(name) ? "$Value" : "")).getDeclaredConstructor().newInstance();
  }

  private static void print(String name, ConfigDef def) {
    System.out.println("    (" + quote(name) + ", &[");
    for (ConfigDef.ConfigKey key : def.configKeys().values()) {
      String defaultValue = !key.hasDefault() ? "KeyDefault::Required" : key.defaultValue == null ? "KeyDefault::Null" : "KeyDefault::Value(" + quote(ConfigDef.convertToString(key.defaultValue, key.type)) + ")";
      System.out.println("        KeyDef { name: " + quote(key.name) + ", type_: " + quote(key.type.name()) + ", default: " + defaultValue
          + ", importance: " + quote(key.importance.name()) + ", documentation: " + quote(key.documentation)
          + ", group: " + (key.group == null ? "None" : "Some(" + quote(key.group) + ")") + ", order_in_group: " + key.orderInGroup
          + ", width: " + quote(key.width.name()) + ", display_name: " + quote(key.displayName) + " },");
    }
    System.out.println("    ]),");
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c == '\n') out.append("\\n");
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
