package io.supervisorkafka.streams.common;

/** A service check of a source's catalog: implemented by the catalog's enum of checks, which the processors use. */
public interface CheckEntry {

    CheckSpec spec();

    /** The check's name, as {@link io.supervisorkafka.schemas.ServiceCheck#check()} carries it. */
    default String checkName() {
        return spec().name();
    }
}
