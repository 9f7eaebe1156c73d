package io.supervisorkafka.streams.gunicorn;

import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.schemas.MetricPoint;
import java.util.ArrayList;
import java.util.List;

/** {@code gunicorn.workers} by state for every app of a snapshot that has a master. */
public final class GunicornWorkerMetrics {
    private GunicornWorkerMetrics() {
    }

    public static List<MetricPoint> of(GunicornSnapshot snapshot) {
        List<MetricPoint> points = new ArrayList<>();
        for (GunicornSnapshot.App app : snapshot.apps()) {
            points.addAll(GunicornMetrics.workers(app, GunicornMetrics.tags(snapshot.server(), app.app(),
                    app.group(), app.program()), snapshot.observedAt()));
        }
        return points;
    }
}
