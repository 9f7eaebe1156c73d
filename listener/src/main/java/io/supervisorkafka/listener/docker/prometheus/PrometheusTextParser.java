package io.supervisorkafka.listener.docker.prometheus;

import io.supervisorkafka.schemas.DockerSnapshot.Family;
import io.supervisorkafka.schemas.DockerSnapshot.Sample;
import io.supervisorkafka.schemas.DockerSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser of the Prometheus text exposition format (version 0.0.4), which the Docker engine serves on its metrics
 * address. It is written here because no maintained Java library parses this format: the Prometheus Java client only
 * writes it. It follows the format's specification (prometheus.io, "Exposition formats") and the reference parser
 * ({@code expfmt/text_parse.go} in prometheus/common) in what it accepts and refuses, and is stricter where the
 * reference silently drops data: a histogram bucket without {@code le}, a summary sample without {@code quantile}, a
 * histogram sample without {@code _bucket}, {@code _sum} or {@code _count}, and a label name given twice are errors.
 * A malformed page fails as a whole, whatever the filter keeps: half a page is not passed on as if it were the page.
 *
 * <p>The page is read line by line in place (no copy, no regular expressions). Labels and samples are made only for
 * the families the filter keeps; sample names, label names and label values that repeat from line to line are reused,
 * not cut out again.
 */
public final class PrometheusTextParser {
    private static final int NONE = 0;
    private static final int BUCKET = 1;
    private static final int SUM = 2;
    private static final int COUNT = 3;

    private static final List<String> TYPES = List.of(Family.COUNTER, Family.GAUGE, Family.HISTOGRAM,
            Family.SUMMARY, Family.UNTYPED);

    private PrometheusTextParser() {
    }

    /** Parses a whole page; keeps the families the filter keeps, in page order. */
    public static List<DockerSnapshot.Family> parse(String page, FamilyFilter filter) throws PrometheusFormatException {
        return new PageParser(page, filter).parse();
    }

    /** Whether {@code c} may appear in a metric name ({@code [a-zA-Z0-9_:]}). */
    static boolean isMetricNameChar(char c) {
        return isLabelNameChar(c) || c == ':';
    }

    private static boolean isLabelNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** A family as the page builds it up. */
    private static final class FamilyState {
        final String name;
        final boolean kept;
        final List<Sample> samples;
        String type; // null until a TYPE line or a first sample
        String help;
        boolean sampled;

        FamilyState(String name, boolean kept) {
            this.name = name;
            this.kept = kept;
            this.samples = kept ? new ArrayList<>() : null;
        }
    }

    /** A name as written in the page, and the family it belongs to: for {@code x_sum}, maybe summary {@code x}. */
    private record Resolved(String name, FamilyState family, int suffix) {
    }

    /** The state of one parse. */
    private static final class PageParser {
        /** Recently resolved names: a page writes the samples of a family together, so few lookups miss. */
        private static final int RESOLVED_CACHE = 8;
        private static final int LABEL_NAME_CACHE = 32;

        private final String text;
        private final FamilyFilter filter;
        private final Map<String, FamilyState> families = new HashMap<>();
        private final List<FamilyState> pageOrder = new ArrayList<>();

        private int lineNumber;
        private int lineStart;
        private int lineEnd; // exclusive, without the \n or \r\n

        // The labels of the current sample line, as positions in the text.
        private int labelCount;
        private int[] nameStarts = new int[16];
        private int[] nameEnds = new int[16];
        private int[] valueStarts = new int[16];
        private int[] valueEnds = new int[16];
        private boolean[] valueEscaped = new boolean[16];

        private final String[] resolvedNames = new String[RESOLVED_CACHE];
        private final Resolved[] resolved = new Resolved[RESOLVED_CACHE];
        private int nextResolved;
        private final String[] labelNames = new String[LABEL_NAME_CACHE];
        private int nextLabelName;
        private String[] previousValues = new String[16];
        private final StringBuilder unescaped = new StringBuilder();

        PageParser(String text, FamilyFilter filter) {
            this.text = text;
            this.filter = filter;
        }

