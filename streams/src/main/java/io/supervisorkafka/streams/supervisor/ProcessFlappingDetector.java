package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.CheckMessages;
import io.supervisorkafka.streams.common.JsonStores;
import io.supervisorkafka.streams.supervisor.FlappingUpdate.FlappingChanged;
import io.supervisorkafka.streams.supervisor.FlappingUpdate.RestartsCounted;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ExitExplained;
import io.supervisorkafka.streams.supervisor.SupervisorInput.ProcessStateObserved;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * {@code supervisord.process.flapping} per watched process: CRITICAL once supervisord restarted it by itself
 * (STARTING from EXITED or BACKOFF), or it exited unexpectedly (EXITED not expected, or BACKOFF), the policy's
 * threshold of times within its window; OK again after its quiet time without either. A start from STOPPED (a start
 * by hand, or every start of a supervisord that itself (re)started, whose instance is new) is no restart. Sent when
 * it turns CRITICAL and when it turns OK, each record's {@code previous} the status of the one before; a process that
 * never flapped has none.
 *
 * <p>The window counts by the events' {@code observedAt}; the quiet time is judged on the wall clock, every
 * punctuation interval, since silence produces no record. The restarts within the window are forwarded on every
 * restart, for {@code supervisord.process.restarts}. The last exit record of the process (exit status or signal, last
 * output line) is kept for the message.
 */
public final class ProcessFlappingDetector implements Processor<String, SupervisorInput, String, FlappingUpdate> {

    public static final String STORE = "process-flapping";
    /** The most restarts (and unexpected exits) remembered per process: the restart count saturates there. */
    static final int MAX_REMEMBERED = 1000;

    private final FlappingPolicy policy;
    private final Duration punctuateInterval;
    private final WatchRules watch;
    private ProcessorContext<String, FlappingUpdate> context;
    private KeyValueStore<String, ProcessFlapping> processes;

    public ProcessFlappingDetector(FlappingPolicy policy, Duration punctuateInterval, WatchRules watch) {
        this.policy = policy;
        this.punctuateInterval = punctuateInterval;
        this.watch = watch;
    }

    public static StoreBuilder<KeyValueStore<String, ProcessFlapping>> storeBuilder() {
        return JsonStores.persistent(STORE, ProcessFlapping.class);
    }

