package io.supervisorkafka.listener.docker.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.supervisorkafka.schemas.DockerSnapshot.Family;
import io.supervisorkafka.schemas.DockerSnapshot.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser on a real page of dockerd 20.10 and on small pages for every feature of the text format, and every way
 * a page can be malformed.
 *
 * <p>{@code src/test/resources/docker/dockerd-20.10-metrics.txt} is one page of {@code GET /metrics} captured from
 * dockerd 20.10.24 (Debian 12 {@code docker.io}) started with {@code --metrics-addr 127.0.0.1:9323}, kept byte for byte
 * as served (see the README next to it).
 */
class PrometheusTextParserTest {
    static final FamilyFilter EVERYTHING = FamilyFilter.of(List.of("*"), List.of());

    static String capture() throws IOException {
        try (InputStream in = PrometheusTextParserTest.class.getResourceAsStream("/docker/dockerd-20.10-metrics.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<Family> parse(String page) throws PrometheusFormatException {
        return PrometheusTextParser.parse(page, EVERYTHING);
    }

    static Family family(List<Family> families, String name) {
        return families.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name));
    }

    static Sample sample(String name, Map<String, String> labels, double value) {
        return new Sample(name, labels, value, null);
    }

    @Test
    void theDefaultFilterKeepsTheEngineFamiliesOfTheCapturedPage() throws Exception {
        List<Family> families = PrometheusTextParser.parse(capture(), FamilyFilter.DEFAULT);

        assertThat(families).extracting(Family::name).containsExactly(
                "engine_daemon_container_actions_seconds",
                "engine_daemon_container_states_containers",
                "engine_daemon_engine_cpus_cpus",
                "engine_daemon_engine_info",
                "engine_daemon_engine_memory_bytes",
                "engine_daemon_events_subscribers_total",
                "engine_daemon_events_total",
                "engine_daemon_health_checks_failed_total",
                "engine_daemon_health_checks_total",
                "engine_daemon_host_info_functions_seconds");
        assertThat(families.stream().mapToInt(f -> f.samples().size()).sum()).isEqualTo(122);

        // The page was taken after containers had been created, started and deleted: none is left in any state.
        Family states = family(families, "engine_daemon_container_states_containers");
        assertThat(states.type()).isEqualTo(Family.GAUGE);
        assertThat(states.help()).isEqualTo("The count of containers in various states");
        assertThat(states.samples()).containsExactly(
                sample("engine_daemon_container_states_containers", Map.of("state", "paused"), 0),
                sample("engine_daemon_container_states_containers", Map.of("state", "running"), 0),
                sample("engine_daemon_container_states_containers", Map.of("state", "stopped"), 0));

        Family info = family(families, "engine_daemon_engine_info");
        assertThat(info.samples()).containsExactly(sample("engine_daemon_engine_info", Map.of(
                "architecture", "x86_64",
                "commit", "5d6db84",
                "daemon_id", "H34V:Y5JP:PBHX:4S2B:45FD:ARUB:3BYR:LDT2:M4UL:NQA6:N7Y4:ME52",
                "graphdriver", "overlay2",
                "kernel", "6.18.44-fc-v657",
                "os", "Debian GNU/Linux 12 (bookworm)",
                "os_type", "linux",
                "os_version", "12",
                "version", "20.10.24+dfsg1"), 1));

        Family actions = family(families, "engine_daemon_container_actions_seconds");
        assertThat(actions.type()).isEqualTo(Family.HISTOGRAM);
        assertThat(actions.help()).isEqualTo("The number of seconds it takes to process each container action");
        assertThat(actions.samples()).hasSize(5 * 14);
        List<Sample> start = actions.samples().stream().filter(s -> s.labels().get("action").equals("start")).toList();
        assertThat(start).extracting(s -> s.labels().get("le")).containsExactly(
                "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf", null, null);
        assertThat(start.subList(0, 12)).allSatisfy(bucket -> {
            assertThat(bucket.name()).isEqualTo("engine_daemon_container_actions_seconds_bucket");
            assertThat(bucket.value()).isEqualTo(1);
        });
        assertThat(start.subList(12, 14)).containsExactly(
                sample("engine_daemon_container_actions_seconds_sum", Map.of("action", "start"), 0),
                sample("engine_daemon_container_actions_seconds_count", Map.of("action", "start"), 1));

        Family hostInfo = family(families, "engine_daemon_host_info_functions_seconds");
        assertThat(hostInfo.samples()).contains(
                sample("engine_daemon_host_info_functions_seconds_sum", Map.of("function", "operating_system"),
                        4.1552e-05),
                sample("engine_daemon_host_info_functions_seconds_count", Map.of("function", "operating_system"), 1));

        Family events = family(families, "engine_daemon_events_total");
        assertThat(events.type()).isEqualTo(Family.COUNTER);
        assertThat(events.help()).isEqualTo("The number of events logged");
        assertThat(events.samples()).containsExactly(sample("engine_daemon_events_total", Map.of(), 0));
        assertThat(family(families, "engine_daemon_engine_memory_bytes").samples())
                .containsExactly(sample("engine_daemon_engine_memory_bytes", Map.of(), 2.5276510208e+10));
        assertThat(family(families, "engine_daemon_engine_cpus_cpus").samples().get(0).value()).isEqualTo(2);
    }

