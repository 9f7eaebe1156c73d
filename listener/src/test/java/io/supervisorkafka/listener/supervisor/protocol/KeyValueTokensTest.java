package io.supervisorkafka.listener.supervisor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyValueTokensTest {

    @Test
    void aHeaderLineGivesItsTokensInOrderWithSupervisordsKeysShared() {
        Map<String, String> tokens = KeyValueTokens.parse("ver:3.0 server:supervisor serial:21 pool:listener"
                + " poolserial:10 eventname:PROCESS_STATE_RUNNING len:54");

        assertThat(tokens).containsExactly(Map.entry("ver", "3.0"), Map.entry("server", "supervisor"),
                Map.entry("serial", "21"), Map.entry("pool", "listener"), Map.entry("poolserial", "10"),
                Map.entry("eventname", "PROCESS_STATE_RUNNING"), Map.entry("len", "54"));
        // Not a new string per event: the protocol loop parses a header per event.
        assertThat(tokens.keySet()).allSatisfy(key -> assertThat(key).isSameAs(key.intern()));
    }

    @Test
    void aValueKeepsItsColonsAndAKeyThatOnlyStartsLikeAKnownOneIsItsOwn() {
        assertThat(KeyValueTokens.parse("server:host:9001 pools:3 when:12:30 lenx:1"))
                .containsExactly(Map.entry("server", "host:9001"), Map.entry("pools", "3"),
                        Map.entry("when", "12:30"), Map.entry("lenx", "1"));
    }

    @Test
    void aTokenWithoutAKeyContinuesThePreviousValue() {
        assertThat(KeyValueTokens.parse("processname:my web host groupname:g :x"))
                .containsExactly(Map.entry("processname", "my web host"), Map.entry("groupname", "g :x"));
    }

    @Test
    void leadingWordsEmptyTokensAndLaterDuplicatesAsBefore() {
        assertThat(KeyValueTokens.parse("junk  a:1  b:2 a:3 ")).containsExactly(Map.entry("a", "3"),
                Map.entry("b", "2"));
        assertThat(KeyValueTokens.parse("no colon at all")).isEmpty();
        assertThat(KeyValueTokens.parse("")).isEmpty();
    }

    @Test
    void aHeadersTokensCannotBeChanged() {
        EventHeader header = EventHeader.parse("ver:3.0 serial:1 pool:p poolserial:2 eventname:TICK_5 len:0");

        assertThatThrownBy(() -> header.tokens().put("len", "9")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(header.payloadLength()).isZero();
    }
}
