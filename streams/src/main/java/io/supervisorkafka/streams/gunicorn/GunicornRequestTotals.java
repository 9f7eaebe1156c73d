package io.supervisorkafka.streams.gunicorn;

import io.supervisorkafka.schemas.StatsdMetrics;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per app of one server (store {@link StatsdMetricsDeriver#TOTALS_STORE}, key server id), the requests, responses by
 * status code and log lines by level its StatsD intervals counted, summed over every interval since the app was first
 * seen: the Prometheus endpoint serves them as counters, which Prometheus turns into rates. The StatsD records carry
 * only each interval's counts, so the totals are kept here.
 */
public record GunicornRequestTotals(Map<String, App> apps) {

    public GunicornRequestTotals {
        apps = apps == null ? Map.of() : Map.copyOf(apps);
    }

    /**
     * @param requests  {@code gunicorn.requests} summed
     * @param statuses  {@code gunicorn.request.status.<code>} summed, by code
     * @param logs      {@code gunicorn.log.<level>} summed, by level
     * @param lastEnd   end of the last interval added, epoch ms: an interval that does not end later (a record
     *                  published twice) is not added again
     */
    public record App(double requests, Map<String, Double> statuses, Map<String, Double> logs, long lastEnd) {
        public App {
            statuses = statuses == null ? Map.of() : Map.copyOf(statuses);
            logs = logs == null ? Map.of() : Map.copyOf(logs);
        }

        static final App NONE = new App(0, Map.of(), Map.of(), Long.MIN_VALUE);

        /** These totals with the counters of {@code interval} added; unchanged for an interval already added. */
        App plus(StatsdMetrics interval) {
            if (interval.end() <= lastEnd) {
                return this;
            }
            double sumRequests = requests;
            Map<String, Double> byStatus = new TreeMap<>(statuses);
            Map<String, Double> byLevel = new TreeMap<>(logs);
            for (StatsdMetrics.Metric metric : interval.metrics()) {
                if (!StatsdMetrics.COUNTER.equals(metric.type()) || metric.value() == null || metric.value() < 0) {
                    continue;
                }
                if (GunicornCatalog.REQUESTS.matches(metric.name())) {
                    sumRequests += metric.value();
                } else if (GunicornCatalog.REQUEST_STATUS.matches(metric.name())) {
                    byStatus.merge(lastPart(metric.name()), metric.value(), Double::sum);
                } else if (GunicornCatalog.LOG.matches(metric.name())) {
                    byLevel.merge(lastPart(metric.name()), metric.value(), Double::sum);
                }
            }
            return new App(sumRequests, byStatus, byLevel, interval.end());
        }

        private static String lastPart(String name) {
            return name.substring(name.lastIndexOf('.') + 1);
        }
    }

    /**
     * These totals with one more interval of {@code interval.app()}; unchanged for an app first seen in an interval
     * without any of gunicorn's counters (the {@code statsd} pseudo-app of other names).
     */
    GunicornRequestTotals plus(StatsdMetrics interval) {
        App before = apps.get(interval.app());
        App after = (before == null ? App.NONE : before).plus(interval);
        if (before == null && after.requests() == 0 && after.statuses().isEmpty() && after.logs().isEmpty()) {
            return this;
        }
        Map<String, App> all = new TreeMap<>(apps);
        all.put(interval.app(), after);
        return new GunicornRequestTotals(all);
    }
}
