package io.supervisorkafka.listener.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only directories. Kept apart from {@link Spool} (and without a logger) because the configuration uses it
 * before the listener is READY, when nothing else should be loaded.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR);

    private PrivateFiles() {
    }

    /**
     * Creates the directory (and missing parents) owner-only (0700), or tightens an existing one to 0700.
     *
     * @return false when an existing directory could not be tightened (it belongs to someone else)
     * @throws IOException when the directory cannot be created
     */
    public static boolean createDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, OWNER_ONLY_DIR_ATTRIBUTE);
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
            return true;
        }
        try {
            if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