    @Test
    void includeStarKeepsEveryFamilyOfTheCapturedPage() throws Exception {
        List<Family> families = parse(capture());

        assertThat(families).hasSize(72);
        assertThat(families.stream().mapToInt(f -> f.samples().size()).sum()).isEqualTo(395);
        assertThat(families.get(0).name()).isEqualTo("builder_builds_failed_total");
        assertThat(families).extracting(Family::type).containsOnly(Family.COUNTER, Family.GAUGE, Family.HISTOGRAM,
                Family.SUMMARY);
        assertThat(families).filteredOn(f -> f.type().equals(Family.COUNTER)).hasSize(14);
        assertThat(families).filteredOn(f -> f.type().equals(Family.HISTOGRAM)).hasSize(15);
        // The filter only selects: the engine families are the same either way.
        assertThat(families).filteredOn(f -> f.name().startsWith("engine_daemon_"))
                .isEqualTo(PrometheusTextParser.parse(capture(), FamilyFilter.DEFAULT));

        Family gc = family(families, "go_gc_duration_seconds");
        assertThat(gc.type()).isEqualTo(Family.SUMMARY);
        assertThat(gc.help()).isEqualTo("A summary of the pause duration of garbage collection cycles.");
        assertThat(gc.samples()).containsExactly(
                sample("go_gc_duration_seconds", Map.of("quantile", "0"), 0.000102342),
                sample("go_gc_duration_seconds", Map.of("quantile", "0.25"), 0.000103544),
                sample("go_gc_duration_seconds", Map.of("quantile", "0.5"), 0.00011397),
                sample("go_gc_duration_seconds", Map.of("quantile", "0.75"), 0.000116873),
                sample("go_gc_duration_seconds", Map.of("quantile", "1"), 0.000116873),
                sample("go_gc_duration_seconds_sum", Map.of(), 0.000436729),
                sample("go_gc_duration_seconds_count", Map.of(), 4));
        assertThat(family(families, "process_cpu_seconds_total").samples())
                .containsExactly(sample("process_cpu_seconds_total", Map.of(), 0.12));
        assertThat(family(families, "go_memstats_alloc_bytes_total").samples().get(0).value()).isEqualTo(16383136);
        assertThat(family(families, "go_info").samples())
                .containsExactly(sample("go_info", Map.of("version", "go1.19.8"), 1));
        assertThat(family(families, "swarm_dispatcher_scheduling_delay_seconds").samples().get(0))
                .isEqualTo(sample("swarm_dispatcher_scheduling_delay_seconds_bucket", Map.of("le", "0.005"), 0));
    }

