package io.supervisorkafka.schemas.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The pieces of a SASL_SSL/SCRAM setup that the development broker ({@code broker --secure}) and the tests' secure
 * broker both make: a self-signed certificate, SCRAM login settings, random passwords, and files only their owner
 * reads. For a try-out and for tests, never for a production certificate authority.
 */
public final class TrialSecurity {
    /** The SASL mechanism both brokers require. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final Duration KEYTOOL_LIMIT = Duration.ofMinutes(1);

    private TrialSecurity() {
    }

    /** The {@code sasl.jaas.config} of a SCRAM client logging in as {@code user}. */
    public static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** A random password: 32 hex digits. */
    public static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Makes, with the JDK's keytool, a self-signed EC certificate for {@code localhost}, {@code 127.0.0.1} and
     * {@code host} in the PKCS12 {@code keystore}, and a PKCS12 {@code truststore} that trusts it (both with
     * {@code password}), replacing what was there.
     */
    public static void selfSignedCertificate(Path keystore, Path truststore, String password, String host,
                                             int validityDays) throws IOException {
        Path certificate = keystore.resolveSibling("broker.crt");
        for (Path old : List.of(keystore, truststore, certificate)) {
            Files.deleteIfExists(old);
        }
        String san = "SAN=dns:localhost,ip:127.0.0.1" + (host.equals("127.0.0.1") || host.equals("localhost") ? ""
                : host.matches("[0-9.]+|.*:.*") ? ",ip:" + host : ",dns:" + host);
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + host,
                "-ext", san, "-validity", Integer.toString(validityDays), "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", password,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype",
                "PKCS12", "-keystore", truststore.toString(), "-storepass", password);
    }

    /** Writes {@code props} to {@code file} readable by its owner only (0600), as client settings with a password. */
    public static void writePrivate(Path file, Properties props, String comment) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, comment);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        // Its output goes to a file, read after it ended: a pipe read before waiting would outlast the time limit.
        Path output = Files.createTempFile("keytool", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(KEYTOOL_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within " + KEYTOOL_LIMIT.toSeconds()
                        + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed with exit code " + process.exitValue() + ": "
                        + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
