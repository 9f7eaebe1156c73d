package io.supervisorkafka.tools;

import io.supervisorkafka.schemas.cli.LeastPrivilege;
import io.supervisorkafka.schemas.cli.TrialSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;

/**
 * What {@code broker --secure DIR} adds to the development broker, for a try-out of the security settings: one client
 * listener that requires SASL_SSL with SCRAM-SHA-512, KRaft's StandardAuthorizer, a self-signed certificate made by
 * the JDK's keytool, the users {@code admin} (super user), {@code listener}, {@code streams} and {@code reader} with
 * exactly the ACLs the README lists, and a client properties file for each in {@code DIR}. Everything is made on the
 * first start and kept, with the broker's data, for the next.
 */
final class SecureDevBroker {
    static final String MECHANISM = TrialSecurity.MECHANISM;
    static final List<String> USERS = List.of("listener", "streams", "reader");
    /** The application.id the Streams app's ACLs are for: its default. */
    static final String APPLICATION_ID = "supervisor-kafka-streams";
    private static final String SECRETS = "secrets.properties";

    private SecureDevBroker() {
    }

    /** The passwords and certificates of {@code dir}, made on first use. */
    record Secrets(Path dir, String storePassword, String adminPassword, Map<String, String> users) {
        Path keystore() {
            return dir.resolve("broker.p12");
        }

        Path truststore() {
            return dir.resolve("truststore.p12");
        }

        static Secrets load(Path dir, String host) throws IOException {
            Files.createDirectories(dir);
            Path file = dir.resolve(SECRETS);
            Properties saved = new Properties();
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    saved.load(in);
                }
            } else {
                saved.setProperty("store", TrialSecurity.randomSecret());
                saved.setProperty("admin", TrialSecurity.randomSecret());
                USERS.forEach(user -> saved.setProperty("user." + user, TrialSecurity.randomSecret()));
                TrialSecurity.writePrivate(file, saved, "passwords of the secure development broker");
            }
            Map<String, String> users = new LinkedHashMap<>();
            USERS.forEach(user -> users.put(user, saved.getProperty("user." + user)));
            Secrets secrets = new Secrets(dir, saved.getProperty("store"), saved.getProperty("admin"), users);
            if (!Files.exists(secrets.keystore()) || !Files.exists(secrets.truststore())) {
                TrialSecurity.selfSignedCertificate(secrets.keystore(), secrets.truststore(), secrets.storePassword(),
                        host, 365);
            }
            return secrets;
        }

        /** A client's settings as {@code user} with {@code password}. */
        Properties client(String bootstrapServers, String user, String password) {
            Properties props = new Properties();
            props.setProperty("bootstrap.servers", bootstrapServers);
            props.setProperty("security.protocol", "SASL_SSL");
            props.setProperty("sasl.mechanism", MECHANISM);
            props.setProperty("sasl.jaas.config", TrialSecurity.scramJaas(user, password));
            props.setProperty("ssl.truststore.location", truststore().toAbsolutePath().toString());
            props.setProperty("ssl.truststore.password", storePassword);
            props.setProperty("ssl.truststore.type", "PKCS12");
            return props;
        }
    }

    /** The broker's settings on top of the plain development broker's. */
    static Properties serverProperties(Properties plain, Secrets secrets, String host, int port, int controllerPort) {
        Properties p = new Properties();
        p.putAll(plain);
        p.setProperty("listeners", "CLIENT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "CLIENT://" + host + ":" + port);
        p.setProperty("inter.broker.listener.name", "CLIENT");
        p.setProperty("listener.security.protocol.map", "CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
        // Clients and the broker itself: SCRAM over TLS. The admin's credentials are stored at format time.
        p.setProperty("listener.name.client.sasl.enabled.mechanisms", MECHANISM);
        p.setProperty("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.setProperty("listener.name.client.scram-sha-512.sasl.jaas.config",
                TrialSecurity.scramJaas("admin", secrets.adminPassword()));
        p.setProperty("listener.name.client.ssl.keystore.location", secrets.keystore().toAbsolutePath().toString());
        p.setProperty("listener.name.client.ssl.keystore.password", secrets.storePassword());
        p.setProperty("listener.name.client.ssl.keystore.type", "PKCS12");
        p.setProperty("listener.name.client.ssl.truststore.location",
                secrets.truststore().toAbsolutePath().toString());
        p.setProperty("listener.name.client.ssl.truststore.password", secrets.storePassword());
        p.setProperty("listener.name.client.ssl.truststore.type", "PKCS12");
        // The controller cannot use SCRAM (its credentials live in the metadata it serves): PLAIN, admin only.
        p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
        p.setProperty("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                        + secrets.adminPassword() + "\" user_admin=\"" + secrets.adminPassword() + "\";");
        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.setProperty("allow.everyone.if.no.acl.found", "false");
        p.setProperty("super.users", "User:admin");
        p.setProperty("auto.create.topics.enable", "false");
        return p;
    }

    /** The extra arguments of {@code kafka-storage format}: the admin's SCRAM credentials. */
    static List<String> formatArguments(Secrets secrets) {
        return List.of("--add-scram", MECHANISM + "=[name=admin,password=" + secrets.adminPassword() + "]");
    }

    /**
     * On the first start: the users, their ACLs and their client properties files; later starts find them in the
     * broker's metadata and in {@code DIR}.
     */
    static void provision(Secrets secrets, String bootstrapServers) {
        Path admin = secrets.dir().resolve("admin.properties");
        try {
            boolean first = !Files.exists(admin);
            TrialSecurity.writePrivate(admin, secrets.client(bootstrapServers, "admin", secrets.adminPassword()),
                    "super user of the secure development broker");
            for (String user : USERS) {
                TrialSecurity.writePrivate(secrets.dir().resolve(user + ".properties"),
                        secrets.client(bootstrapServers, user, secrets.users().get(user)), "client settings of " + user);
            }
            if (!first) {
                return;
            }
            Properties adminProps = secrets.client(bootstrapServers, "admin", secrets.adminPassword());
            try (Admin client = Admin.create(adminProps)) {
                List<UserScramCredentialUpsertion> users = new ArrayList<>();
                secrets.users().forEach((user, password) -> users.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
                client.alterUserScramCredentials(new ArrayList<>(users)).all().get(1, TimeUnit.MINUTES);
                List<AclBinding> acls = new ArrayList<>(LeastPrivilege.listener("User:listener"));
                acls.addAll(LeastPrivilege.streams("User:streams", APPLICATION_ID));
                acls.addAll(LeastPrivilege.influx("User:streams"));
                acls.addAll(LeastPrivilege.reader("User:reader"));
                client.createAcls(acls).all().get(1, TimeUnit.MINUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the client settings in " + secrets.dir(), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create the users and ACLs: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the users and ACLs", e);
        }
    }
}
