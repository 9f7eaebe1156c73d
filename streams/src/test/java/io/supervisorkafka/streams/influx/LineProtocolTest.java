package io.supervisorkafka.streams.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.streams.common.TagSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineProtocolTest {

    @Test
    void telegrafsShapeTagsAndFieldsInKeyOrderIntegersWithI() {
        String line = LineProtocol.measurement("supervisor_processes")
                .tag("server", "S").tag("process", "P").tag("group", "G")
                .field("uptime", 4812).field("state", 20).field("pid", 12345).field("exitCode", 0)
                .timestampMillis(1_795_307_222_000L).toString();

        assertThat(line).isEqualTo("supervisor_processes,group=G,process=P,server=S "
                + "exitCode=0i,pid=12345i,state=20i,uptime=4812i 1795307222000000000");
    }

    @Test
    void commasSpacesAndEqualsSignsAreEscapedInTagsAndFieldKeysAndComeBackAsTheyWere() {
        Map<String, String> hostile = Map.of(
                "comma", "a,b", "space", "web 1", "equals", "x=y", "quotes", "say \"hi\" 'now'",
                "backslash", "C:\\Program Files\\x", "before-comma", "a\\,b", "unicode", "prozeß-ü-€-😀-日本",
                "all", " ,=\\\"é ");
        LineProtocol line = LineProtocol.measurement("m").field("f,k =x", 1);
        hostile.forEach(line::tag);

        String text = line.toString();
        InfluxLine parsed = InfluxLine.parse(text);

        assertThat(text).contains("comma=a\\,b", "space=web\\ 1", "equals=x\\=y", "f\\,k\\ \\=x=1i");
        assertThat(parsed.tags()).isEqualTo(hostile);
        assertThat(parsed.fields()).containsExactly(Map.entry("f,k =x", 1L));
    }

    @Test
    void aMeasurementEscapesCommasAndSpacesOnly() {
        assertThat(LineProtocol.measurement("a b,c=d").field("v", 1).toString()).isEqualTo("a\\ b\\,c=d v=1i");
    }

    @Test
    void lineBreaksAndTabsInATagValueAreWrittenAsTelegrafWritesThemAndNeverEndTheLine() {
        String text = LineProtocol.measurement("m").tag("t", "one\ntwo\r\tthree\f").field("v", 1).toString();

        assertThat(text).doesNotContain("\n", "\r", "\t", "\f").isEqualTo("m,t=one\\ntwo\\r\\tthree\\f v=1i");
    }

    @Test
    void aTagThatLineProtocolCannotCarryIsLeftOutAsTelegrafLeavesItOut() {
        String text = LineProtocol.measurement("m").tag("empty", "").tag("trailing", "dir\\").tag("ok", "x")
                .tag("absent", null).field("v", 1).toString();

        assertThat(text).isEqualTo("m,ok=x v=1i");
    }

    @Test
    void stringFieldsQuoteAndEscapeDoubleQuotesAndBackslashes() {
        String value = "say \"hi\" \\ C:\\tmp, x=1\nnext line";
        String text = LineProtocol.measurement("m").field("s", value).field("n", -1).toString();

        assertThat(text).isEqualTo("m n=-1i,s=\"say \\\"hi\\\" \\\\ C:\\\\tmp, x=1\nnext line\"");
        assertThat(InfluxLine.parse(text.replace("\n", "\\n")).fields().get("s"))
                .isEqualTo(value.replace("\n", "\\n"));
    }

    @Test
    void aLineNeedsAFieldAndNamesFromTheCatalog() {
        assertThatThrownBy(() -> LineProtocol.measurement("m").tag("t", "v").toString())
                .hasMessage("a line of m needs at least one field");
        assertThatThrownBy(() -> LineProtocol.measurement("m").tag("", "v"))
                .hasMessage("not a line-protocol tag key: ''");
        assertThatThrownBy(() -> InfluxCatalog.SUPERVISOR_INSTANCE.line().tag(InfluxCatalog.GROUP, "g"))
                .hasMessage("supervisor_instance has no tag group");
        assertThatThrownBy(() -> InfluxCatalog.SUPERVISOR_INSTANCE.line().field(InfluxCatalog.PID, 1))
                .hasMessage("supervisor_instance has no field pid");
        assertThat(InfluxCatalog.SUPERVISOR_INSTANCE.line().tag(TagSpec.SERVER, "s")
                .field(InfluxCatalog.INSTANCE_STATE, 1).toString()).isEqualTo("supervisor_instance,server=s state=1i");
    }
}
