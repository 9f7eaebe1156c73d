package io.supervisorkafka.schemas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

class LeastPrivilegeTest {
    private static final Path README = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
            .resolveSibling("README.md");

    static List<String> documented() {
        return Stream.of(LeastPrivilege.listener("User:listener"),
                LeastPrivilege.streams("User:streams", "supervisor-kafka-streams"),
                LeastPrivilege.influx("User:streams"),
                LeastPrivilege.reader("User:reader")).flatMap(acls -> LeastPrivilege.commands(acls).stream()).toList();
    }

    @Test
    void theReadmeListsExactlyTheAclsTheEndToEndTestGrants() throws IOException {
        String readme = Files.readString(README);
        assertThat(documented()).allSatisfy(command -> assertThat(readme).contains(command));
        long inReadme = readme.lines().filter(line -> line.startsWith("kafka-acls.sh ")).count();
        assertThat(inReadme).isEqualTo(documented().size());
    }

    @Test
    void oneCommandPerOperationNamingEveryTopic() {
        assertThat(LeastPrivilege.commands(LeastPrivilege.listener("User:listener"))).containsExactly(
                "kafka-acls.sh --bootstrap-server $KAFKA --command-config admin.properties --add --allow-principal"
                        + " User:listener --operation Write" + LeastPrivilege.LISTENER_TOPICS.stream()
                        .map(topic -> " --topic " + topic).reduce("", String::concat));
        assertThat(LeastPrivilege.operationName(AclOperation.DESCRIBE_CONFIGS)).isEqualTo("DescribeConfigs");
    }

    @Test
    void theReaderReadsTheOutputsOnly() {
        assertThat(LeastPrivilege.reader("User:reader")).hasSize(Topics.OUTPUTS.size())
                .allSatisfy(acl -> assertThat(acl.entry().operation()).isEqualTo(AclOperation.READ));
    }
}