    @Test
    void samplesWithoutTypeAreUntypedFamiliesOfTheirOwn() throws Exception {
        List<Family> families = parse("""
                minimal_metric 1.234
                another_metric -3e3 103948
                # Even that:
                no_labels{} 3
                # HELP line for non-existing metric will be ignored.
                # HELP lonely_metric has help but no sample, so it is no family
                # TYPE lonely_metric gauge
                x_sum 1
                x_count 2
                x_bucket{le="1"} 3
                """);

        assertThat(families).containsExactly(
                new Family("minimal_metric", Family.UNTYPED, null, List.of(sample("minimal_metric", Map.of(), 1.234))),
                new Family("another_metric", Family.UNTYPED, null,
                        List.of(new Sample("another_metric", Map.of(), -3000, 103948L))),
                new Family("no_labels", Family.UNTYPED, null, List.of(sample("no_labels", Map.of(), 3))),
                new Family("x_sum", Family.UNTYPED, null, List.of(sample("x_sum", Map.of(), 1))),
                new Family("x_count", Family.UNTYPED, null, List.of(sample("x_count", Map.of(), 2))),
                new Family("x_bucket", Family.UNTYPED, null, List.of(sample("x_bucket", Map.of("le", "1"), 3))));
    }

    @Test
    void helpAndTypeLines() throws Exception {
        List<Family> families = parse("""
                # HELP name_with:colon Two lines:\\nand a backslash \\\\ and "quotes"
                # TYPE name_with:colon COUNTER\t\s
                name_with:colon 1
                # A comment, and three more that are comments too:
                #
                # HELP
                # TYPE only_a_name
                #HELP tight Spaces around the hash are optional
                \t # TYPE tight gauge
                tight 2
                # HELP spaced      several   blanks are kept after the first ones
                spaced 3
                """);

        assertThat(families).containsExactly(
                new Family("name_with:colon", Family.COUNTER, "Two lines:\nand a backslash \\ and \"quotes\"",
                        List.of(sample("name_with:colon", Map.of(), 1))),
                new Family("tight", Family.GAUGE, "Spaces around the hash are optional",
                        List.of(sample("tight", Map.of(), 2))),
                new Family("spaced", Family.UNTYPED, "several   blanks are kept after the first ones",
                        List.of(sample("spaced", Map.of(), 3))));
    }

    @Test
    void labelsWithEscapesTrailingCommaAndBlanks() throws Exception {
        List<Family> families = parse("""
                # TYPE msdos_file_access_time_seconds gauge
                msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
                with_trailing_comma{a="1",b="2",} 1
                \twith_blanks \t{ a = "x y" ,\tb="" , } \t 2 \t 17 \t
                empty_set{} 3
                tight{a="1"}4
                unicode{city="Zürich",emoji="🐳"} 5
                """);

        assertThat(families).extracting(f -> f.samples().get(0)).containsExactly(
                sample("msdos_file_access_time_seconds", Map.of("path", "C:\\DIR\\FILE.TXT",
                        "error", "Cannot find file:\n\"FILE.TXT\""), 1.458255915e9),
                sample("with_trailing_comma", Map.of("a", "1", "b", "2"), 1),
                new Sample("with_blanks", Map.of("a", "x y", "b", ""), 2, 17L),
                sample("empty_set", Map.of(), 3),
                sample("tight", Map.of("a", "1"), 4),
                sample("unicode", Map.of("city", "Zürich", "emoji", "🐳"), 5));
    }

    static Stream<Arguments> values() {
        return Stream.of(
                arguments("0", 0.0), arguments("-0", -0.0), arguments("1", 1.0), arguments("+1", 1.0),
                arguments("1.", 1.0), arguments(".5", 0.5), arguments("-3e3", -3000.0), arguments("1E+2", 100.0),
                arguments("1.5e-7", 1.5e-7), arguments("2.5276510208e+10", 2.5276510208e10),
                arguments("0.000102342", 0.000102342), arguments("123456789012345678901234567890", 1.2345678901234568e29),
                arguments("1e-400", 0.0), arguments("4.9e-324", Double.MIN_VALUE),
                arguments("1.7976931348623157e308", Double.MAX_VALUE),
                arguments("NaN", Double.NaN), arguments("nan", Double.NaN),
                arguments("+Inf", Double.POSITIVE_INFINITY), arguments("-Inf", Double.NEGATIVE_INFINITY),
                arguments("Inf", Double.POSITIVE_INFINITY), arguments("+infinity", Double.POSITIVE_INFINITY),
                arguments("-INFINITY", Double.NEGATIVE_INFINITY), arguments("1.e5", 1e5));
    }

