package io.supervisorkafka.testkit;

import io.supervisorkafka.schemas.cli.TrialSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.awaitility.Awaitility;

/**
 * A real single-node KRaft cluster, built as {@link SingleNodeKafka} builds its own, that requires what a shared
 * production cluster requires: clients connect to a {@code SASL_SSL} listener with {@value #MECHANISM}, and
 * KRaft's {@code StandardAuthorizer} allows nothing that no ACL allows.
 *
 * <p>The certificate is made at start by the JDK's {@code keytool} (self-signed, for {@code localhost} and
 * {@code 127.0.0.1}, valid two days), so nothing committed ever expires. SCRAM users exist only once the cluster runs
 * (KRaft keeps them in its metadata): {@link #addUser} creates them through the Admin API, as an operator does.
 *
 * <p>The broker's own traffic (inter-broker and controller) and the test's super user, {@link #admin()}, use two
 * further listeners with {@code SASL_PLAINTEXT}/{@code PLAIN}, Kafka's test kit's own set-up: SCRAM credentials
 * cannot exist before the cluster they are stored in, so the broker cannot authenticate to itself with SCRAM.
 */
public final class SecureKafka implements AutoCloseable {
    public static final String MECHANISM = TrialSecurity.MECHANISM;
    /** The clients' listener. */
    static final String CLIENT_LISTENER = "SECURE";
    /** The test kit's super user, on its internal listener. */
    public static final String SUPER_USER = "User:" + JaasUtils.KAFKA_PLAIN_ADMIN;
    private static final Duration PROPAGATION = Duration.ofSeconds(30);

    private final KafkaClusterTestKit cluster;
    private final Path truststore;
    private final String truststorePassword;
    private final String bootstrapServers;
    private final Admin admin;

    private SecureKafka(KafkaClusterTestKit cluster, Path truststore, String truststorePassword) {
        this.cluster = cluster;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
        int port = cluster.brokers().values().iterator().next().boundPort(new ListenerName(CLIENT_LISTENER));
        this.bootstrapServers = "localhost:" + port;
        this.admin = Admin.create(adminProperties());
    }

    /** Starts the cluster with its certificate and truststore in {@code dir}; the caller closes it. */
    public static SecureKafka start(Path dir) throws Exception {
        Files.createDirectories(dir);
        String storePassword = TrialSecurity.randomSecret();
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        TrialSecurity.selfSignedCertificate(keystore, truststore, storePassword, "localhost", 2);

        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .build();
        String internal = nodes.brokerListenerName().value();
        String controller = nodes.controllerListenerName().value();
        String secure = "listener.name." + CLIENT_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> settings = new LinkedHashMap<>();
        // The test kit binds its two listeners itself (port 0); the clients' one gets a free port too.
        settings.put("listeners", internal + "://localhost:0," + controller + "://localhost:0," + CLIENT_LISTENER
                + "://localhost:0");
        settings.put("listener.security.protocol.map", internal + ":SASL_PLAINTEXT," + controller
                + ":SASL_PLAINTEXT," + CLIENT_LISTENER + ":SASL_SSL");
        settings.put(secure + "sasl.enabled.mechanisms", MECHANISM);
        settings.put(secure + MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        settings.put(secure + "ssl.keystore.location", keystore.toString());
        settings.put(secure + "ssl.keystore.password", storePassword);
        settings.put(secure + "ssl.keystore.type", "PKCS12");
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("allow.everyone.if.no.acl.found", "false");
        settings.put("super.users", SUPER_USER);
        // A client without Create must not have topics made for it by asking for them.
        settings.put("auto.create.topics.enable", "false");
        KafkaClusterTestKit cluster = SingleNodeKafka.builder(nodes, settings).build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new SecureKafka(cluster, truststore, storePassword);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The clients' listener: SASL_SSL with {@value #MECHANISM}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path truststore() {
        return truststore;
    }

    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    /** The super user's client settings, on the internal listener. */
    public Map<String, Object> adminProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", cluster.bootstrapServers());
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + JaasUtils.KAFKA_PLAIN_ADMIN + "\" password=\""
                + JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD + "\";");
        return props;
    }

    /** An admin client of the super user; closed with the cluster. */
    public Admin admin() {
        return admin;
    }

    /** What a client authenticating as {@code user} puts in its properties to reach {@link #bootstrapServers()}. */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", MECHANISM);
        props.put("sasl.jaas.config", TrialSecurity.scramJaas(user, password));
        props.put("ssl.truststore.location", truststore.toString());
        props.put("ssl.truststore.password", truststorePassword);
        props.put("ssl.truststore.type", "PKCS12");
        return props;
    }

    /** Writes {@link #clientProperties} and {@code extra} to a file only its owner can read, as an operator would. */
    public Path writeClientProperties(Path file, String user, String password, Map<String, String> extra)
            throws IOException {
        Properties props = new Properties();
        clientProperties(user, password).forEach((key, value) -> props.setProperty(key, value.toString()));
        props.putAll(extra);
        TrialSecurity.writePrivate(file, props, "SASL_SSL client settings of " + user);
        return file;
    }

    /**
     * Creates the SCRAM user, or changes its password, and returns once the broker accepts the new credentials.
     */
    public void addUser(String user, String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
        Map<String, Object> props = new LinkedHashMap<>(clientProperties(user, password));
        props.put("default.api.timeout.ms", "5000");
        props.put("request.timeout.ms", "5000");
        try (Admin asUser = Admin.create(props)) {
            // Describing the cluster needs no ACL, only accepted credentials.
            Awaitility.await("the broker accepting " + user + "'s credentials").atMost(PROPAGATION)
                    .ignoreExceptions().until(() -> asUser.describeCluster().clusterId().get() != null);
        }
    }

    /** Creates the ACLs and returns once the broker's authorizer has them all. */
    public void allow(Collection<AclBinding> acls) throws Exception {
        admin.createAcls(acls).all().get();
        awaitAcls(acls, true);
    }

    /** Deletes exactly these ACLs and returns once the broker's authorizer no longer has them. */
    public void deny(Collection<AclBinding> acls) throws Exception {
        admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get();
        awaitAcls(acls, false);
    }

    private void awaitAcls(Collection<AclBinding> acls, boolean present) {
        Awaitility.await("the authorizer " + (present ? "having" : "dropping") + " " + acls.size() + " ACLs")
                .atMost(PROPAGATION).pollInterval(Duration.ofMillis(100)).until(() -> {
                    Set<AclBinding> now = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get());
                    return present ? now.containsAll(acls) : acls.stream().noneMatch(now::contains);
                });
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            cluster.close();
        }
    }
}
