package org.specscope.engine.model.tokenizer;

/**
 * A token declared in tokenizer.json's {@code added_tokens}: matched verbatim in the input
 * before any other processing (chat markers, BOS/EOS and the like), never split by BPE.
 *
 * @param id         its id
 * @param content    the exact text that stands for it
 * @param special    whether it is a control token (skipped by {@code decode(ids, true)})
 * @param singleWord matched only when not inside a word
 * @param leftStrip  swallows the white space before it
 * @param rightStrip swallows the white space after it
 * @param normalized matched against the normalised text rather than the raw input
 */
public record AddedToken(int id, String content, boolean special, boolean singleWord,
                         boolean leftStrip, boolean rightStrip, boolean normalized) {
}
