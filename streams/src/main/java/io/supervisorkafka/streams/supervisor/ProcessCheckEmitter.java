package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessState;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.CheckMessages;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Emits the {@code supervisord.process.status} service check when a process is first seen or its check status
 * changes: the alerting feed, so it stays quiet while the status only moves within OK, CRITICAL or UNKNOWN.
 * Stateless: the previous status travels in the {@link ProcessStatusChange}.
 */
public final class ProcessCheckEmitter implements Processor<String, ProcessStatusChange, String, ServiceCheck> {

    private ProcessorContext<String, ServiceCheck> context;

    @Override
    public void init(ProcessorContext<String, ServiceCheck> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ProcessStatusChange> record) {
        ProcessStatusChange change = record.value();
        ProcessStatus after = change.after();
        if (after == null) {
            // A removed process has no status left to report; its last check stands until it comes back.
            return;
        }
        CheckStatus previous = change.before() == null ? null : change.before().check();
        if (previous == after.check()) {
            return;
        }
        ServiceCheck check = new ServiceCheck(SupervisorCatalog.PROCESS_STATUS.name(), after.server(),
                after.group(), after.name(), after.check(), previous, message(after, change.exitExpected()),
                after.observedAt());
        context.forward(record.withKey(check.key()).withValue(check));
    }

    /**
     * E.g. {@code process crasher:crasher on web-1 is FATAL since 2026-11-22T00:41:03Z: Exited too quickly (process
     * log may have details)}.
     */
    static String message(ProcessStatus status, Boolean exitExpected) {
        StringBuilder message = new StringBuilder("process ").append(status.group()).append(':')
                .append(status.name()).append(" on ").append(status.server()).append(" is ").append(status.state())
                .append(" since ").append(CheckMessages.iso(status.since()));
        if (status.pid() != null) {
            message.append(" (pid ").append(status.pid()).append(')');
        }
        ProcessState state = status.processState();
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
        return message.toString();
    }
}
