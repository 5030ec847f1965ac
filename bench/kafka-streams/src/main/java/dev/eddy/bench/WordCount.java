package dev.eddy.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Kafka Streams' WordCount, with Eddy's word definition so the answers can be
 * compared: lowercase (Locale.ROOT, full Unicode mapping), split on runs of
 * characters that are neither Alphabetic nor Numeric, drop empty pieces.
 * Counts are written as decimal strings, like Eddy's count-by-key plugin.
 *
 * Arguments: bootstrap applicationId input output guarantee cacheBytes stateDir
 * Runs until SIGTERM. Prints each state change and, for each changelog
 * partition restored, "restore store partition records startMs endMs"
 * (wall-clock ms) to stderr.
 */
public final class WordCount {
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{IsAlphabetic}\\p{N}]+");

    static List<String> words(String line) {
        if (line == null) return List.of();
        return Arrays.stream(SEPARATORS.split(line.toLowerCase(Locale.ROOT)))
            .filter(word -> !word.isEmpty())
            .collect(Collectors.toList());
    }

    /** The configuration from the first seven arguments (see the class comment). */
    static Properties properties(String[] args) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, args[4]);
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.parseLong(args[5]));
        properties.put(StreamsConfig.STATE_DIR_CONFIG, args[6]);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return properties;
    }

    /** Runs `topology` until SIGTERM, reporting state changes and restores on stderr. */
    static void run(Topology topology, Properties properties) throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(topology, properties);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            done.countDown();
        }));
        streams.setStateListener((next, previous) -> System.err.println("kafka-streams state " + previous + " -> " + next));
        Map<TopicPartition, Long> restoreStarts = new ConcurrentHashMap<>();
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
                restoreStarts.put(partition, System.currentTimeMillis());
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {}

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                long end = System.currentTimeMillis();
                System.err.println("restore " + store + " " + partition.partition() + " " + totalRestored + " " + restoreStarts.getOrDefault(partition, end) + " " + end);
            }
        });
        streams.start();
        done.await();
    }

    public static void main(String[] args) throws InterruptedException {
        String input = args[2], output = args[3];
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
            .flatMapValues(WordCount::words)
            .groupBy((key, word) -> word, Grouped.with("words", Serdes.String(), Serdes.String()))
            .count(Materialized.as("counts"))
            .toStream()
            .mapValues(count -> Long.toString(count))
            .to(output, Produced.with(Serdes.String(), Serdes.String()));
        run(builder.build(), properties(args));
    }
}
