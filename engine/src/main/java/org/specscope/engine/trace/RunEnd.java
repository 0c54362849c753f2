package org.specscope.engine.trace;

/**
 * How a run ended: written last.
 *
 * @param stopReason   END_OF_SEQUENCE, MAX_TOKENS, CONTEXT_FULL or CANCELLED
 * @param steps        steps taken
 * @param generatedIds every generated token
 * @param text         their text
 * @param elapsedNanos the run's decode time on its clock (prefill excluded)
 */
public record RunEnd(String stopReason, int steps, IntSeq generatedIds, String text, long elapsedNanos) {
}
