package io.supervisorkafka.tools;

/** slf4j-simple settings: every log line to stderr, Kafka's own chatter only from WARN up. */
final class StderrLogging {
    private StderrLogging() {
    }

    static void install() {
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setDefault("org.slf4j.simpleLogger.log.io.supervisorkafka", "info");
        // A broker that does not answer is said once, in one line (BrokerCheck), not as a WARN per reconnect attempt.
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
