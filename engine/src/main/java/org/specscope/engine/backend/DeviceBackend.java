package org.specscope.engine.backend;

import org.specscope.engine.model.Model;

import java.util.Optional;

/** A backend on a device with its own memory, which can tell before loading whether a model fits. */
public interface DeviceBackend extends Backend {

    /** Why {@code model} cannot be loaded here (too little free memory), or empty when it can. */
    Optional<String> cannotLoad(Model model);
}
