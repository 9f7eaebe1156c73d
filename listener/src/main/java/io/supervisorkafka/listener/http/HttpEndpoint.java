package io.supervisorkafka.listener.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** Where an HTTP server listens, on a Unix domain socket or TCP, as {@link ChannelHttpExchange} reaches it. */
public interface HttpEndpoint {

    /** The endpoint as shown in logs, records and error messages: never credentials. */
    String display();

    /** The HTTP request path. */
    String requestPath();

    /** The HTTP Host header. */
    String hostHeader();

    /** The socket address to connect to; a host name is resolved here, so call it off the hot path. */
    SocketAddress socketAddress();

    /** A server on a Unix domain socket: {@code unix:///path}. */
    interface OnUnixSocket extends HttpEndpoint {
        Path socket();

        @Override
        default String display() {
            return "unix://" + socket();
        }

        @Override
        default String hostHeader() {
            return "localhost";
        }

        @Override
        default SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(socket());
        }
    }

    /** A server on TCP: {@code http://host:port/path}. */
    interface OnTcp extends HttpEndpoint {
        String host();

        int port();

        @Override
        default String display() {
            return "http://" + hostHeader() + requestPath();
        }

        @Override
        default String hostHeader() {
            return HttpUrl.hostHeader(host(), port());
        }

        @Override
        default SocketAddress socketAddress() {
            return new InetSocketAddress(host(), port());
        }
    }
}
