package io.supervisorkafka.listener.docker.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.supervisorkafka.schemas.DockerSnapshot.Family;
import io.supervisorkafka.schemas.DockerSnapshot.Sample;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing (Jazzer) of the Prometheus text parser with any page: it is either well-formed families or a
 * {@link PrometheusFormatException} naming a line of the page, never another exception; the filter changes which
 * families are kept, never whether the page parses. The seeds and the crashing inputs found are under
 * src/test/resources ({@code PrometheusTextParserFuzzTestInputs}) and are replayed on every run.
 */
class PrometheusTextParserFuzzTest {
    static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    static final Set<String> TYPES = Set.of(Family.COUNTER, Family.GAUGE, Family.HISTOGRAM, Family.SUMMARY,
            Family.UNTYPED);
    static final FamilyFilter EVERYTHING = FamilyFilter.of(List.of(), List.of());
    static final FamilyFilter SOME = FamilyFilter.of(List.of("*a*", "?"), List.of("*b*"));

    @FuzzTest(maxDuration = "15s")
    // The format's tokens, so that 15 s reach past names into types, suffixes and escapes, and spellings the reference
    // refuses (0x1p-2, 1_0: expfmt takes no p, P or _ in a float). Entries are in libFuzzer's dictionary syntax:
    // \\ \" \xNN.
    @DictionaryEntries({"# HELP ", "# TYPE ", " counter\\x0A", " gauge\\x0A", " histogram\\x0A", " summary\\x0A",
            " untyped\\x0A", "_bucket", "_sum", "_count", "le=\\\"", "quantile=\\\"", "\\\\\\\"", "\\\\n",
            "\\\\\\\\", "\\\",", "} ", "+Inf", "-Inf", "NaN", "1e-3", "0x1p-2", "1_0", " 1700000000000\\x0A",
            "\\x0D\\x0A", "__name__"})
    void anyPageIsWellFormedFamiliesOrAFormatErrorOnOneOfItsLines(byte[] input) {
        String page = new String(input, StandardCharsets.UTF_8);
        List<Family> families;
        try {
            families = PrometheusTextParser.parse(page, EVERYTHING);
        } catch (PrometheusFormatException e) {
            assertThat(e.line()).isBetween(1, (int) page.chars().filter(c -> c == '\n').count() + 1);
            assertThat(e.getMessage()).startsWith("line " + e.line() + ": ").doesNotContain("\n", "\r");
            assertThatThrownBy(() -> PrometheusTextParser.parse(page, SOME))
                    .isInstanceOfSatisfying(PrometheusFormatException.class,
                            filtered -> assertThat(filtered.line()).isEqualTo(e.line()));
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("the parser threw " + e + " on a page instead of a PrometheusFormatException", e);
        }
        assertThat(families).extracting(Family::name).doesNotHaveDuplicates();
        for (Family family : families) {
            assertThat(family.name()).matches(METRIC_NAME);
            assertThat(family.type()).isIn(TYPES);
            assertThat(family.samples()).isNotEmpty();
            for (Sample sample : family.samples()) {
                assertThat(sample.name()).matches(METRIC_NAME).isIn(sampleNames(family));
                assertThat(sample.labels().keySet()).allSatisfy(label -> assertThat(label).matches(LABEL_NAME));
                assertThat(sample.labels()).doesNotContainKey("__name__");
                if (sample.name().equals(family.name() + "_bucket")) {
                    assertThat(sample.labels()).containsKey("le");
                }
                if (family.type().equals(Family.SUMMARY) && sample.name().equals(family.name())) {
                    assertThat(sample.labels()).containsKey("quantile");
                }
            }
        }
        List<Family> some = families.stream().filter(family -> SOME.keeps(family.name())).toList();
        try {
            assertThat(PrometheusTextParser.parse(page, SOME)).isEqualTo(some);
        } catch (PrometheusFormatException e) {
            throw new AssertionError("the page parses with one filter and not with another", e);
        }
    }

    private static List<String> sampleNames(Family family) {
        String name = family.name();
        return switch (family.type()) {
            case Family.HISTOGRAM -> List.of(name + "_bucket", name + "_sum", name + "_count");
            case Family.SUMMARY -> List.of(name, name + "_sum", name + "_count");
            default -> List.of(name);
        };
    }
}
