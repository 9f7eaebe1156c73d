package io.supervisorkafka.streams.docker;

import io.supervisorkafka.schemas.DockerSnapshot;
import io.supervisorkafka.schemas.DockerSnapshot.Family;
import io.supervisorkafka.schemas.DockerSnapshot.Sample;
import io.supervisorkafka.streams.ReferenceCaptures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The page of {@code GET /metrics} captured from dockerd 20.10 ({@link ReferenceCaptures}), as the listener publishes
 * a scrape of it: the {@code engine_daemon_*} families (its default include), in page order. The listener's own
 * exposition-format parser is out of reach of this module; this reader knows only what the capture holds: HELP and
 * TYPE lines, and samples with quoted labels and no timestamp.
 */
public final class DockerdCapture {
    public static final String RESOURCE = "/reference/docker/dockerd-20.10-metrics.txt";
    /** The page was captured from a dockerd started with {@code --metrics-addr 127.0.0.1:9323}. */
    public static final String SOURCE = "http://127.0.0.1:9323/metrics";
    private static final String KEPT = "engine_daemon_";

    private DockerdCapture() {
    }

    /** A successful scrape of the captured page. */
    public static DockerSnapshot scrape(String server, long observedAt, long durationMs) {
        return new DockerSnapshot(server, observedAt, SOURCE, DockerSnapshot.SCRAPE, durationMs, null, families());
    }

    static List<Family> families() {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (String line : ReferenceCaptures.read(RESOURCE).split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                if (parts[0].startsWith(KEPT)) {
                    (line.startsWith("# HELP ") ? helps : types).put(parts[0], parts.length > 1 ? parts[1] : "");
                    samples.putIfAbsent(parts[0], new ArrayList<>());
                }
            } else if (line.startsWith(KEPT)) {
                Sample sample = sample(line);
                samples.get(familyOf(sample.name(), types)).add(sample);
            }
        }
        List<Family> families = new ArrayList<>();
        samples.forEach((name, kept) -> families.add(new Family(name, types.getOrDefault(name, Family.UNTYPED),
                helps.get(name) == null ? null : helps.get(name).replace("\\n", "\n").replace("\\\\", "\\"), kept)));
        return families;
    }

    private static String familyOf(String sampleName, Map<String, String> types) {
        if (types.containsKey(sampleName)) {
            return sampleName;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            String family = sampleName.endsWith(suffix)
                    ? sampleName.substring(0, sampleName.length() - suffix.length()) : null;
            if (family != null && types.containsKey(family)) {
                return family;
            }
        }
        throw new IllegalStateException("no TYPE line for " + sampleName);
    }

    /** {@code name{label="value",...} value}: label values may hold spaces, commas and escapes. */
    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int valueStart;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int at = brace + 1;
            while (line.charAt(at) != '}') {
                int equals = line.indexOf('=', at);
                String label = line.substring(at, equals);
                StringBuilder value = new StringBuilder();
                at = equals + 2; // past ="
                for (char c = line.charAt(at); c != '"'; c = line.charAt(++at)) {
                    if (c == '\\') {
                        char escaped = line.charAt(++at);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                at++; // past the closing quote
                if (line.charAt(at) == ',') {
                    at++;
                }
            }
            valueStart = at + 2;
        } else {
            name = line.substring(0, space);
            valueStart = space + 1;
        }
        return new Sample(name, labels, number(line.substring(valueStart).trim()), null);
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
