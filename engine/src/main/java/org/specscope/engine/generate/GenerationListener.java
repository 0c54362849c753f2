package org.specscope.engine.generate;

/** Told of each generated token as soon as it is chosen (for streaming output). */
@FunctionalInterface
public interface GenerationListener {

    GenerationListener NONE = (index, tokenId) -> { };

    /** The {@code index}-th generated token (0-based). */
    void onToken(int index, int tokenId);
}
