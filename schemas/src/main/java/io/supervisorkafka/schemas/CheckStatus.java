package io.supervisorkafka.schemas;

/** Service-check statuses with the numeric values Datadog and StackState use. */
public enum CheckStatus {
    OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

    private final int code;

    CheckStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
