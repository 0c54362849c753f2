package org.specscope.engine.model;

import org.specscope.engine.MappedFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A load's monitor that asks for cancellation at its {@code n}th step, recording the steps it
 * was told and which files under a directory were mapped at that moment: a cancellation tried at
 * every step in turn shows that none of them leaves a file mapped.
 */
public final class CancelAfterStep {

    /** The steps reported, in order. */
    public final List<LoadStep> seen = new ArrayList<>();
    /** The files under the directory mapped when it cancelled (/proc/self/maps lines). */
    public final List<String> mappedWhenCancelled = new ArrayList<>();
    public final LoadMonitor monitor;

    public CancelAfterStep(int n, Path dir) {
        AtomicBoolean cancelled = new AtomicBoolean();
        monitor = LoadMonitor.of(step -> {
            seen.add(step);
            if (seen.size() == n) {
                mappedWhenCancelled.addAll(MappedFiles.under(dir));
                cancelled.set(true);
            }
        }, cancelled::get);
    }
}
