package io.supervisorkafka.listener.docker;

/** TEMPORARY STUB until h-parser lands (same signatures); deleted on merge. */
public final class PrometheusFormatException extends Exception {
    private final int line;

    public PrometheusFormatException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
