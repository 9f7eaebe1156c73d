package io.supervisorkafka.streams.gunicorn;

import io.supervisorkafka.schemas.CheckStatus;
import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.ServiceCheck;
import io.supervisorkafka.streams.common.JsonStores;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Derives {@code gunicorn.is_running} from gunicorn snapshots: CRITICAL when an app has no master (a configured app
 * listed without one, or an app of the previous snapshot gone from this one) or zero workers, OK otherwise, with
 * the worker counts in the message. Emitted on first sight and on change (the alerting feed). Remembers per server
 * each app's status and supervisord program in {@link #STORE}, where the StatsD metrics find the program's tags.
 */
public final class GunicornCheckDeriver implements Processor<String, GunicornSnapshot, String, ServiceCheck> {
    public static final String STORE = "gunicorn-apps";

    private ProcessorContext<String, ServiceCheck> context;
    private KeyValueStore<String, GunicornAppsState> store;

    public static StoreBuilder<KeyValueStore<String, GunicornAppsState>> storeBuilder() {
        return JsonStores.persistent(STORE, GunicornAppsState.class);
    }

    @Override
    public void init(ProcessorContext<String, ServiceCheck> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, GunicornSnapshot> record) {
        GunicornSnapshot snapshot = record.value();
        if (snapshot == null) {
            return;
        }
        String server = snapshot.server();
        GunicornAppsState before = store.get(server);
        Map<String, GunicornAppsState.App> previous = before == null ? Map.of() : before.apps();
        Map<String, GunicornAppsState.App> now = new LinkedHashMap<>();
        for (GunicornSnapshot.App app : snapshot.apps()) {
            CheckStatus status = app.masterPid() == null || app.workers().isEmpty() ? CheckStatus.CRITICAL
                    : CheckStatus.OK;
            String message = app.masterPid() == null ? "no gunicorn master for " + app.app() + " on " + server
                    : app.working() + " working and " + app.idle() + " idle workers for " + app.app();
            now.put(app.app(), new GunicornAppsState.App(status.name(), app.group(), app.program(), app.idle(),
                    app.working()));
            emit(server, app.app(), app.group(), app.program(), status, previous.get(app.app()), message,
                    snapshot.observedAt());
        }
        previous.forEach((app, last) -> {
            if (!now.containsKey(app)) {
                emit(server, app, last.group(), last.program(), CheckStatus.CRITICAL, last,
                        "no gunicorn master for " + app + " on " + server, snapshot.observedAt());
            }
        });
        store.put(server, now.isEmpty() ? null : new GunicornAppsState(now));
    }

    private void emit(String server, String app, String group, String program, CheckStatus status,
                      GunicornAppsState.App last, String message, long at) {
        CheckStatus previous = last == null ? null : CheckStatus.valueOf(last.status());
        if (previous == status) {
            return;
        }
        ServiceCheck check = new ServiceCheck(GunicornCatalog.IS_RUNNING.name(), server, group, program,
                status, previous, message, at, app);
        context.forward(new Record<>(check.key(), check, at));
    }
}