        List<Family> parse() throws PrometheusFormatException {
            int length = text.length();
            int position = 0;
            while (position < length) {
                lineNumber++;
                int newline = text.indexOf('\n', position);
                lineStart = position;
                lineEnd = newline < 0 ? length : newline;
                if (lineEnd > lineStart && text.charAt(lineEnd - 1) == '\r') {
                    lineEnd--;
                }
                parseLine(newline >= 0);
                position = newline < 0 ? length : newline + 1;
            }
            List<Family> kept = new ArrayList<>();
            for (FamilyState family : pageOrder) {
                // Like the reference parser: a family with a HELP or TYPE line and no sample is not a family.
                if (family.kept && !family.samples.isEmpty()) {
                    kept.add(new Family(family.name, family.type, family.help, family.samples));
                }
            }
            return kept;
        }

        private void parseLine(boolean terminated) throws PrometheusFormatException {
            int start = skipBlanks(lineStart);
            if (start == lineEnd) {
                return;
            }
            if (!terminated) {
                throw error("the page ends inside this line (the last line must end with a newline: truncated?)");
            }
            if (text.charAt(start) == '#') {
                comment(start + 1);
            } else {
                sample(start);
            }
        }

        /** A {@code # HELP} or {@code # TYPE} line; any other comment is ignored. */
        private void comment(int afterHash) throws PrometheusFormatException {
            int keywordStart = skipBlanks(afterHash);
            int keywordEnd = tokenEnd(keywordStart);
            boolean help = is(keywordStart, keywordEnd, "HELP");
            if (!help && !is(keywordStart, keywordEnd, "TYPE") || keywordEnd == lineEnd) {
                return;
            }
            String keyword = help ? "HELP" : "TYPE";
            int nameStart = skipBlanks(keywordEnd);
            int nameEnd = metricNameEnd(nameStart);
            if (nameEnd == lineEnd) {
                return; // a name and nothing to say about it: the reference parser ignores it too
            }
            if (!isBlank(text.charAt(nameEnd))) {
                throw error("invalid metric name in the " + keyword + " line at "
                        + describe(text.charAt(nameEnd)) + " (a name is [a-zA-Z_:][a-zA-Z0-9_:]*)");
            }
            int rest = skipBlanks(nameEnd);
            if (rest == lineEnd) {
                return;
            }
            Resolved name = resolve(nameStart, nameEnd);
            FamilyState family = name.family();
            if (help) {
                if (family.help != null) {
                    throw error("second HELP line for " + familyOf(name));
                }
                family.help = unescapeHelp(rest);
                return;
            }
            if (family.type != null) {
                throw error(family.sampled
                        ? "TYPE line for " + familyOf(name) + " after samples of it (TYPE comes first)"
                        : "second TYPE line for " + familyOf(name));
            }
            int typeEnd = lineEnd;
            while (isBlank(text.charAt(typeEnd - 1))) {
                typeEnd--;
            }
            for (String type : TYPES) {
                if (type.length() == typeEnd - rest && text.regionMatches(true, rest, type, 0, type.length())) {
                    family.type = type;
                    return;
                }
            }
            throw error("unknown metric type \"" + text.substring(rest, typeEnd)
                    + "\" (counter, gauge, histogram, summary or untyped)");
        }

        private String unescapeHelp(int start) throws PrometheusFormatException {
            int backslash = start;
            while (backslash < lineEnd && text.charAt(backslash) != '\\') {
                backslash++;
            }
            if (backslash == lineEnd) {
                return text.substring(start, lineEnd);
            }
            unescaped.setLength(0);
            for (int i = start; i < lineEnd; i++) {
                char c = text.charAt(i);
                if (c != '\\') {
                    unescaped.append(c);
                    continue;
                }
                if (++i == lineEnd) {
                    throw error("the HELP text ends with a lone backslash (write \\\\ for a backslash)");
                }
                char escaped = text.charAt(i);
                if (escaped == '\\') {
                    unescaped.append('\\');
                } else if (escaped == 'n') {
                    unescaped.append('\n');
                } else {
                    throw error("invalid escape \\" + printable(escaped) + " in the HELP text (only \\\\ and \\n)");
                }
            }
            return unescaped.toString();
        }

