package io.supervisorkafka.e2e;

import io.supervisorkafka.testkit.SingleNodeKafka;
import io.supervisorkafka.testkit.Supervisord;
import io.supervisorkafka.testkit.TopicCollector;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * What an end-to-end test class runs against: a real KRaft broker, the built Streams app, a read_committed collector
 * of the topics the test reads and, once the test starts it, supervisord with the built listener. {@link #close()}
 * stops each, by pid where it is a process, in the reverse order of their start.
 */
final class EndToEndPipeline implements AutoCloseable {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private String bootstrapServers;
    private TopicCollector collector;
    private Supervisord supervisord;

    private EndToEndPipeline() {
    }

    static EndToEndPipeline start(Path dir, String applicationId, List<String> topics, String... streamsArgs)
            throws Exception {
        EndToEndPipeline pipeline = new EndToEndPipeline();
        try {
            pipeline.bootstrapServers = pipeline.track(SingleNodeKafka.start()).bootstrapServers();
            pipeline.track(Pipeline.startStreams(pipeline.bootstrapServers, dir, applicationId, streamsArgs));
            pipeline.collector = pipeline.track(new TopicCollector(pipeline.bootstrapServers, topics));
            return pipeline;
        } catch (Exception e) {
            pipeline.close();
            throw e;
        }
    }

    Supervisord startSupervisord(Path dir, String identifier, String sections) throws Exception {
        supervisord = track(Supervisord.start(dir, identifier, sections));
        return supervisord;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    TopicCollector collector() {
        return collector;
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
