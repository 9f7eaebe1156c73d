package io.supervisorkafka.schemas.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads the {@code --config} properties file of every command, so that the listener, the Streams app and the tools
 * say the same words for the same mistake: {@code cannot read --config /etc/x.properties: no such file}.
 */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /** The file's properties; {@link IllegalArgumentException} with a one-line reason when it cannot be read. */
    public static Properties read(Path file) {
        if (Files.isDirectory(file)) {
            throw unreadable(file, "it is a directory");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "no such file");
        } catch (AccessDeniedException e) {
            throw unreadable(file, "permission denied");
        } catch (MalformedInputException e) {
            throw unreadable(file, "it is not UTF-8 text");
        } catch (IllegalArgumentException e) {
            // Properties.load refuses a malformed \\uXXXX escape this way.
            throw unreadable(file, "malformed escape: " + e.getMessage());
        } catch (IOException e) {
            throw unreadable(file, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return properties;
    }

    private static IllegalArgumentException unreadable(Path file, String reason) {
        return new IllegalArgumentException("cannot read --config " + file + ": " + reason);
    }
}
