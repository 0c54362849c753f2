package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceFocusTest {

    @Test
    void unsetIsMinusOneAndANodeNeedsAStep() {
        assertThat(new TraceFocus(-7, -2, -3, -4)).isEqualTo(TraceFocus.NONE);
        assertThat(new TraceFocus(-1, 2, 3, 4).node()).as("a node of the newest step would move on").isEqualTo(-1);
        assertThat(new TraceFocus(5, 2, 3, 4).node()).isEqualTo(4);
    }

    @Test
    void aStepChangeKeepsLayerAndExpertButDropsTheNode() {
        TraceFocus f = new TraceFocus(5, 2, 3, 4);
        assertThat(f.withStep(5)).isEqualTo(f);
        assertThat(f.withStep(6)).isEqualTo(new TraceFocus(6, 2, 3, -1));
        assertThat(f.withStep(-1)).isEqualTo(new TraceFocus(-1, 2, 3, -1));
        assertThat(f.cleared()).isEqualTo(TraceFocus.ofStep(5));
    }

    @Test
    void aNewLayerDropsTheExpertWhoseIdWasTheOldLayers() {
        TraceFocus f = new TraceFocus(5, 2, 3, 4);
        assertThat(f.withLayer(2)).isEqualTo(f);
        assertThat(f.withLayer(7)).isEqualTo(new TraceFocus(5, 7, -1, 4));
        assertThat(f.withLayerExpert(7, 1)).isEqualTo(new TraceFocus(5, 7, 1, 4));
        assertThat(f.withNode(9, 0)).isEqualTo(new TraceFocus(9, 2, 3, 0));
    }

    @Test
    void describesWhatIsSet() {
        assertThat(new TraceFocus(12, 3, 17, 5).describe()).isEqualTo("step 12 \u00b7 layer 3 \u00b7 expert 17 \u00b7 node 5");
        assertThat(new TraceFocus(-1, 3, -1, -1).describe()).isEqualTo("newest step \u00b7 layer 3");
    }

    @Test
    void theSharedFocusTellsOnlyOfChanges() {
        SharedFocus shared = new SharedFocus();
        List<TraceFocus> heard = new ArrayList<>();
        shared.focusProperty().addListener((o, was, now) -> heard.add(now));
        shared.set(new TraceFocus(3, 1, 2, -1));
        shared.set(new TraceFocus(3, 1, 2, -1));   // equal, though another record
        shared.update(f -> f.withStep(4));
        assertThat(heard).containsExactly(new TraceFocus(3, 1, 2, -1), new TraceFocus(4, 1, 2, -1));
        assertThat(shared.get()).isEqualTo(new TraceFocus(4, 1, 2, -1));
    }
}
