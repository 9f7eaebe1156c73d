package io.supervisorkafka.e2e;

import io.supervisorkafka.testkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The supervisor-kafka Debian package on this machine, through apt and dpkg as an operator uses them: as root,
 * never prompting, waiting for another apt or dpkg (a CI run installing packages) rather than failing on its lock.
 */
final class DebianPackage {
    static final String NAME = "supervisor-kafka";
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private DebianPackage() {
    }

    static void requireRoot() throws IOException {
        String uid = run(List.of("id", "-u")).text().trim();
        if (!uid.equals("0")) {
            throw new IllegalStateException("the package tests install the Debian package with apt: run them as root"
                    + " (CI does)");
        }
    }

    /** apt-get with the given arguments; fails unless it exits 0. */
    static String apt(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("apt-get", "-y", "-o", "DPkg::Lock::Timeout=300",
                "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"));
        command.addAll(List.of(args));
        return check(command);
    }

    static void install(Path deb) throws IOException {
        apt("install", deb.toString());
    }

    /** dpkg's status of the package: "installed", "config-files", or "not-installed". */
    static String status() throws IOException {
        ChildProcess.Output out = run(List.of("dpkg-query", "-W", "-f=${db:Status-Status}", NAME));
        return out.exitCode() == 0 && !out.text().isBlank() ? out.text().trim() : "not-installed";
    }

    /**
     * Before a test: purges the package if a run of these tests left this very version installed (killed before it
     * could purge); any other installation is an operator's, which a test must not touch.
     */
    static void purgeWhatAnInterruptedRunLeft(Path deb) throws IOException {
        if (status().equals("not-installed")) {
            return;
        }
        String installed = check(List.of("dpkg-query", "-W", "-f=${Version}", NAME)).trim();
        String tested = check(List.of("dpkg-deb", "--field", deb.toString(), "Version")).trim();
        if (!installed.equals(tested)) {
            throw new IllegalStateException(NAME + " " + installed + " is installed on this machine; the package"
                    + " tests install and purge " + tested + ": remove it first (apt purge " + NAME + ")");
        }
        apt("purge", NAME);
    }

    /** Purges the package when anything of it is on this machine: how every test leaves the machine. */
    static void purgeIfPresent() throws IOException {
        if (!status().equals("not-installed")) {
            apt("purge", NAME);
        }
    }

    /** {@code dpkg -L}: every path the package installed, directories included. */
    static List<Path> files() throws IOException {
        return check(List.of("dpkg", "-L", NAME)).lines().filter(l -> l.startsWith("/")).map(Path::of).toList();
    }

    /** The conffiles dpkg records for the package. */
    static List<Path> conffiles() throws IOException {
        return check(List.of("dpkg-query", "-W", "-f=${Conffiles}", NAME)).lines().map(String::trim)
                .filter(l -> !l.isEmpty()).map(l -> Path.of(l.split("\\s+")[0])).toList();
    }

    static String check(List<String> command) throws IOException {
        ChildProcess.Output out = run(command);
        if (out.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + out.exitCode() + ":\n"
                    + out.text());
        }
        return out.text();
    }

    static ChildProcess.Output run(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("DEBIAN_FRONTEND", "noninteractive");
        // needrestart (where installed) would otherwise scan the machine after every install.
        env.put("NEEDRESTART_SUSPEND", "1");
        return ChildProcess.run(builder, LIMIT);
    }
}
