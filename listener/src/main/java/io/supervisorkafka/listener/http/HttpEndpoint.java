package io.supervisorkafka.listener.http;

import java.net.SocketAddress;

/** Where an HTTP server listens, on a Unix domain socket or TCP, as {@link ChannelHttpExchange} reaches it. */
public interface HttpEndpoint {

    /** The endpoint as shown in logs, records and error messages: never credentials. */
    String display();

    /** The HTTP Host header. */
    String hostHeader();

    /** The socket address to connect to; a host name is resolved here, so call it off the hot path. */
    SocketAddress socketAddress();
}
