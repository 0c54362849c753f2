package org.specscope.engine.model;

/**
 * How a config's "rope_scaling" (or "rope_parameters") changes the RoPE inverse frequencies.
 * Only the kinds with a closed form that needs no sequence-length state are supported.
 */
public sealed interface RopeScaling {

    /** Rewrites inverse frequency {@code invFreq}; the identity for unscaled RoPE. */
    double scale(double invFreq);

    /** A short human description, e.g. "llama3 scaling x8". */
    String describe();

    /** Plain RoPE. */
    record None() implements RopeScaling {
        @Override
        public double scale(double invFreq) {
            return invFreq;
        }

        @Override
        public String describe() {
            return "no scaling";
        }
    }

    /** Position interpolation: every frequency divided by {@code factor}. */
    record Linear(double factor) implements RopeScaling {
        @Override
        public double scale(double invFreq) {
            return invFreq / factor;
        }

        @Override
        public String describe() {
            return "linear scaling x" + factor;
        }
    }

    /**
     * Llama 3: long wavelengths divided by {@code factor}, short ones kept, a smooth blend
     * between the two bands.
     */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions)
            implements RopeScaling {
        @Override
        public double scale(double invFreq) {
            double wavelength = 2 * Math.PI / invFreq;
            double lowFreqWavelength = originalMaxPositions / lowFreqFactor;
            double highFreqWavelength = originalMaxPositions / highFreqFactor;
            if (wavelength > lowFreqWavelength) {
                return invFreq / factor;
            }
            if (wavelength < highFreqWavelength) {
                return invFreq;
            }
            double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            return (1 - smooth) * invFreq / factor + smooth * invFreq;
        }

        @Override
        public String describe() {
            return "llama3 scaling x" + factor + " (low " + lowFreqFactor + ", high " + highFreqFactor + ", original "
                    + originalMaxPositions + ")";
        }
    }
}