        private void sample(int start) throws PrometheusFormatException {
            int nameEnd = metricNameEnd(start);
            if (nameEnd == start) {
                throw error("expected a metric name or #, found " + describe(text.charAt(start))
                        + " (a name is [a-zA-Z_:][a-zA-Z0-9_:]*)");
            }
            int i = skipBlanks(nameEnd);
            labelCount = 0;
            if (i < lineEnd && text.charAt(i) == '{') {
                i = skipBlanks(labels(i + 1));
            }
            if (i == lineEnd) {
                throw error("no sample value");
            }
            int valueEnd = tokenEnd(i);
            double value;
            try {
                value = GoNumbers.parseFloat(text, i, valueEnd);
            } catch (NumberFormatException e) {
                throw error("invalid sample value \"" + text.substring(i, valueEnd)
                        + "\" (a decimal float, NaN, +Inf or -Inf)");
            }
            Long timestamp = null;
            i = skipBlanks(valueEnd);
            if (i < lineEnd) {
                int timestampEnd = tokenEnd(i);
                try {
                    timestamp = GoNumbers.parseInt64(text, i, timestampEnd);
                } catch (NumberFormatException e) {
                    throw error("invalid timestamp \"" + text.substring(i, timestampEnd)
                            + "\" (an integer number of milliseconds since the epoch)");
                }
                if (skipBlanks(timestampEnd) < lineEnd) {
                    throw error("unexpected text after the timestamp");
                }
            }

            Resolved name = resolve(start, nameEnd);
            FamilyState family = name.family();
            if (family.type == null) {
                family.type = Family.UNTYPED;
            }
            family.sampled = true;
            checkSummaryOrHistogram(name);
            if (family.kept) {
                family.samples.add(new Sample(name.name(), labelMap(), value, timestamp));
            }
        }

        /** Reads the label set after its '{'; returns the position after its '}'. */
        private int labels(int afterBrace) throws PrometheusFormatException {
            int i = afterBrace;
            while (true) {
                i = skipBlanks(i);
                if (i == lineEnd) {
                    throw error("unterminated label set: expected a label name or }");
                }
                if (text.charAt(i) == '}') {
                    return i + 1;
                }
                int nameStart = i;
                int nameEnd = labelNameEnd(nameStart);
                if (nameEnd == nameStart) {
                    throw error("expected a label name, found " + describe(text.charAt(i))
                            + " (a label name is [a-zA-Z_][a-zA-Z0-9_]*)");
                }
                if (is(nameStart, nameEnd, "__name__")) {
                    throw error("the label name __name__ is reserved");
                }
                for (int k = 0; k < labelCount; k++) {
                    if (regionEquals(nameStarts[k], nameEnds[k], nameStart, nameEnd)) {
                        throw error("label " + text.substring(nameStart, nameEnd) + " given twice");
                    }
                }
                i = skipBlanks(nameEnd);
                if (i == lineEnd || text.charAt(i) != '=') {
                    throw error("expected = after label name " + text.substring(nameStart, nameEnd));
                }
                i = skipBlanks(i + 1);
                if (i == lineEnd || text.charAt(i) != '"') {
                    throw error("expected \" to open the value of label " + text.substring(nameStart, nameEnd));
                }
                int valueStart = i + 1;
                boolean escaped = false;
                for (i = valueStart; ; i++) {
                    if (i >= lineEnd) {
                        throw error("unterminated value of label " + text.substring(nameStart, nameEnd)
                                + " (a quote in a value is written \\\", a newline \\n)");
                    }
                    char c = text.charAt(i);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (i + 1 == lineEnd) {
                            continue; // the next turn reports the value unterminated
                        }
                        char next = text.charAt(i + 1);
                        if (next != '"' && next != '\\' && next != 'n') {
                            throw error("invalid escape \\" + printable(next) + " in the value of label "
                                    + text.substring(nameStart, nameEnd) + " (only \\\\, \\\" and \\n)");
                        }
                        escaped = true;
                        i++;
                    }
                }
                addLabel(nameStart, nameEnd, valueStart, i, escaped);
                i = skipBlanks(i + 1);
                if (i == lineEnd) {
                    throw error("unterminated label set: expected , or }");
                }
                char separator = text.charAt(i);
                if (separator == '}') {
                    return i + 1;
                }
                if (separator != ',') {
                    throw error("expected , or } after the value of label " + text.substring(nameStart, nameEnd)
                            + ", found " + describe(separator));
                }
                i++;
            }
        }