    @ParameterizedTest
    @MethodSource
    void values(String written, double expected) throws Exception {
        double parsed = parse("m " + written + "\n").get(0).samples().get(0).value();
        // Bits, not ==: -0 is not 0, and NaN is NaN.
        assertThat(Double.doubleToLongBits(parsed)).as("%s parsed as %s", written, parsed)
                .isEqualTo(Double.doubleToLongBits(expected));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "-1, -1", "+5, 5", "1700000000000, 1700000000000", "9223372036854775807, 9223372036854775807",
            "-9223372036854775808, -9223372036854775808"})
    void timestamps(String written, long expected) throws Exception {
        assertThat(parse("m 1 " + written + "\n").get(0).samples().get(0).timestamp()).isEqualTo(expected);
    }

    @Test
    void crlfLineEndingsBlankLinesAndEmptyPages() throws Exception {
        assertThat(parse("# HELP a The a.\r\n# TYPE a gauge\r\n\r\na{x=\"1\"} 1\r\n   \r\n\t\r\na 2 5\r\n"))
                .containsExactly(new Family("a", Family.GAUGE, "The a.", List.of(
                        sample("a", Map.of("x", "1"), 1), new Sample("a", Map.of(), 2, 5L))));
        assertThat(parse("")).isEmpty();
        assertThat(parse("\n\n  \t\n")).isEmpty();
        assertThat(parse("# only comments\n")).isEmpty();
        assertThat(parse("a 1\n  ")).hasSize(1); // blanks after the last newline are no line
    }

    @Test
    void histogramsAndSummariesGatherTheirSamples() throws Exception {
        List<Family> families = parse("""
                # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
                # TYPE rpc_duration_seconds summary
                rpc_duration_seconds{quantile="0.01"} 3102
                rpc_duration_seconds{quantile="0.5"} 4773
                rpc_duration_seconds{quantile="0.99"} NaN
                rpc_duration_seconds_sum 1.7560473e+07
                rpc_duration_seconds_count 2693
                # TYPE http_request_duration_seconds histogram
                http_request_duration_seconds_bucket{code="200",le="0.05"} 24054
                http_request_duration_seconds_bucket{code="200",le="+Inf"} 144320
                http_request_duration_seconds_sum{code="200"} 53423
                http_request_duration_seconds_count{code="200"} 144320
                http_request_duration_seconds_bucket{le="1e-1",code="500"} 1 1700000000000
                http_request_duration_seconds_bucket{code="500",le="+Inf"} 2
                http_request_duration_seconds_sum{code="500"} 0.2
                http_request_duration_seconds_count{code="500"} 2
                # TYPE rpc_duration_seconds_bucket gauge
                rpc_duration_seconds_bucket 7
                """);

        assertThat(families).extracting(Family::name, Family::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("rpc_duration_seconds", Family.SUMMARY),
                org.assertj.core.groups.Tuple.tuple("http_request_duration_seconds", Family.HISTOGRAM),
                org.assertj.core.groups.Tuple.tuple("rpc_duration_seconds_bucket", Family.GAUGE));
        assertThat(families.get(0).samples()).extracting(Sample::name).containsExactly("rpc_duration_seconds",
                "rpc_duration_seconds", "rpc_duration_seconds", "rpc_duration_seconds_sum",
                "rpc_duration_seconds_count");
        assertThat(families.get(0).samples().get(2).value()).isNaN();
        assertThat(families.get(1).samples()).hasSize(8);
        assertThat(families.get(1).samples().get(4))
                .isEqualTo(new Sample("http_request_duration_seconds_bucket", Map.of("le", "1e-1", "code", "500"), 1,
                        1700000000000L));
        assertThat(families.get(2).samples()).containsExactly(sample("rpc_duration_seconds_bucket", Map.of(), 7));
    }

    @Test
    void samplesOfOneFamilyNeedNotBeTogether() throws Exception {
        assertThat(parse("a 1\nb 2\na{x=\"y\"} 3\n")).containsExactly(
                new Family("a", Family.UNTYPED, null, List.of(sample("a", Map.of(), 1), sample("a", Map.of("x", "y"), 3))),
                new Family("b", Family.UNTYPED, null, List.of(sample("b", Map.of(), 2))));
    }

    @Test
    void excludedFamiliesAreCheckedButNotKept() throws Exception {
        FamilyFilter engineOnly = FamilyFilter.of(List.of("engine_*"), List.of("engine_daemon_engine_*"));
        String page = """
                # TYPE go_goroutines gauge
                go_goroutines 44
                engine_daemon_events_total 3
                engine_daemon_engine_cpus_cpus 2
                """;
        assertThat(PrometheusTextParser.parse(page, engineOnly)).containsExactly(new Family(
                "engine_daemon_events_total", Family.UNTYPED, null,
                List.of(sample("engine_daemon_events_total", Map.of(), 3))));

        assertThatThrownBy(() -> PrometheusTextParser.parse(page + "go_goroutines{a=\"1\",a=\"2\"} 1\n", engineOnly))
                .isInstanceOfSatisfying(PrometheusFormatException.class, e -> assertThat(e.line()).isEqualTo(5));
        assertThatThrownBy(() -> PrometheusTextParser.parse(page + "# TYPE go_goroutines counter\n", engineOnly))
                .isInstanceOfSatisfying(PrometheusFormatException.class, e -> assertThat(e.line()).isEqualTo(5));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("# TYPE a gauge\n# TYPE a counter\na 1\n", 2, "second TYPE line for a"),
                arguments("# HELP a one\n# HELP a two\n", 2, "second HELP line for a"),
                arguments("a 1\n# TYPE a gauge\n", 2, "TYPE line for a after samples of it"),
                arguments("# TYPE h histogram\n# TYPE h_count counter\n", 2,
                        "second TYPE line for h (h_count is part of histogram h)"),
                arguments("# TYPE a gauge\n\na{x=\"1\",y=\"2\",x=\"3\"} 1\n", 3, "label x given twice"),
                arguments("# TYPE h histogram\nh_bucket{x=\"1\"} 1\n", 2, "histogram bucket without an le label"),
                arguments("# TYPE h histogram\nh_bucket{le=\"big\"} 1\n", 2, "the le label of h is not a number"),
                arguments("# TYPE h histogram\nh 1\n", 2, "h is a histogram: its samples are h_bucket, h_sum"),
                arguments("# TYPE s summary\ns{x=\"1\"} 1\n", 2, "summary sample without a quantile label"),
                arguments("# TYPE s summary\ns{quantile=\"\"} 1\n", 2, "the quantile label of s is not a number"),
                arguments("a{x=\"\\t\"} 1\n", 1, "invalid escape \\t in the value of label x"),
                arguments("a{x=\"end\\\n", 1, "unterminated value of label x"),
                arguments("a{x=\"no end} 1\n", 1, "unterminated value of label x"),
                arguments("a{x=\"first\nsecond\"} 1\n", 1, "unterminated value of label x"),
                arguments("# HELP a bad \\t escape\n", 1, "invalid escape \\t in the HELP text"),
                arguments("# HELP a ends with \\\n", 1, "lone backslash"),
                arguments("a 1\nb 12abc\n", 2, "invalid sample value \"12abc\""),
                arguments("a one\n", 1, "invalid sample value \"one\""),
                arguments("a\n", 1, "no sample value"),
                arguments("a{} \n", 1, "no sample value"),
                arguments("a 1e400\n", 1, "invalid sample value \"1e400\""),
                arguments("a +NaN\n", 1, "invalid sample value"),
                arguments("a \u0131nf\n", 1, "invalid sample value"),
                arguments("a \u0130nf\n", 1, "invalid sample value"),
                arguments("a infin\n", 1, "invalid sample value"),
                arguments("a 1d\n", 1, "invalid sample value"),
                arguments("a 0x10\n", 1, "invalid sample value"),
                arguments("a 1__0\n", 1, "invalid sample value"),
                // The reference refuses p, P and _ before strconv.ParseFloat: no hexadecimal floats, no digit
                // separators, which Go's ParseFloat alone would take.
                arguments("a 0x1p-2\n", 1, "invalid sample value \"0x1p-2\""),
                arguments("a -0X1.8P1\n", 1, "invalid sample value \"-0X1.8P1\""),
                arguments("a 1_000\n", 1, "invalid sample value \"1_000\""),
                arguments("a 1_23.50_0_0e+1_2\n", 1, "invalid sample value"),
                arguments("# TYPE h histogram\nh_bucket{le=\"0x1p0\"} 1\n", 2, "the le label of h is not a number"),
                arguments("# TYPE s summary\ns{quantile=\"0_5\"} 1\n", 2, "the quantile label of s is not a number"),
                arguments("a 1 1.5\n", 1, "invalid timestamp \"1.5\""),
                arguments("a 1 9223372036854775808\n", 1, "invalid timestamp"),
                arguments("a 1 \u0661\u0662\n", 1, "invalid timestamp"),
                arguments("a 1 2 3\n", 1, "unexpected text after the timestamp"),
                arguments("# TYPE a gauges\n", 1, "unknown metric type \"gauges\""),
                arguments("# TYPE a gaugehistogram\n", 1, "unknown metric type"),
                arguments("# TYPE 1a gauge\n", 1, "invalid metric name in the TYPE line at '1'"),
                arguments("# HELP a-b text\n", 1, "invalid metric name in the HELP line at '-'"),
                arguments("1a 1\n", 1, "expected a metric name or #, found '1'"),
                arguments("{a=\"1\"} 1\n", 1, "expected a metric name or #, found '{'"),
                arguments("a-b 1\n", 1, "invalid sample value \"-b\""),
                arguments("a{1=\"x\"} 1\n", 1, "expected a label name, found '1'"),
                arguments("a{,} 1\n", 1, "expected a label name, found ','"),
                arguments("a{x} 1\n", 1, "expected = after label name x"),
                arguments("a{x=y} 1\n", 1, "expected \" to open the value of label x"),
                arguments("a{x=\"1\" y=\"2\"} 1\n", 1, "expected , or } after the value of label x, found 'y'"),
                arguments("a{x=\"1\"\n", 1, "unterminated label set"),
                arguments("a{\n", 1, "unterminated label set"),
                arguments("a{__name__=\"b\"} 1\n", 1, "the label name __name__ is reserved"),
                arguments("a 1\nb 2", 2, "the page ends inside this line"),
                arguments("a 1\r\n\r\n\u0000 1\r\n", 3, "found U+0000"));
    }

    @ParameterizedTest
    @MethodSource
    void malformed(String page, int line, String problem) {
        assertThatThrownBy(() -> parse(page)).isInstanceOfSatisfying(PrometheusFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.getMessage()).startsWith("line " + line + ": ").contains(problem);
        });
        // Whatever the filter keeps.
        assertThatThrownBy(() -> PrometheusTextParser.parse(page, FamilyFilter.DEFAULT))
                .isInstanceOfSatisfying(PrometheusFormatException.class, e -> assertThat(e.line()).isEqualTo(line));
    }

    @Test
    void theMessageQuotesTheStartOfTheLine() {
        String longLine = "a{x=\"" + "y".repeat(200) + " 1\n";
        assertThatThrownBy(() -> parse("ok 1\n" + longLine)).hasMessage("line 2: unterminated value of label x"
                + " (a quote in a value is written \\\", a newline \\n): `a{x=\"" + "y".repeat(75)
                + "` (127 more characters)");
        assertThatThrownBy(() -> parse("a\t1\u0007\r\n")).hasMessage(
                "line 1: invalid sample value \"1\\u0007\" (a decimal float, NaN, +Inf or -Inf): `a\\t1\\u0007`");
    }
}
