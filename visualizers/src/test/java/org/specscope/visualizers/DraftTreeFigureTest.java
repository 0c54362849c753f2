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

    /** The tall tree of {@link Traces#tall}, its bonus node included, as the figure lays it out. */
    private static TreeLayout eagleSized() {
        var tree = Traces.tall(1).tree();
        int[] parents = new int[tree.size() + 1];
        for (int i = 0; i < tree.size(); i++) {
            parents[i] = tree.parents().get(i);
        }
        parents[tree.size()] = 7; // the bonus, after the last accepted node
        return TreeLayout.of(parents);
    }

    @Test
    void aTreeTooTallForTheCanvasNeedsATallerOneAndFitsItAtAReadableSize() {
        TreeLayout layout = eagleSized();
        assertThat(layout.rows()).isEqualTo(65);
        // on a 900 x 500 canvas the rows cannot shrink enough: boxes would run off the bottom
        Bounds[] squeezed = DraftTreeFigure.place(layout, 900, 500).bounds();
        assertThat(java.util.Arrays.stream(squeezed).mapToDouble(Bounds::getMaxY).max().orElseThrow())
                .isGreaterThan(500);

        javafx.geometry.Dimension2D need = DraftTreeFigure.neededSize(layout, 900, 500);
        assertThat(need.getWidth()).isEqualTo(900);
        assertThat(need.getHeight()).isGreaterThan(500);
        DraftTreeFigure.Placement place = DraftTreeFigure.place(layout, need.getWidth(), need.getHeight());
        for (int i = 0; i < layout.size(); i++) {
            Bounds b = place.bounds()[i];
            assertThat(b.getMinX()).as("node %d", i).isGreaterThanOrEqualTo(0);
            assertThat(b.getMinY()).as("node %d", i).isGreaterThanOrEqualTo(0);
            assertThat(b.getMaxX()).as("node %d", i).isLessThanOrEqualTo(need.getWidth());
            assertThat(b.getMaxY()).as("node %d", i).isLessThanOrEqualTo(need.getHeight());
            assertThat(b.getHeight()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_BOX_H);
            assertThat(b.getWidth()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_BOX_W);
            for (int j = i + 1; j < layout.size(); j++) {
                assertThat(b.intersects(place.bounds()[j])).as("%d and %d overlap", i, j).isFalse();
            }
        }
        assertThat(place.fontSize()).isGreaterThanOrEqualTo(DraftTreeFigure.MIN_FONT_SIZE);
    }

    @Test
    void aTreeThatFitsNeedsNoMoreThanTheCanvasAndATooDeepOneNeedsItWider() {
        assertThat(DraftTreeFigure.neededSize(TreeLayout.of(-1, 0, 0, 1, 1, 3), 900, 500))
                .isEqualTo(new javafx.geometry.Dimension2D(900, 500));
        int[] chain = new int[24];
        for (int i = 1; i < chain.length; i++) {
            chain[i] = i - 1;
        }
        javafx.geometry.Dimension2D need = DraftTreeFigure.neededSize(TreeLayout.of(chain), 600, 400);
        assertThat(need.getWidth()).isGreaterThan(600);
        assertThat(need.getHeight()).isEqualTo(400);
        Bounds last = DraftTreeFigure.place(TreeLayout.of(chain), need.getWidth(), need.getHeight()).bounds()[23];
        assertThat(last.getMaxX()).isLessThanOrEqualTo(need.getWidth());
    }
}
