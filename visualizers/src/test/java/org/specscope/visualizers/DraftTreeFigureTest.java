package org.specscope.visualizers;

import static org.assertj.core.api.Assertions.assertThat;

import javafx.geometry.Bounds;
import org.junit.jupiter.api.Test;

/** Where the draft tree's nodes go on a canvas: columns and rows scale independently. */
class DraftTreeFigureTest {

    /** A tall tree of 61 nodes: a root, 4 children, 14 grandchildren each (56 leaves, 3 columns). */
    private static TreeLayout tallTree() {
        int[] parents = new int[61];
        for (int i = 1; i <= 4; i++) {
            parents[i] = 0;
        }
        for (int i = 5; i < 61; i++) {
            parents[i] = 1 + (i - 5) / 14;
        }
        return TreeLayout.of(parents);
    }

    @Test
    void aTallTreeSpreadsItsColumnsAcrossAWideCanvasWithReadableBoxes() {
        TreeLayout layout = tallTree();
        DraftTreeFigure.Placement place = DraftTreeFigure.place(layout, 1200, 600);
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        for (Bounds b : place.bounds()) {
            minX = Math.min(minX, b.getMinX());
            maxX = Math.max(maxX, b.getMaxX());
            assertThat(b.getWidth()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_BOX_W);
            assertThat(b.getHeight()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_BOX_H);
        }
        assertThat(maxX - minX).as("the width the tree uses").isGreaterThan(0.6 * 1200);
        assertThat(place.bounds()[0].getWidth()).isEqualTo(DraftTreeFigure.BOX_W);   // x has room: full boxes
        assertThat(place.fontSize()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_FONT_SIZE);
        for (int i = 0; i < layout.size(); i++) {
            for (int j = i + 1; j < layout.size(); j++) {
                assertThat(place.bounds()[i].intersects(place.bounds()[j])).as("%d and %d overlap", i, j).isFalse();
            }
        }
    }

    @Test
    void rowsSpreadAcrossTheHeightAndAWideTreeKeepsItsHeight() {
        // a chain of 12: many columns, one row
        int[] chain = new int[12];
        for (int i = 1; i < chain.length; i++) {
            chain[i] = i - 1;
        }
        DraftTreeFigure.Placement wide = DraftTreeFigure.place(TreeLayout.of(chain), 800, 400);
        Bounds first = wide.bounds()[0];
        Bounds last = wide.bounds()[11];
        assertThat(last.getMaxX()).isLessThanOrEqualTo(800 - DraftTreeFigure.MARGIN + 1e-9);
        assertThat(first.getHeight()).as("rows are not shrunk with the columns").isEqualTo(DraftTreeFigure.BOX_H);
        assertThat(first.getWidth()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_BOX_W);
        // a root with 3 leaves on a tall canvas: rows spread out, boxes keep their natural size
        DraftTreeFigure.Placement tall = DraftTreeFigure.place(TreeLayout.of(0, 0, 0, 0), 400, 600);
        double span = tall.bounds()[3].getMaxY() - tall.bounds()[1].getMinY();
        assertThat(span).isGreaterThan(2 * 3 * DraftTreeFigure.ROW_STEP - DraftTreeFigure.ROW_STEP);
        assertThat(tall.bounds()[1].getHeight()).isEqualTo(DraftTreeFigure.BOX_H);
        assertThat(tall.fontSize()).isEqualTo(DraftTreeFigure.FONT_SIZE);
    }
}
