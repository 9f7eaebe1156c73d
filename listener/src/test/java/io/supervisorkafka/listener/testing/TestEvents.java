package io.supervisorkafka.listener.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds event bytes exactly as supervisord 4 writes them to a listener's stdin. */
public final class TestEvents {
    private TestEvents() {
    }

    /** The header and payload of one event, {@code len} counted in code points as Python's len() does. */
    public static byte[] event(String server, long serial, String eventName, String payload) {
        String header = "ver:3.0 server:" + server + " serial:" + serial + " pool:kafka poolserial:" + serial
                + " eventname:" + eventName + " len:" + codePoints(payload);
        return wire(header, payload);
    }

    public static byte[] wire(String header, String payload) {
        return (header + "\n" + payload).getBytes(StandardCharsets.UTF_8);
    }

    public static int codePoints(String text) {
        return text.codePointCount(0, text.length());
    }

    public static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        return concat(List.of(parts));
    }

    /** What a listener writes for n acknowledged events: READY, then RESULT 2\nOK and READY for each. */
    public static String acknowledgements(int events) {
        return "READY\n" + "RESULT 2\nOKREADY\n".repeat(events);
    }

    /** One captured event: the header line and the payload as supervisord 4.2.5 sent them. */
    public record CapturedEvent(String header, String payload) {
        public byte[] wire() {
            return TestEvents.wire(header, payload);
        }
    }

    /** The events of the reference capture (test resource supervisor-4.2.5-events.txt), in order. */
    public static List<CapturedEvent> referenceCapture() throws IOException {
        String text;
        try (InputStream in = TestEvents.class.getResourceAsStream("/supervisor-4.2.5-events.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<CapturedEvent> events = new ArrayList<>();
        String header = null;
        StringBuilder payload = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("HEADER: ")) {
                header = line.substring("HEADER: ".length());
            } else if (line.startsWith("PAYLOAD: ")) {
                payload = new StringBuilder(line.substring("PAYLOAD: ".length()));
            } else if (line.equals("---")) {
                events.add(new CapturedEvent(header, payload.toString()));
                header = null;
                payload = null;
            } else if (payload != null) {
                payload.append('\n').append(line);
            }
        }
        return events;
    }
}
