package io.supervisorkafka.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.supervisorkafka.schemas.cli.LeastPrivilege;
import io.supervisorkafka.schemas.cli.TrialSecurity;
import io.supervisorkafka.testkit.Ports;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code broker --secure DIR}: a real broker that requires SASL_SSL, its users, their ACLs and client files. */
class SecureDevBrokerTest {
    @TempDir
    Path dir;

    @Test
    void theClientListenerRequiresScramOverTlsAndTheControllerPlain() throws Exception {
        SecureDevBroker.Secrets secrets = new SecureDevBroker.Secrets(Path.of("/s"), "store", "adminpw", Map.of());
        Properties props = SecureDevBroker.serverProperties(DevBroker.serverProperties(Path.of("/data"), "127.0.0.1",
                9092, 9093), secrets, "127.0.0.1", 9092, 9093);
        assertThat(props.getProperty("listener.security.protocol.map"))
                .isEqualTo("CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
        assertThat(props.getProperty("advertised.listeners")).isEqualTo("CLIENT://127.0.0.1:9092");
        assertThat(props.getProperty("listener.name.client.sasl.enabled.mechanisms")).isEqualTo("SCRAM-SHA-512");
        assertThat(props.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
        assertThat(props.getProperty("super.users")).isEqualTo("User:admin");
        assertThat(SecureDevBroker.formatArguments(secrets))
                .containsExactly("--add-scram", "SCRAM-SHA-512=[name=admin,password=adminpw]");
    }

    @Test
    void startsWithUsersAclsAndPrivateClientFilesAndKeepsThemAcrossARestart() throws Exception {
        Path secure = dir.resolve("secure");
        int port = Ports.freeTcpPort();
        int controllerPort = Ports.freeTcpPort();
        try (DevBroker broker = DevBroker.start(dir.resolve("data"), "127.0.0.1", port, controllerPort, secure)) {
            assertThat(Files.getPosixFilePermissions(secure.resolve("listener.properties")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            try (Admin admin = Admin.create(load(secure.resolve("admin.properties")))) {
                var acls = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get(1, TimeUnit.MINUTES));
                assertThat(acls).containsAll(LeastPrivilege.listener("User:listener"))
                        .containsAll(LeastPrivilege.streams("User:streams", SecureDevBroker.APPLICATION_ID))
                        .containsAll(LeastPrivilege.influx("User:streams"))
                        .containsAll(LeastPrivilege.reader("User:reader"));
            }
            Properties wrong = load(secure.resolve("reader.properties"));
            wrong.setProperty("sasl.jaas.config", TrialSecurity.scramJaas("reader", "wrong"));
            try (Admin reader = Admin.create(wrong)) {
                assertThatThrownBy(() -> reader.describeCluster().clusterId().get(1, TimeUnit.MINUTES))
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(SaslAuthenticationException.class);
            }
        }
        try (DevBroker broker = DevBroker.start(dir.resolve("data"), "127.0.0.1", port, controllerPort, secure);
             Admin listener = Admin.create(load(secure.resolve("listener.properties")))) {
            assertThat(listener.describeCluster().clusterId().get(1, TimeUnit.MINUTES)).isNotBlank();
        }
    }

    private static Properties load(Path file) throws Exception {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        return props;
    }
}
