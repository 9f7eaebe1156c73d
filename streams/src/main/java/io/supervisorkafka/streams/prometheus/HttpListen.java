package io.supervisorkafka.streams.prometheus;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the Prometheus endpoint listens: {@code --http-listen HOST:PORT} (config key {@value #KEY}). Without a host
 * ({@code 9400} or {@code :9400}) it is the loopback address: exposing the fleet's process table to the network is
 * the operator's choice ({@code 0.0.0.0:9400}, or an interface's address). Port 0 takes a free port.
 *
 * @param host a host name or an IP address literal (without brackets)
 * @param port 0 to 65535
 */
public record HttpListen(String host, int port) {

    /** The key of the {@code --config} file. */
    public static final String KEY = "http.listen";
    public static final String LOOPBACK = "127.0.0.1";

    private static final Pattern PORT_ONLY = Pattern.compile(":?([0-9]{1,5})");
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.%a-zA-Z]+)]:([0-9]{1,5})");
    private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9._-]+):([0-9]{1,5})");

    public HttpListen {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no host");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not 0 to 65535");
        }
    }

    /**
     * Parses {@code PORT}, {@code :PORT}, {@code HOST:PORT} or {@code [IPV6]:PORT}; nothing is resolved here (that
     * touches the network), only the syntax checked.
     *
     * @throws IllegalArgumentException one line naming the option and saying what is wrong
     */
    public static HttpListen parse(String value) {
        String text = value == null ? "" : value.trim();
        Matcher matcher = PORT_ONLY.matcher(text);
        if (matcher.matches()) {
            return of(LOOPBACK, matcher.group(1), value);
        }
        matcher = BRACKETED.matcher(text);
        if (!matcher.matches()) {
            matcher = HOST_PORT.matcher(text);
        }
        if (matcher.matches()) {
            return of(matcher.group(1), matcher.group(2), value);
        }
        throw new IllegalArgumentException("--http-listen (" + KEY + ") must be HOST:PORT, :PORT or PORT, not '"
                + value + "'");
    }

    private static HttpListen of(String host, String port, String value) {
        int number = Integer.parseInt(port);
        if (number > 65_535) {
            throw new IllegalArgumentException("--http-listen (" + KEY + "): port " + number
                    + " is not 0 to 65535 in '" + value + "'");
        }
        return new HttpListen(host, number);
    }

    /** {@code host:port}, an IPv6 address in brackets. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
