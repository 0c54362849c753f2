package org.specscope.engine.model.tokenizer;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model: turns one pre-tokenised word into token ids. The word starts as one symbol
 * per character (an unknown character becomes its {@code <0xNN>} byte tokens when byte
 * fallback is on, else the unknown token); then the adjacent pair with the lowest merge rank,
 * leftmost on ties, is merged until no pair has a rule. A heap over a linked list of symbols
 * keeps that at O(n log n) per word; results for short words are cached (bounded).
 */
final class BpeModel {

    private static final int CACHE_CAPACITY = 10_000;
    private static final int MAX_CACHED_LENGTH = 256;

    private final Map<String, Integer> vocab;
    private final MergeTable merges;
    private final int unkId;
    private final boolean fuseUnk;
    private final int[] byteTokenIds;
    private final String continuingSubwordPrefix;
    private final String endOfWordSuffix;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab                   token text to id
     * @param merges                  the merge rules
     * @param unkId                   the unknown token's id, or -1 when there is none (unknown characters are then dropped)
     * @param fuseUnk                 whether consecutive unknown characters share one unknown token
     * @param byteTokenIds            ids of {@code <0x00>}..{@code <0xFF>} (-1 where absent), or null without byte fallback
     * @param continuingSubwordPrefix prefix of every symbol but the first, or null
     * @param endOfWordSuffix         suffix of the last symbol, or null
     * @param ignoreMerges            whether a word that is itself in the vocabulary is emitted as is
     */
    BpeModel(Map<String, Integer> vocab, MergeTable merges, int unkId, boolean fuseUnk, int[] byteTokenIds,
             String continuingSubwordPrefix, String endOfWordSuffix, boolean ignoreMerges) {
        this.vocab = Map.copyOf(vocab);
        this.merges = merges;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.byteTokenIds = byteTokenIds == null ? null : byteTokenIds.clone();
        this.continuingSubwordPrefix = continuingSubwordPrefix;
        this.endOfWordSuffix = endOfWordSuffix;
        this.ignoreMerges = ignoreMerges;
    }

    /** Appends the ids of one word. */
    void tokenize(String word, IntList out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int[] cached = cache.get(word);
        if (cached != null) {
            out.addAll(cached);
            return;
        }
        int[] ids = mergeWord(word);
        if (word.length() < MAX_CACHED_LENGTH && cache.size() < CACHE_CAPACITY) {
            cache.putIfAbsent(word, ids);
        }
        out.addAll(ids);
    }

    private int[] mergeWord(String word) {
        IntList symbols = initialSymbols(word);
        int n = symbols.size();
        int[] sym = symbols.toArray();
        if (n < 2) {
            return sym;
        }
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap queue = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long rule = merges.find(sym[i], sym[i + 1]);
            if (rule != MergeTable.ABSENT) {
                queue.push(entry(MergeTable.rank(rule), i));
            }
        }
        while (!queue.isEmpty()) {
            long top = queue.pop();
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            int right = next[pos];
            if (sym[pos] < 0 || right < 0) {
                continue;
            }
            long rule = merges.find(sym[pos], sym[right]);
            if (rule == MergeTable.ABSENT || MergeTable.rank(rule) != rank) {
                continue; // stale: one side changed since this pair was queued
            }
            sym[pos] = MergeTable.mergedId(rule);
            sym[right] = -1;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
            }
            if (prev[pos] >= 0) {
                long before = merges.find(sym[prev[pos]], sym[pos]);
                if (before != MergeTable.ABSENT) {
                    queue.push(entry(MergeTable.rank(before), prev[pos]));
                }
            }
            if (next[pos] >= 0) {
                long after = merges.find(sym[pos], sym[next[pos]]);
                if (after != MergeTable.ABSENT) {
                    queue.push(entry(MergeTable.rank(after), pos));
                }
            }
        }
        IntList result = new IntList(n);
        for (int i = 0; i >= 0; i = next[i]) {
            result.add(sym[i]);
        }
        return result.toArray();
    }

    /** One symbol per character; byte fallback or the unknown token for characters outside the vocabulary. */
    private IntList initialSymbols(String word) {
        IntList symbols = new IntList(word.length());
        boolean pendingUnk = false;
        int n = word.length();
        for (int i = 0; i < n; ) {
            int end = i + Character.charCount(word.codePointAt(i));
            String s = word.substring(i, end);
            if (i > 0 && continuingSubwordPrefix != null) {
                s = continuingSubwordPrefix + s;
            }
            if (end == n && endOfWordSuffix != null) {
                s = s + endOfWordSuffix;
            }
            i = end;
            Integer id = vocab.get(s);
            if (id != null) {
                if (pendingUnk) {
                    symbols.add(unkId);
                    pendingUnk = false;
                }
                symbols.add(id);
                continue;
            }
            int[] bytes = byteFallback(s);
            if (bytes != null) {
                if (pendingUnk) {
                    symbols.add(unkId);
                    pendingUnk = false;
                }
                symbols.addAll(bytes);
                continue;
            }
            if (unkId >= 0) {
                if (pendingUnk && !fuseUnk) {
                    symbols.add(unkId);
                }
                pendingUnk = true;
            }
        }
        if (pendingUnk) {
            symbols.add(unkId);
        }
        return symbols;
    }

    private int[] byteFallback(String s) {
        if (byteTokenIds == null) {
            return null;
        }
        byte[] bytes = Utf8.encode(s);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = byteTokenIds[bytes[i] & 0xFF];
            if (ids[i] < 0) {
                return null;
            }
        }
        return ids;
    }

    private static long entry(int rank, int pos) {
        return ((long) rank << 32) | pos;
    }

    /** A binary min-heap of longs: (rank, position) packed so that lower rank, then leftmost, comes first. */
    private static final class LongHeap {
        private long[] heap;
        private int size;

        LongHeap(int capacity) {
            heap = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long value) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= value) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = value;
        }

        long pop() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= last) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }
}
