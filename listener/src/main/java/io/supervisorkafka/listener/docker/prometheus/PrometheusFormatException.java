package io.supervisorkafka.listener.docker.prometheus;

/**
 * A page that does not follow the Prometheus text exposition format. The message names the line, says what is wrong
 * and quotes the start of the line.
 */
public final class PrometheusFormatException extends Exception {
    /** How much of the offending line the message quotes. */
    static final int QUOTED_CHARS = 80;

    private final int line;

    PrometheusFormatException(int line, String problem, String lineText) {
        super("line " + line + ": " + printable(problem, problem.length()) + ": `"
                + printable(lineText, QUOTED_CHARS) + "`"
                + (lineText.length() > QUOTED_CHARS ? " (" + (lineText.length() - QUOTED_CHARS) + " more characters)"
                : ""));
        this.line = line;
    }

    /** The 1-based number of the offending line. */
    public int line() {
        return line;
    }

    /** At most {@code max} characters of {@code text}, control characters escaped: the message stays one line. */
    private static String printable(String text, int max) {
        int end = Math.min(text.length(), max);
        StringBuilder printable = new StringBuilder(end + 8);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\t') {
                printable.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                printable.append(String.format("\\u%04x", (int) c));
            } else {
                printable.append(c);
            }
        }
        return printable.toString();
    }
}
