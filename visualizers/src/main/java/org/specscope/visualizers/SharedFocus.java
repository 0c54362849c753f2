package org.specscope.visualizers;

import java.util.Objects;
import java.util.function.UnaryOperator;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The one {@link TraceFocus} the views of a window share: the app makes one and hands it to
 * every view ({@link TraceView#share}); a view sets it when the user clicks something it can
 * name and listens to it to highlight what it names. Never null. Used on the JavaFX thread.
 */
public final class SharedFocus {

    private final ReadOnlyObjectWrapper<TraceFocus> focus = new ReadOnlyObjectWrapper<>(this, "focus", TraceFocus.NONE);

    /** The focus as it stands, to listen to (set it through {@link #set} or {@link #update}). */
    public ReadOnlyObjectProperty<TraceFocus> focusProperty() {
        return focus.getReadOnlyProperty();
    }

    public TraceFocus get() {
        return focus.get();
    }

    /** Replaces the focus; listeners hear of it only when it differs (records compare by value). */
    public void set(TraceFocus next) {
        TraceFocus f = Objects.requireNonNull(next);
        if (!f.equals(focus.get())) {
            focus.set(f);
        }
    }

    /** Replaces the focus by {@code change} of it, e.g. {@code update(f -> f.withStep(3))}. */
    public void update(UnaryOperator<TraceFocus> change) {
        set(change.apply(focus.get()));
    }
}
