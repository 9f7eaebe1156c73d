package io.supervisorkafka.listener.supervisor.xmlrpc;

import java.util.Objects;

/**
 * HTTP basic-auth credentials for supervisord's XML-RPC server. {@link #toString()} never shows them, so a config
 * object holding them can be logged.
 */
public record Credentials(String username, String password) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** Replaces any occurrence of the secret in a message that might reach a log or a record. */
    public String scrub(String message) {
        if (message == null) {
            return null;
        }
        String scrubbed = message;
        // Very short passwords would mangle ordinary words; messages never contain them by construction anyway.
        if (password.length() >= 4) {
            scrubbed = scrubbed.replace(password, "***");
        }
        String basic = java.util.Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return scrubbed.replace(basic, "***");
    }

    @Override
    public String toString() {
        return "Credentials[***]";
    }
}
