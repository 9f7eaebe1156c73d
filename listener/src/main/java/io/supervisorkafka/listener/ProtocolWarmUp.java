package io.supervisorkafka.listener;

import io.supervisorkafka.listener.kafka.RecordMapper;
import io.supervisorkafka.listener.spool.Spool;
import io.supervisorkafka.listener.spool.SpoolEntry;
import io.supervisorkafka.listener.supervisor.protocol.EventListenerProtocol;
import io.supervisorkafka.listener.supervisor.protocol.PoolSerials;
import io.supervisorkafka.listener.supervisor.protocol.ReceivedEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Runs the protocol loop's own code ({@link Listener}'s read, check, spool frame, write, serial bookkeeping and
 * acknowledgement), and the shipper's mapping of each event to its Kafka record, over synthetic events once after
 * start, on a background thread, so that the JIT has compiled it and its classes are loaded before supervisord sends
 * a burst.
 *
 * <p>Why: a listener a few seconds old met a burst with that code still interpreted, and the compiler, kept in the
 * background so as not to take the CPU from supervisord, got a core only now and then during the burst: at
 * supervisord's default {@code buffer_size=10} it discarded 0 to 416 events of a 2,000-event burst (449 of 10,000
 * in five rounds of {@code BurstBenchmark}, broker up). The same listener warmed by 3,000 slow events before its burst
 * discarded 5 of 8,000. This does that warming itself, while the host is quiet.
 *
 * <p>Nothing of it reaches the listener's state: its own in-memory streams, scratch files in the temporary directory
 * (unlinked as soon as they are open), its own server identity and pool serials; only Jackson's shared serializer
 * caches keep what it built, which is the point. The followers are left out: they act on what they see (exit context
 * fetches, wakes). It costs, once at start on its niced thread, about 13 MB of garbage and a few hundred
 * milliseconds of CPU.
 */
final class ProtocolWarmUp {
    /** Enough for C1's thresholds (a method compiles after some hundreds to 2,000 calls). */
    static final int EVENTS = 3_000;
    static final String THREAD = "protocol-warmup";
    private static final int SCRATCH_BYTES = 256 * 1024;

    private ProtocolWarmUp() {
    }

    /** Starts the warm-up on a niced daemon thread; a failure is logged at debug and changes nothing. */
    static void startInBackground(String serverId, String instance) {
        Thread thread = new Thread(() -> {
            BackgroundThreads.lower(THREAD);
            try {
                run(EVENTS, serverId, instance);
            } catch (IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ProtocolWarmUp.class).debug("warm-up stopped: {}", e.toString());
            }
        }, THREAD);
        thread.setDaemon(true);
        thread.start();
    }

    /** Passes {@code events} synthetic events through the protocol path; returns how many it acknowledged. */
    static int run(int events, String serverId, String instance) throws IOException {
        ServerIdentity identity = new ServerIdentity(serverId, false);
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        EventListenerProtocol protocol = new EventListenerProtocol(new ByteArrayInputStream(events(events)), answers);
        Path scratch = Files.createTempFile("supervisor-kafka-warmup", ".tmp");
        Path serialsFile = Files.createTempFile("supervisor-kafka-warmup", ".serial");
        int acknowledged = 0;
        boolean mapsRecords = true;
        try (FileChannel channel = FileChannel.open(scratch, StandardOpenOption.WRITE);
             PoolSerials serials = PoolSerials.open(serialsFile)) {
            // Unlinked at once, used through the open channel and the mapping: a kill -9 leaves no file behind.
            Files.deleteIfExists(scratch);
            Files.deleteIfExists(serialsFile);
            long position = 0;
            for (ReceivedEvent event = protocol.read(); event != null; event = protocol.read()) {
                if (event.payloadDiscarded() || !event.problems().isEmpty()) {
                    continue;
                }
                long observedAt = System.currentTimeMillis();
                String eventServerId = identity.serverIdForEvent(event.server());
                ByteBuffer frame = Spool.eventFrame(observedAt, eventServerId, instance, event.headerBytes(),
                        event.headerLength(), event.payloadBytes(), event.payloadLength());
                if (position + frame.remaining() > SCRATCH_BYTES) {
                    position = 0;
                }
                position += channel.write(frame, position);
                serials.observe(instance, event.pool(), event.poolSerial());
                serials.persist(instance, event.pool(), event.poolSerial());
                event.bulk(); // as the loop asks of each event
                protocol.acknowledgeAndReady();
                answers.reset();
                if (mapsRecords) {
                    mapsRecords = mapsToRecord(new SpoolEntry.RawEvent(observedAt, eventServerId, instance,
                            event.headerCopy(), event.payloadCopy()));
                }
                acknowledged++;
            }
        } finally {
            Files.deleteIfExists(scratch);
            Files.deleteIfExists(serialsFile);
        }
        return acknowledged;
    }

    /**
     * The shipper's side of an event: decoding and JSON. Its first use, otherwise in a burst's first events, loads some
     * thirty classes on the shipper thread (Jackson's serializer for the record, generated reflection accessors) while
     * the protocol loop needs the CPU. A failure here (the shipper would meet it too, and say so) ends only this part:
     * the protocol loop's warm-up goes on.
     */
    private static boolean mapsToRecord(SpoolEntry.RawEvent raw) {
        try {
            RecordMapper.toRecord(raw);
            return true;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ProtocolWarmUp.class)
                    .debug("warm-up of the shipper's mapping stopped: {}", e.toString());
            return false;
        }
    }

    /** Events as supervisord writes them: state changes, ticks and remote communication, in turn. */
    static byte[] events(int count) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream(count * 200);
        for (int serial = 0; serial < count; serial++) {
            String payload = switch (serial % 3) {
                case 0 -> "processname:web groupname:web from_state:STARTING pid:" + (1000 + serial);
                case 1 -> "when:" + (1_700_000_000 + serial);
                default -> "type:warm-up\n" + "x".repeat(serial % 64);
            };
            String name = switch (serial % 3) {
                case 0 -> "PROCESS_STATE_RUNNING";
                case 1 -> "TICK_5";
                default -> "REMOTE_COMMUNICATION";
            };
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            String header = "ver:3.0 server:warm-up serial:" + serial + " pool:warm-up poolserial:" + serial
                    + " eventname:" + name + " len:" + payload.codePointCount(0, payload.length()) + "\n";
            stream.writeBytes(header.getBytes(StandardCharsets.UTF_8));
            stream.writeBytes(body);
        }
        return stream.toByteArray();
    }
}
