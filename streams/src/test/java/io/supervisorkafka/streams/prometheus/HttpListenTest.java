package io.supervisorkafka.streams.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpListenTest {

    @Test
    void aPortAloneListensOnTheLoopback() {
        assertThat(HttpListen.parse("9400")).isEqualTo(new HttpListen("127.0.0.1", 9400));
        assertThat(HttpListen.parse(":9400")).isEqualTo(new HttpListen("127.0.0.1", 9400));
        assertThat(HttpListen.parse("0")).isEqualTo(new HttpListen("127.0.0.1", 0));
    }

    @Test
    void aHostNameAnAddressOrABracketedIpv6Address() {
        assertThat(HttpListen.parse("0.0.0.0:9400")).isEqualTo(new HttpListen("0.0.0.0", 9400));
        assertThat(HttpListen.parse("streams-1.example:80")).isEqualTo(new HttpListen("streams-1.example", 80));
        assertThat(HttpListen.parse("[::1]:9400")).isEqualTo(new HttpListen("::1", 9400));
        assertThat(HttpListen.parse("[::1]:9400")).hasToString("[::1]:9400");
        assertThat(HttpListen.parse(" 10.0.0.5:9400 ")).hasToString("10.0.0.5:9400");
    }

    @Test
    void anythingElseIsOneLineNamingTheOption() {
        for (String bad : new String[] {"", "host", "host:", "host:port", ":-1", "::1:9400", "a b:1", "9400/x"}) {
            assertThatThrownBy(() -> HttpListen.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--http-listen (http.listen) must be HOST:PORT, :PORT or PORT, not '" + bad + "'");
        }
        assertThatThrownBy(() -> HttpListen.parse("127.0.0.1:70000")).hasMessage(
                "--http-listen (http.listen): port 70000 is not 0 to 65535 in '127.0.0.1:70000'");
    }
}
