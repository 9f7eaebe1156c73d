package io.supervisorkafka.listener;

import io.supervisorkafka.listener.kafka.RecordMapper;
import io.supervisorkafka.listener.spool.Spool;
import io.supervisorkafka.listener.spool.SpoolConfig;
import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.spool.SpoolFullPolicy;
import io.supervisorkafka.listener.supervisor.protocol.EventEnvelope;
import io.supervisorkafka.listener.supervisor.protocol.EventListenerProtocol;
import io.supervisorkafka.listener.supervisor.protocol.PoolSerials;
import io.supervisorkafka.listener.supervisor.protocol.ReceivedEvent;
import io.supervisorkafka.listener.testing.TestEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes the JVM allocates per event on the listener's two paths, over the events of the reference capture
 * (supervisord 4.2.5): the protocol loop's whole turn as {@code Listener} takes it (read, check, append to a spool in
 * a temporary directory, the pool serial noted and persisted, acknowledgement); the shipper's decoding and JSON of
 * each event. Every collection of the listener's small young generation stops the protocol loop,
 * and in a burst at supervisord's default {@code buffer_size=10} a pause of a few milliseconds is enough for
 * supervisord to discard events, so allocation per event is the figure that sets how often that happens. Counted
 * with the thread's own allocation counter ({@code com.sun.management.ThreadMXBean}), after warm-up rounds: exact
 * and repeatable, unlike a timing.
 *
 * <p>Run: {@code MAVEN_OPTS="-XX:TieredStopAtLevel=1" ./mvnw -q -pl listener exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.supervisorkafka.listener.AllocationPerEventBenchmark
 * -Dexec.args="20000 4"} (events per round, rounds; the first round is the cold start, the last the steady state).
 * {@code exec:java} runs it in Maven's JVM: {@code MAVEN_OPTS} gives it the listener's JIT (C1 only, which does no
 * escape analysis, so every object the code makes counts, as in the listener).
 */
public final class AllocationPerEventBenchmark {
    private AllocationPerEventBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path spoolDir = Files.createTempDirectory("allocation-bench-spool");
        try {
            run(args, spoolDir);
        } finally {
            try (var files = Files.walk(spoolDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void run(String[] args, Path spoolDir) throws IOException {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<TestEvents.CapturedEvent> capture = TestEvents.referenceCapture();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < events; i++) {
            wire.writeBytes(capture.get(i % capture.size()).wire());
        }
        byte[] input = wire.toByteArray();
        try (Spool spool = Spool.open(new SpoolConfig(spoolDir, 1L << 30, 64L << 20, SpoolFullPolicy.DROP_OLDEST,
                Duration.ofHours(1)))) {
            try (PoolSerials serials = PoolSerials.open(spoolDir.resolve(PoolSerials.FILE_NAME))) {
                measure(input, events, rounds, capture.size(), spool, serials);
            }
        }
    }

    private static void measure(byte[] input, int events, int rounds, int captured, Spool spool, PoolSerials serials)
            throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        System.out.printf("%d events a round, the %d events of supervisor-4.2.5-events.txt in turn%n", events,
                captured);
        for (int round = 1; round <= rounds; round++) {
            EventListenerProtocol protocol = new EventListenerProtocol(new ByteArrayInputStream(input),
                    OutputStream.nullOutputStream());
            long start = threads.getThreadAllocatedBytes(self);
            // What Listener.store does for each event: read and check it, append it, note its serial, acknowledge.
            for (ReceivedEvent event = protocol.read(); event != null; event = protocol.read()) {
                if (event.problems().isEmpty()) {
                    spool.appendEvent(1_700_000_000_000L, "web-1", "1234-1700000000", event.headerBytes(),
                            event.headerLength(), event.payloadBytes(), event.payloadLength(), event.bulk());
                    serials.observe("1234-1700000000", event.pool(), event.poolSerial());
                    serials.persist("1234-1700000000", event.pool(), event.poolSerial());
                }
                protocol.acknowledgeAndReady();
            }
            long afterLoop = threads.getThreadAllocatedBytes(self);
            List<SpoolEntry.RawEvent> raws = new ArrayList<>(events);
            EventListenerProtocol again = new EventListenerProtocol(new ByteArrayInputStream(input),
                    OutputStream.nullOutputStream());
            for (EventEnvelope event = again.readEvent(); event != null; event = again.readEvent()) {
                raws.add(new SpoolEntry.RawEvent(1_700_000_000_000L, "web-1", "1234-1700000000", event.headerLine(),
                        event.payload()));
            }
            long beforeRecords = threads.getThreadAllocatedBytes(self);
            long json = 0;
            for (SpoolEntry.RawEvent raw : raws) {
                json += RecordMapper.toRecord(raw).value().length;
            }
            long afterRecords = threads.getThreadAllocatedBytes(self);
            long written = 0;
            for (SpoolEntry.RawEvent raw : raws) {
                written += Spool.frame(raw).length; // what the append wrote, after the count
            }
            System.out.printf("round %d: protocol loop %d B/event (read, check, spool append of %d B, serial, acknowledge);"
                            + " shipper %d B/event (decode and JSON, for %d B of JSON)%n",
                    round, (afterLoop - start) / events, written / events, (afterRecords - beforeRecords) / events,
                    json / events);
        }
    }
}
