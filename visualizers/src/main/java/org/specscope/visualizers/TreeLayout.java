package org.specscope.visualizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where each node of a draft tree goes, in abstract units, with no JavaFX: a node's column is
 * its depth (the root in column 0, children one column to the right of their parent) and its
 * row comes from a tidy layout: leaves take consecutive rows in depth-first order (children by
 * ascending index, which in a breadth-first draft tree is the drafter's rank), and a parent sits
 * midway between its first and last child. Subtrees therefore occupy disjoint row ranges, so no
 * two nodes of one column share a row.
 */
public final class TreeLayout {

    private final int[] parents;
    private final int[] depth;
    private final double[] row;
    private final int[][] children;
    private final int columns;
    private final int rows;

    private TreeLayout(int[] parents) {
        int n = parents.length;
        this.parents = parents.clone();
        this.depth = new int[n];
        this.row = new double[n];
        List<List<Integer>> kids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            kids.add(new ArrayList<>());
        }
        for (int i = 1; i < n; i++) {
            int p = parents[i];
            if (p < 0 || p >= i) {
                throw new IllegalArgumentException("node " + i + " must have an earlier parent, got " + p);
            }
            kids.get(p).add(i);
        }
        this.children = new int[n][];
        for (int i = 0; i < n; i++) {
            children[i] = kids.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        int maxDepth = 0;
        for (int i = 1; i < n; i++) {
            depth[i] = depth[parents[i]] + 1;
            maxDepth = Math.max(maxDepth, depth[i]);
        }
        this.columns = n == 0 ? 0 : maxDepth + 1;
        this.rows = n == 0 ? 0 : place(0, 0);
    }

    /**
     * Lays out the tree whose node {@code i} has parent {@code parents[i]}: node 0 is the root
     * ({@code parents[0]} is ignored) and every other node's parent comes before it.
     */
    public static TreeLayout of(int... parents) {
        if (parents.length == 0) {
            throw new IllegalArgumentException("a tree has at least its root");
        }
        return new TreeLayout(parents);
    }

    /** Places the subtree of {@code node} from row {@code firstRow}; returns the next free row. */
    private int place(int node, int firstRow) {
        // iterative would be safer for very deep trees; draft trees are a few levels deep
        int[] kids = children[node];
        if (kids.length == 0) {
            row[node] = firstRow;
            return firstRow + 1;
        }
        int next = firstRow;
        for (int child : kids) {
            next = place(child, next);
        }
        row[node] = (row[kids[0]] + row[kids[kids.length - 1]]) / 2;
        return next;
    }

    public int size() {
        return parents.length;
    }

    /** The node's column: its depth. */
    public int column(int node) {
        return depth[node];
    }

    /** The node's row, a multiple of 0.5 in [0, rows - 1]. */
    public double row(int node) {
        return row[node];
    }

    public int parent(int node) {
        return node == 0 ? -1 : parents[node];
    }

    /** The node's children, ascending. */
    public int[] children(int node) {
        return children[node].clone();
    }

    /** Columns used: the tree's depth plus one. */
    public int columns() {
        return columns;
    }

    /** Rows used: the number of leaves. */
    public int rows() {
        return rows;
    }

    /** The path from the root to {@code node}, root first. */
    public int[] pathTo(int node) {
        int[] path = new int[depth[node] + 1];
        for (int i = path.length - 1, n = node; i >= 0; i--, n = parents[n]) {
            path[i] = n;
        }
        return path;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TreeLayout[");
        for (int i = 0; i < size(); i++) {
            s.append(i == 0 ? "" : ", ").append(i).append("@(").append(depth[i]).append(',').append(row[i]).append(')');
        }
        return s.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeLayout other && Arrays.equals(parents, other.parents);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parents);
    }
}