        private void addLabel(int nameStart, int nameEnd, int valueStart, int valueEnd, boolean escaped) {
            if (labelCount == nameStarts.length) {
                int grown = labelCount * 2;
                nameStarts = Arrays.copyOf(nameStarts, grown);
                nameEnds = Arrays.copyOf(nameEnds, grown);
                valueStarts = Arrays.copyOf(valueStarts, grown);
                valueEnds = Arrays.copyOf(valueEnds, grown);
                valueEscaped = Arrays.copyOf(valueEscaped, grown);
                previousValues = Arrays.copyOf(previousValues, grown);
            }
            nameStarts[labelCount] = nameStart;
            nameEnds[labelCount] = nameEnd;
            valueStarts[labelCount] = valueStart;
            valueEnds[labelCount] = valueEnd;
            valueEscaped[labelCount] = escaped;
            labelCount++;
        }

        /** A bucket has a numeric {@code le}, a quantile a numeric {@code quantile}; nothing else hides in them. */
        private void checkSummaryOrHistogram(Resolved name) throws PrometheusFormatException {
            String type = name.family().type;
            boolean histogram = type.equals(Family.HISTOGRAM);
            if (!histogram && !type.equals(Family.SUMMARY)) {
                return;
            }
            String family = name.family().name;
            if (histogram && name.suffix() == NONE) {
                throw error(family + " is a histogram: its samples are " + family + "_bucket, " + family + "_sum and "
                        + family + "_count");
            }
            String special = histogram ? "le" : "quantile";
            int label = labelIndex(special);
            if (label < 0) {
                if (histogram && name.suffix() == BUCKET) {
                    throw error("histogram bucket without an le label");
                }
                if (!histogram && name.suffix() == NONE) {
                    throw error("summary sample without a quantile label (" + family + "_sum and " + family
                            + "_count have none; every other sample of a summary has one)");
                }
                return;
            }
            try {
                if (valueEscaped[label]) {
                    throw new NumberFormatException("escaped");
                }
                GoNumbers.parseFloat(text, valueStarts[label], valueEnds[label]);
            } catch (NumberFormatException e) {
                throw error("the " + special + " label of " + family + " is not a number: \""
                        + text.substring(valueStarts[label], valueEnds[label]) + "\"");
            }
        }

        private int labelIndex(String name) {
            for (int k = 0; k < labelCount; k++) {
                if (is(nameStarts[k], nameEnds[k], name)) {
                    return k;
                }
            }
            return -1;
        }

        private Map<String, String> labelMap() {
            if (labelCount == 0) {
                return Map.of();
            }
            @SuppressWarnings("unchecked")
            Map.Entry<String, String>[] entries = new Map.Entry[labelCount];
            for (int k = 0; k < labelCount; k++) {
                entries[k] = Map.entry(labelName(nameStarts[k], nameEnds[k]), labelValue(k));
            }
            return Map.ofEntries(entries);
        }

        private String labelName(int start, int end) {
            for (String name : labelNames) {
                if (name != null && name.length() == end - start && text.regionMatches(start, name, 0, end - start)) {
                    return name;
                }
            }
            String name = text.substring(start, end);
            labelNames[nextLabelName] = name;
            nextLabelName = (nextLabelName + 1) % LABEL_NAME_CACHE;
            return name;
        }

