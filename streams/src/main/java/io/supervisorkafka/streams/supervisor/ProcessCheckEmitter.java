package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ProcessStatus.LastExit;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.CheckMessages;
import io.supervisorkafka.streams.common.JsonStores;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Emits the {@code supervisord.process.status} service check of every watched process ({@link WatchRules}) when it is
 * first seen or its check status changes: the alerting feed, so it stays quiet while the status only moves within
 * OK, CRITICAL or UNKNOWN. The status of a state is Datadog's, or the server's {@code status_mapping_override}.
 *
 * <p>The check of an exit whose record the server's listener is about to publish (exit status or signal, last output
 * line) is held for at most the exit-context wait: it goes out as soon as the record arrives, with it in the message,
 * or without it when the wait expires (a wall-clock punctuation every {@value #HOLD_TICK_MS} ms, scheduled only while
 * a check is held: every punctuation makes the task commit, under exactly-once a transaction). Any other change of the process sends a held check first, so that the checks of a process
 * keep their order and each one's {@code previous} is the status of the one before ({@value #STORE} keeps it).
 */
public final class ProcessCheckEmitter implements Processor<String, ProcessStatusChange, String, ServiceCheck> {

    public static final String STORE = "process-checks";
    static final long HOLD_TICK_MS = 10;

    private final Duration exitContextWait;
    private final WatchRules watch;
    /** The processes with a held check, and when it is due: the store's, kept here so a tick needs no scan. */
    private final Map<String, Long> held = new HashMap<>();
    private ProcessorContext<String, ServiceCheck> context;
    private KeyValueStore<String, ProcessCheckState> checks;
    /** The tick that sends held checks when their wait is over; null while none is held. */
    private Cancellable tick;

    public ProcessCheckEmitter(Duration exitContextWait, WatchRules watch) {
        this.exitContextWait = exitContextWait;
        this.watch = watch;
    }

    public static StoreBuilder<KeyValueStore<String, ProcessCheckState>> storeBuilder() {
        return JsonStores.persistent(STORE, ProcessCheckState.class);
    }

    @Override
    public void init(ProcessorContext<String, ServiceCheck> context) {
        this.context = context;
        this.checks = context.getStateStore(STORE);
        try (KeyValueIterator<String, ProcessCheckState> all = checks.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && entry.value.held() != null) {
                    held.put(entry.key, entry.value.heldUntil());
                }
            });
        }
        if (!held.isEmpty()) {
            startTicking();
        }
    }

    private void startTicking() {
        if (tick == null) {
            tick = context.schedule(Duration.ofMillis(HOLD_TICK_MS), PunctuationType.WALL_CLOCK_TIME, this::sendDue);
        }
    }

    @Override
    public void process(Record<String, ProcessStatusChange> record) {
        ProcessStatusChange change = record.value();
        String key = record.key();
        ProcessStatus after = change.after();
        ProcessCheckState state = checks.get(key);
        if (state != null && state.held() != null) {
            if (change.exit() != null && change.exit().eventId().equals(state.awaitedExit()) && after != null) {
                send(key, state, explained(state, after));
                return;
            }
            send(key, state, state.held());
            state = checks.get(key);
        }
        if (after == null) {
            // A removed process has no status left to report; its last check stands until it comes back.
            checks.delete(key);
            return;
        }
        WatchRules.Rule rule = watch.forServer(after.server());
        if (!rule.watches(after.group(), after.name())) {
            return;
        }
        CheckStatus status = rule.checkStatus(after.processState());
        CheckStatus previous = state != null ? state.last()
                : change.before() == null ? null : rule.checkStatus(change.before().processState());
        if (previous == status) {
            return;
        }
        ServiceCheck check = new ServiceCheck(SupervisorCatalog.PROCESS_STATUS.name(), after.server(),
                after.group(), after.name(), status, previous, message(after, change.exitExpected()),
                after.observedAt());
        if (change.awaitedExit() != null && !exitContextWait.isZero()) {
            long until = context.currentSystemTimeMs() + exitContextWait.toMillis();
            checks.put(key, new ProcessCheckState(status, check, change.awaitedExit(), change.exitExpected(), until));
            held.put(key, until);
            startTicking();
        } else {
            checks.put(key, ProcessCheckState.sent(status));
            context.forward(record.withKey(check.key()).withValue(check));
        }
    }

    /** The held check, its message now telling why the process exited. */
    private static ServiceCheck explained(ProcessCheckState state, ProcessStatus after) {
        ServiceCheck check = state.held();
        return new ServiceCheck(check.check(), check.server(), check.group(), check.name(), check.status(),
                check.previous(), message(after, state.exitExpected()), check.timestamp());
    }

    private void send(String key, ProcessCheckState state, ServiceCheck check) {
        held.remove(key);
        checks.put(key, ProcessCheckState.sent(state.last()));
        context.forward(new Record<>(check.key(), check, check.timestamp()));
    }

    /** Sends every held check whose wait is over, without its exit record; stops ticking when none is left. */
    private void sendDue(long now) {
        List<String> due = held.entrySet().stream().filter(entry -> entry.getValue() <= now).map(Map.Entry::getKey)
                .toList();
        for (String key : due) {
            ProcessCheckState state = checks.get(key);
            if (state == null || state.held() == null) {
                held.remove(key);
            } else {
                send(key, state, state.held());
            }
        }
        if (held.isEmpty()) {
            tick.cancel();
            tick = null;
        }
    }

    /**
     * With the exit record: {@code process web:web on web-1 exited with status 3 after 2 s (not expected): ImportError:
     * no module named flask}, {@code process sleeper:sleeper on web-1 was killed by SIGKILL after 12 s (not expected)},
     * {@code ... exited with status 3 after 0.1 s, now BACKOFF: ...}. Without it, e.g. {@code process crasher:crasher
     * on web-1 is FATAL since 2026-11-22T00:41:03Z: Exited too quickly (process log may have details)}.
     */
    static String message(ProcessStatus status, Boolean exitExpected) {
        ProcessState state = status.processState();
        LastExit last = SupervisorInput.endsRun(state) ? status.lastExit() : null;
        if (last != null && last.hasCause()) {
            return exitMessage(status, last, exitExpected);
        }
        StringBuilder message = new StringBuilder("process ").append(status.group()).append(':')
                .append(status.name()).append(" on ").append(status.server()).append(" is ").append(status.state())
                .append(" since ").append(CheckMessages.iso(status.since()));
        if (status.pid() != null) {
            message.append(" (pid ").append(status.pid()).append(')');
        }
        if (status.spawnErr() != null) {
            message.append(": ").append(status.spawnErr());
        } else if (state == ProcessState.EXITED) {
            message.append(": ").append(exitExpected == null ? "exited"
                    : exitExpected ? "exited as expected" : "exited unexpectedly");
            if (status.exitStatus() != null) {
                message.append(" (exit status ").append(status.exitStatus()).append(')');
            }
        } else if (status.exitStatus() != null && !ProcessStatusMerge.hasLiveProcess(state)) {
            message.append(": last exit status ").append(status.exitStatus());
        }
        if (last != null && last.output() != null) {
            message.append(": ").append(last.output());
        }
        return message.toString();
    }

    private static String exitMessage(ProcessStatus status, LastExit last, Boolean exitExpected) {
        StringBuilder message = new StringBuilder("process ").append(status.group()).append(':')
                .append(status.name()).append(" on ").append(status.server());
        if (last.signal() != null) {
            message.append(" was killed by ").append(last.signal());
        } else {
            message.append(" exited with status ").append(last.exitStatus());
        }
        if (last.runSeconds() != null) {
            message.append(" after ").append(CheckMessages.runTime(last.runSeconds()));
        }
        Boolean expected = last.expected() != null ? last.expected() : exitExpected;
        if (expected != null) {
            message.append(expected ? " (expected)" : " (not expected)");
        }
        if (status.processState() != ProcessState.EXITED) {
            message.append(", now ").append(status.state());
        }
        if (last.output() != null) {
            message.append(": ").append(last.output());
        }
        return message.toString();
    }
}