    @Override
    public void init(ProcessorContext<String, FlappingUpdate> context) {
        this.context = context;
        this.processes = context.getStateStore(STORE);
        context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::quietDown);
    }

    @Override
    public void process(Record<String, SupervisorInput> record) {
        if (record.value() instanceof ProcessStateObserved event
                && watch.watches(event.server(), event.group(), event.name())) {
            onEvent(record, event);
        } else if (record.value() instanceof ExitExplained explained
                && watch.watches(explained.server(), explained.exit().group(), explained.exit().name())) {
            onExitRecord(explained.server(), explained.exit());
        }
    }

    private void onEvent(Record<String, SupervisorInput> record, ProcessStateObserved event) {
        boolean restart = event.state() == ProcessState.STARTING
                && (event.fromState() == ProcessState.EXITED || event.fromState() == ProcessState.BACKOFF);
        boolean unexpectedExit = event.state() == ProcessState.BACKOFF
                || (event.state() == ProcessState.EXITED && Boolean.FALSE.equals(event.exitExpected()));
        if (!restart && !unexpectedExit) {
            return;
        }
        String key = ProcessStatus.key(event.server(), event.group(), event.name());
        ProcessFlapping current = processes.get(key);
        long at = event.observedAt();
        ProcessFlapping next = (current == null ? ProcessFlapping.first(event.server(), event.group(), event.name())
                : current).occurred(restart, unexpectedExit, at, at - policy.window().toMillis(), MAX_REMEMBERED);
        if (restart) {
            context.forward(record.withKey(event.server()).withValue(new RestartsCounted(event.server(),
                    event.group(), event.name(), next.restarts().size(), at)));
        }
        if (next.status() != CheckStatus.CRITICAL && Math.max(next.restarts().size(),
                next.unexpectedExits().size()) >= policy.threshold()) {
            ServiceCheck check = check(next, CheckStatus.CRITICAL, flappingMessage(next), at);
            next = next.withStatus(CheckStatus.CRITICAL, at);
            context.forward(record.withKey(check.key()).withValue(new FlappingChanged(check)));
        }
        processes.put(key, next);
    }

    private void onExitRecord(String server, ProcessExit exit) {
        String key = ProcessStatus.key(server, exit.group(), exit.name());
        ProcessFlapping current = processes.get(key);
        if (current != null && exit.observedAt() >= current.lastExitAt()) {
            processes.put(key, current.withLastExit(exit.exitStatus(), exit.signal(), exit.lastOutputLine(),
                    exit.observedAt()));
        }
    }

    /** Turns OK what has been quiet long enough, and forgets what fell out of the window. */
    private void quietDown(long now) {
        List<KeyValue<String, ProcessFlapping>> changed = new ArrayList<>();
        // Read before any is written: the store is not to be changed under an open iterator.
        try (KeyValueIterator<String, ProcessFlapping> all = processes.all()) {
            all.forEachRemaining(entry -> {
                ProcessFlapping process = entry.value;
                if (process != null && (process.inWindow() || process.status() != CheckStatus.OK)) {
                    changed.add(KeyValue.pair(entry.key, process));
                }
            });
        }
        for (KeyValue<String, ProcessFlapping> entry : changed) {
            ProcessFlapping process = entry.value;
            long lastOccurrence = process.lastAt();
            ProcessFlapping next = process.after(now - policy.window().toMillis());
            if (process.status() == CheckStatus.CRITICAL && now - lastOccurrence >= policy.quiet().toMillis()) {
                ServiceCheck check = check(process, CheckStatus.OK, "process " + process.group() + ":"
                        + process.name() + " on " + process.server() + " is no longer flapping: no restart or "
                        + "unexpected exit since " + CheckMessages.iso(lastOccurrence), now);
                next = next.withStatus(CheckStatus.OK, now);
                context.forward(new Record<>(check.key(), new FlappingChanged(check), now));
            }
            if (next.status() == null && !next.inWindow()) {
                processes.delete(entry.key); // never flapped, nothing left in the window
            } else if (!next.equals(process)) {
                processes.put(entry.key, next);
            }
        }
    }

    /**
     * E.g. {@code process web:web on web-1 is flapping: restarted 4 times and exited unexpectedly 4 times within 5
     * min (threshold 3); last exit status 1: fatal: database unreachable}.
     */
    String flappingMessage(ProcessFlapping process) {
        List<String> counts = new ArrayList<>();
        if (!process.restarts().isEmpty()) {
            counts.add("restarted " + times(process.restarts().size()));
        }
        if (!process.unexpectedExits().isEmpty()) {
            counts.add("exited unexpectedly " + times(process.unexpectedExits().size()));
        }
        StringBuilder message = new StringBuilder("process ").append(process.group()).append(':')
                .append(process.name()).append(" on ").append(process.server()).append(" is flapping: ")
                .append(String.join(" and ", counts)).append(" within ").append(CheckMessages.span(policy.window()))
                .append(" (threshold ").append(policy.threshold()).append(')');
        if (process.lastExitSignal() != null) {
            message.append("; last killed by ").append(process.lastExitSignal());
        } else if (process.lastExitStatus() != null) {
            message.append("; last exit status ").append(process.lastExitStatus());
        }
        if (process.lastOutput() != null) {
            message.append(process.lastExitSignal() == null && process.lastExitStatus() == null ? "; last output: "
                    : ": ").append(process.lastOutput());
        }
        return message.toString();
    }

    private static String times(int count) {
        return count == 1 ? "once" : count + " times";
    }

    private ServiceCheck check(ProcessFlapping process, CheckStatus status, String message, long at) {
        return new ServiceCheck(SupervisorCatalog.PROCESS_FLAPPING.name(), process.server(), process.group(),
                process.name(), status, process.status(), message, at);
    }
}
