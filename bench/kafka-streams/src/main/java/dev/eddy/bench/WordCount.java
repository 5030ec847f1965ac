package dev.eddy.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Kafka Streams' WordCount, with Eddy's word definition so the answers can be
 * compared: lowercase (Locale.ROOT, full Unicode mapping), split on runs of
 * characters that are neither Alphabetic nor Numeric, drop empty pieces.
 * Counts are written as decimal strings, like Eddy's count-by-key plugin.
 *
 * Arguments: bootstrap applicationId input output guarantee cacheBytes stateDir
 * Runs until SIGTERM.
 */
public final class WordCount {
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{IsAlphabetic}\\p{N}]+");

    static List<String> words(String line) {
        if (line == null) return List.of();
        return Arrays.stream(SEPARATORS.split(line.toLowerCase(Locale.ROOT)))
            .filter(word -> !word.isEmpty())
            .collect(Collectors.toList());
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0], applicationId = args[1], input = args[2], output = args[3], guarantee = args[4];
        long cacheBytes = Long.parseLong(args[5]);
        String stateDir = args[6];

        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
            .flatMapValues(WordCount::words)
            .groupBy((key, word) -> word, Grouped.with("words", Serdes.String(), Serdes.String()))
            .count(Materialized.as("counts"))
            .toStream()
            .mapValues(count -> Long.toString(count))
            .to(output, Produced.with(Serdes.String(), Serdes.String()));

        KafkaStreams streams = new KafkaStreams(builder.build(), properties);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            done.countDown();
        }));
        streams.setStateListener((next, previous) -> System.err.println("kafka-streams state " + previous + " -> " + next));
        streams.start();
        done.await();
    }
}
