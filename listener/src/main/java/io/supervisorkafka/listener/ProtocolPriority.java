package io.supervisorkafka.listener;

import java.util.List;

/**
 * The Linux scheduling class of the protocol loop's thread ({@code listener.protocol.priority}). supervisord hands an
 * eventlistener one event at a time and discards what no longer fits in its buffer ({@code buffer_size}, 10 by
 * default), so a loop that waits for its core behind other threads of the host (a broker's compiler, the workload) for
 * a fraction of a millisecond an event makes supervisord discard events in a burst. The loop blocks on stdin between
 * events and takes some 20 µs for one, so a real-time class costs the host next to nothing, and the kernel's RT
 * throttling ({@code sched_rt_runtime_us}) keeps 5% of each core for the rest even if it spun.
 *
 * <p>Whatever the class, it is set with {@code SCHED_RESET_ON_FORK}: a thread the loop happens to start (a JDK pool's
 * first worker) runs at normal priority.
 *
 * @param kind  the class
 * @param value the nice value (-20, the highest, to 19) or the SCHED_FIFO priority (1, the lowest, above every normal
 *              thread, to 99); 0 for {@link Kind#NORMAL}
 */
public record ProtocolPriority(Kind kind, int value) {
    public enum Kind {
        /** Unchanged: the class the listener was started in. */
        NORMAL,
        /** SCHED_OTHER at a nice value. */
        NICE,
        /** SCHED_FIFO at a real-time priority. */
        FIFO
    }

    public static final ProtocolPriority NORMAL = new ProtocolPriority(Kind.NORMAL, 0);
    private static final String FORMS = "normal, nice:N with N in -20..19, or fifo:N with N in 1..99";

    public ProtocolPriority {
        boolean inRange = switch (kind) {
            case NORMAL -> value == 0;
            case NICE -> value >= -20 && value <= 19;
            case FIFO -> value >= 1 && value <= 99;
        };
        if (!inRange) {
            throw new IllegalArgumentException(kind + " " + value + " is out of range: " + FORMS);
        }
    }

    /**
     * @param source where the value came from, for the error ({@code --protocol-priority}, a file's key)
     * @throws IllegalArgumentException one line naming the source and the forms it takes
     */
    public static ProtocolPriority parse(String source, String text) {
        String given = text.trim();
        String[] kindAndNumber = given.split(":", 2);
        IllegalArgumentException notOne = new IllegalArgumentException(
                source + ": '" + given + "' is not a protocol priority (" + FORMS + ")");
        if (given.equals("normal")) {
            return NORMAL;
        }
        if (kindAndNumber.length != 2) {
            throw notOne;
        }
        Kind kind = switch (kindAndNumber[0]) {
            case "nice" -> Kind.NICE;
            case "fifo" -> Kind.FIFO;
            default -> throw notOne;
        };
        try {
            return new ProtocolPriority(kind, Integer.parseInt(kindAndNumber[1].trim()));
        } catch (IllegalArgumentException noNumberOrOutOfRange) {
            throw notOne;
        }
    }

    /** As an operator writes it: {@code normal}, {@code nice:-10}, {@code fifo:1}. */
    public String optionValue() {
        return switch (kind) {
            case NORMAL -> "normal";
            case NICE -> "nice:" + value;
            case FIFO -> "fifo:" + value;
        };
    }

    /** As the log says it. */
    public String described() {
        return switch (kind) {
            case NORMAL -> "normal priority";
            case NICE -> "nice " + value;
            case FIFO -> "SCHED_FIFO priority " + value;
        };
    }

    /**
     * The commands that put the thread {@code tid} in this class, in order: util-linux's {@code chrt} and
     * {@code renice}, which apply to the one thread when given its id. None for {@link Kind#NORMAL}.
     */
    public List<List<String>> commands(long tid) {
        String thread = Long.toString(tid);
        return switch (kind) {
            case NORMAL -> List.of();
            case NICE -> List.of(List.of("chrt", "--reset-on-fork", "--other", "-p", "0", thread),
                    List.of("renice", "-n", Integer.toString(value), "-p", thread));
            case FIFO -> List.of(List.of("chrt", "--reset-on-fork", "--fifo", "-p", Integer.toString(value), thread));
        };
    }

    @Override
    public String toString() {
        return optionValue();
    }
}
