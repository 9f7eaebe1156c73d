package io.supervisorkafka.streams.supervisor;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.ProcessStatus;
import io.supervisorkafka.schemas.ServiceCheck;
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
        ServiceCheck check = new ServiceCheck(ServiceCheck.PROCESS_STATUS, after.server(), after.group(),
                after.name(), after.check(), previous, CheckMessages.processStatus(after, change.exitExpected()),
                after.observedAt());
        context.forward(record.withKey(check.key()).withValue(check));
    }
}
