// An independent reader for Eddy's checks: Apache Kafka's own Java consumer
// (the broker's kafka-clients jar), isolation.level=read_committed, reads
// every partition of a topic from the beginning up to its last stable offset
// as of the start and prints one line per record:
//   <partition> <offset> <timestamp> <key base64 or -> <value base64 or ->
// Run in source-file mode on the broker's classpath:
//   java -cp '<kafka libs>/*' scripts/chaos/ReadCommitted.java <bootstrap> <topic>
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class ReadCommitted {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    String topic = args[1];
    Base64.Encoder base64 = Base64.getEncoder();
    StringBuilder out = new StringBuilder();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) partitions.add(new TopicPartition(topic, info.partition()));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(60)));
      long deadline = System.currentTimeMillis() + 300_000;
      while (true) {
        boolean done = true;
        for (TopicPartition partition : partitions) if (consumer.position(partition, Duration.ofSeconds(60)) < ends.get(partition)) done = false;
        if (done) break;
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("reading " + topic + " did not reach the end offsets in 300 s");
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          out.append(record.partition()).append(' ').append(record.offset()).append(' ').append(record.timestamp()).append(' ')
              .append(record.key() == null ? "-" : base64.encodeToString(record.key())).append(' ')
              .append(record.value() == null ? "-" : base64.encodeToString(record.value())).append('\n');
        }
      }
    }
    System.out.print(out);
  }
}