        /** The unescaped value of label {@code k}: the previous sample's value at that place when it is the same. */
        private String labelValue(int k) {
            int start = valueStarts[k];
            int end = valueEnds[k];
            String previous = previousValues[k];
            String value;
            if (valueEscaped[k]) {
                unescaped.setLength(0);
                for (int i = start; i < end; i++) {
                    char c = text.charAt(i);
                    if (c == '\\') {
                        c = text.charAt(++i);
                        unescaped.append(c == 'n' ? '\n' : c);
                    } else {
                        unescaped.append(c);
                    }
                }
                value = unescaped.toString();
            } else if (previous != null && previous.length() == end - start
                    && text.regionMatches(start, previous, 0, end - start)) {
                return previous;
            } else {
                value = text.substring(start, end);
            }
            previousValues[k] = value;
            return value;
        }

        /**
         * The family a sample or comment name belongs to, as the reference parser finds it: the family of that name,
         * else for {@code x_sum} and {@code x_count} the summary or histogram {@code x}, for {@code x_bucket} the
         * histogram {@code x}, else a new family of that name.
         */
        private Resolved resolve(int start, int end) {
            int length = end - start;
            for (int k = 0; k < RESOLVED_CACHE; k++) {
                String name = resolvedNames[k];
                if (name != null && name.length() == length && text.regionMatches(start, name, 0, length)) {
                    return resolved[k];
                }
            }
            String name = text.substring(start, end);
            Resolved found = resolveName(name);
            resolvedNames[nextResolved] = name;
            resolved[nextResolved] = found;
            nextResolved = (nextResolved + 1) % RESOLVED_CACHE;
            return found;
        }

        private Resolved resolveName(String name) {
            FamilyState family = families.get(name);
            if (family != null) {
                return new Resolved(name, family, NONE);
            }
            int suffix = name.endsWith("_bucket") ? BUCKET
                    : name.endsWith("_count") ? COUNT
                    : name.endsWith("_sum") ? SUM
                    : NONE;
            if (suffix != NONE) {
                int suffixLength = suffix == BUCKET ? 7 : suffix == COUNT ? 6 : 4;
                FamilyState base = name.length() > suffixLength
                        ? families.get(name.substring(0, name.length() - suffixLength))
                        : null;
                if (base != null && (Family.HISTOGRAM.equals(base.type)
                        || suffix != BUCKET && Family.SUMMARY.equals(base.type))) {
                    return new Resolved(name, base, suffix);
                }
            }
            family = new FamilyState(name, filter.keeps(name));
            families.put(name, family);
            pageOrder.add(family);
            return new Resolved(name, family, NONE);
        }

        private static String familyOf(Resolved name) {
            FamilyState family = name.family();
            return family.name.equals(name.name()) ? family.name
                    : family.name + " (" + name.name() + " is part of " + family.type + " " + family.name + ")";
        }

        private int skipBlanks(int i) {
            while (i < lineEnd && isBlank(text.charAt(i))) {
                i++;
            }
            return i;
        }

        private int tokenEnd(int i) {
            while (i < lineEnd && !isBlank(text.charAt(i))) {
                i++;
            }
            return i;
        }

        /** The end of the metric name at {@code start}, or {@code start} when none starts there. */
        private int metricNameEnd(int start) {
            return nameEnd(start, true);
        }

        private int labelNameEnd(int start) {
            return nameEnd(start, false);
        }

        /** Metric and label names are alike but for the colon, which only metric names may hold. */
        private int nameEnd(int start, boolean colon) {
            int i = start;
            while (i < lineEnd && (colon ? isMetricNameChar(text.charAt(i)) : isLabelNameChar(text.charAt(i)))
                    && !(i == start && isDigit(text.charAt(i)))) {
                i++;
            }
            return i;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private boolean is(int start, int end, String word) {
            return end - start == word.length() && text.regionMatches(start, word, 0, word.length());
        }

        private boolean regionEquals(int start1, int end1, int start2, int end2) {
            return end1 - start1 == end2 - start2 && text.regionMatches(start1, text, start2, end1 - start1);
        }

        private static String describe(char c) {
            return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }

        private static String printable(char c) {
            return c < 0x20 || c == 0x7f ? String.format("<U+%04X>", (int) c) : String.valueOf(c);
        }

        private PrometheusFormatException error(String problem) {
            return new PrometheusFormatException(lineNumber, problem, text.substring(lineStart, lineEnd));
        }
    }
}
