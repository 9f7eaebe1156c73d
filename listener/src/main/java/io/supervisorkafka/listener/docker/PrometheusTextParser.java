package io.supervisorkafka.listener.docker;

import io.supervisorkafka.schemas.DockerSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** TEMPORARY STUB until h-parser lands (same signatures); deleted on merge. */
public final class PrometheusTextParser {
    private PrometheusTextParser() {
    }

    private static Map<String, String> labels(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(name);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    public static List<DockerSnapshot.Family> parse(String page, FamilyFilter filter) throws PrometheusFormatException {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, List<DockerSnapshot.Sample>> samples = new LinkedHashMap<>();
        String[] lines = page.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
                samples.putIfAbsent(parts[2], new ArrayList<>());
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, Math.max(0, space));
            int brace = name.indexOf('{');
            String sampleName = brace < 0 ? name : name.substring(0, brace);
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).replace("+Inf", "Infinity"));
            } catch (NumberFormatException e) {
                throw new PrometheusFormatException(i + 1, "line " + (i + 1) + ": bad value");
            }
            String family = sampleName.replaceAll("_(bucket|sum|count)$", "");
            if (!types.containsKey(family)) {
                family = sampleName;
            }
            samples.computeIfAbsent(family, k -> new ArrayList<>())
                    .add(new DockerSnapshot.Sample(sampleName, labels(name), value, null));
        }
        List<DockerSnapshot.Family> families = new ArrayList<>();
        samples.forEach((name, list) -> {
            if (filter.keeps(name)) {
                families.add(new DockerSnapshot.Family(name, types.getOrDefault(name, "untyped"), null, list));
            }
        });
        return families;
    }
}
