package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.SupervisorEvent;
import io.supervisorkafka.streams.ReferenceCaptures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of the reference capture (supervisord 4.2.5: programs started, crashed into FATAL, stopped, killed with
 * kill -9, then supervisord restarted; {@link ReferenceCaptures}), as the listener would publish them. The capture
 * has no observation times, so events are spaced 700 ms apart and re-anchored on each TICK's {@code when}; a serial
 * going back to 0 is a restarted supervisord, given a new instance.
 */
public final class SupervisordEventsCapture {

    public static final String RESOURCE = "/reference/supervisor-4.2.5-events.txt";
    public static final String[] INSTANCES = {"3560-1795307161000", "7585-1795307401000"};
    public static final long[] RUN_STARTS = {1795307161000L, 1795307401000L};

    private SupervisordEventsCapture() {
    }

    /** The supervisord runs of the capture, each a list of events in order. */
    public static List<List<SupervisorEvent>> runs(String server) {
        List<List<SupervisorEvent>> runs = new ArrayList<>();
        List<SupervisorEvent> run = null;
        long clock = 0;
        for (Map<String, String> header : parse()) {
            Map<String, String> payload = tokens(header.remove("PAYLOAD"));
            long serial = Long.parseLong(header.get("serial"));
            if (run == null || serial == 0) {
                run = new ArrayList<>();
                runs.add(run);
                clock = RUN_STARTS[runs.size() - 1];
            } else {
                clock += 700;
            }
            String eventName = header.get("eventname");
            if (eventName.startsWith("TICK_")) {
                clock = Math.max(clock, Long.parseLong(payload.get("when")) * 1000);
            }
            run.add(new SupervisorEvent(server, header.get("server"), INSTANCES[runs.size() - 1], serial,
                    header.get("pool"), Long.parseLong(header.get("poolserial")), eventName, header.get("ver"),
                    payload, null, clock));
        }
        return runs;
    }

    private static List<Map<String, String>> parse() {
        List<Map<String, String>> events = new ArrayList<>();
        Map<String, String> header = null;
        for (String line : ReferenceCaptures.read(RESOURCE).split("\n")) {
            if (line.startsWith("HEADER: ")) {
                header = tokens(line.substring("HEADER: ".length()));
            } else if (line.startsWith("PAYLOAD: ") && header != null) {
                header.put("PAYLOAD", line.substring("PAYLOAD: ".length()));
                events.add(header);
                header = null;
            }
        }
        return events;
    }

    private static Map<String, String> tokens(String line) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String token : line.trim().split("\\s+")) {
            int colon = token.indexOf(':');
            if (colon > 0) {
                tokens.put(token.substring(0, colon), token.substring(colon + 1));
            }
        }
        return tokens;
    }
}
