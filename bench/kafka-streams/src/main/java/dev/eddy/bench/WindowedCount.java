package dev.eddy.bench;

import java.time.Duration;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;

/**
 * The word count per tumbling window: WordCount's words, grouped by word,
 * counted in windows of windowSizeMs with graceMs of grace (store "counts", a
 * TimestampedWindowStore, retention size + grace), written with Kafka
 * Streams' time-windowed key (word ‖ 8-byte window start) and a Long count.
 *
 * Arguments: WordCount's seven, then windowSizeMs graceMs. Runs until SIGTERM.
 */
public final class WindowedCount {
    public static void main(String[] args) throws InterruptedException {
        String input = args[2], output = args[3];
        long sizeMs = Long.parseLong(args[7]), graceMs = Long.parseLong(args[8]);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
            .flatMapValues(WordCount::words)
            .groupBy((key, word) -> word, Grouped.with("words", Serdes.String(), Serdes.String()))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(sizeMs), Duration.ofMillis(graceMs)))
            .count(Materialized.as("counts"))
            .toStream()
            .to(output, Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, sizeMs), Serdes.Long()));
        WordCount.run(builder.build(), WordCount.properties(args));
    }
}
