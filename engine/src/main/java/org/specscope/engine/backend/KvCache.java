package org.specscope.engine.backend;

/** The keys and values of the tokens a sequence has seen so far, one slot per token. */
public interface KvCache {

    /** Tokens held. */
    int length();

    /** Tokens it can hold. */
    int capacity();

    /** Forgets every token from slot {@code length} on (rejected drafts, a rewind). */
    void truncate(int length);
}
