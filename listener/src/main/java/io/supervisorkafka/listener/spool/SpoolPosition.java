package io.supervisorkafka.listener.spool;

/**
 * A place in the spool: before the record with sequence number {@code seq}, which starts at byte {@code offset} of the
 * segment whose first record is {@code segmentBase}. Sequence numbers count every record ever appended to the spool
 * and keep growing across restarts.
 */
public record SpoolPosition(long segmentBase, long offset, long seq) implements Comparable<SpoolPosition> {

    @Override
    public int compareTo(SpoolPosition other) {
        return Long.compare(seq, other.seq);
    }
}
