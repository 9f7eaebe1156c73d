package io.supervisorkafka.listener.http;

import java.io.IOException;

/** An HTTP exchange failed; the message names the endpoint's display form only and is fit for logs and records. */
public class HttpExchangeException extends IOException {
    public HttpExchangeException(String message) {
        super(message);
    }

    public HttpExchangeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server answered with a status other than 200; the body was not read. */
    public static final class Status extends HttpExchangeException {
        private final int code;

        public Status(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }
}
