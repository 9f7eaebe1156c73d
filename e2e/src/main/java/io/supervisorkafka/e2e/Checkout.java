package io.supervisorkafka.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built apps are: the checkout's bin script and the shaded jars the reactor built before this module. */
public final class Checkout {
    private Checkout() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bin/supervisor-kafka"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside a supervisor-kafka checkout: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path bin() {
        return root().resolve("bin/supervisor-kafka");
    }

    public static Path jar(String module) {
        Path jar = root().resolve(module).resolve("target").resolve("supervisor-kafka-" + module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw package first");
        }
        return jar;
    }
}
