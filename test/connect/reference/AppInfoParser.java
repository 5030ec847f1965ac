// Lets connect-file 4.3.1 run on Kafka Connect 4.4 in the differential
// transforms test: its connectors call this class, which Kafka 4.4 moved to
// org.apache.kafka.common.utils.internals; this one forwards there.
package org.apache.kafka.common.utils;

public final class AppInfoParser {
    private AppInfoParser() {}

    public static String getVersion() {
        return org.apache.kafka.common.utils.internals.AppInfoParser.getVersion();
    }

    public static String getCommitId() {
        return org.apache.kafka.common.utils.internals.AppInfoParser.getCommitId();
    }
}
