package com.aicredits.shared;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Concurrent reads of one key share one computation, as group commit shares one transaction between writes: the
 * heavy admin reads (a forecast, a table page) that every open AI Credits tab of a tenant asks for at the same moment
 * when a live update arrives, and that cost the same whoever asks.
 *
 * <p>A read never gets an answer computed before it arrived: it joins the next computation to start, never one already
 * running (it waits for that one to end first). So every answer reflects the ledger as of some moment between the
 * read's arrival and its answer, as an unshared read's does, and a reader sees its own writes. At most one
 * computation per key runs at a time; readers of a key arriving while one runs share the next.
 *
 * <p>Answers are handed to several callers: they must be immutable. A failed computation fails every read that
 * shared it, with the same exception.
 */
public final class JoinedReads<K, V> {

    private static final class Round<V> {
        final CompletableFuture<V> answer = new CompletableFuture<>();
    }

    /** A key's computation running now, if any, and the one its newer readers wait to start. */
    private static final class Slot<V> {
        Round<V> running;
        Round<V> next;
    }

    private final Map<K, Slot<V>> slots = new HashMap<>();

    public V read(K key, Supplier<V> computation) {
        Slot<V> slot;
        Round<V> mine;
        Round<V> before = null;
        boolean leads;
        synchronized (this) {
            slot = slots.computeIfAbsent(key, k -> new Slot<>());
            leads = slot.next == null;
            if (!leads) {
                mine = slot.next;
            } else {
                mine = new Round<>();
                before = slot.running;
                if (before == null) {
                    slot.running = mine;
                } else {
                    slot.next = mine;
                }
            }
        }
        if (leads) {
            compute(key, slot, mine, before, computation);
        }
        return answer(mine);
    }

    /** Waits for the round running before {@code mine} to end, then runs {@code mine}, in the leading reader's thread. */
    private void compute(K key, Slot<V> slot, Round<V> mine, Round<V> before, Supplier<V> computation) {
        if (before != null) {
            before.answer.handle((value, failure) -> null).join();
            synchronized (this) {
                slot.running = mine;
                slot.next = null;
            }
        }
        V value = null;
        Throwable failure = null;
        try {
            value = computation.get();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // The slot is left before the answer is given: the next round's leader starts once the answer is given.
        synchronized (this) {
            slot.running = null;
            if (slot.next == null) {
                slots.remove(key);
            }
        }
        if (failure == null) {
            mine.answer.complete(value);
        } else {
            mine.answer.completeExceptionally(failure);
        }
    }

    private static <V> V answer(Round<V> round) {
        try {
            return round.answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** How many keys have a computation running or waiting (for tests: none once every read has its answer). */
    synchronized int busyKeys() {
        return slots.size();
    }
}
