package io.supervisorkafka.schemas.cli;

import java.util.regex.Pattern;

/**
 * A glob on a name as operators write them for server ids ({@code *} any characters, {@code ?} one, the rest
 * literal), compiled once: the watch rules of the Streams app and {@code status --server} match every record with it.
 */
public record Glob(String text, Pattern pattern) {

    public static Glob of(String text) {
        StringBuilder regex = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(text, Pattern.compile(regex.toString()));
    }

    /** Whether the whole of {@code name} matches. */
    public boolean matches(String name) {
        return pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
