package com.aicredits.shared;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every outbox worker runs (webhook deliveries, e-mail): call {@code work} (claim a batch of due rows,
 * handle it, say how many) again at once while it finds some, else wait for a {@link #wake()} (a commit wrote
 * rows) or the poll interval (rows due for a retry, or written on another instance), whichever comes first. A
 * failing database only delays the rows, which wait in their table: the loop logs and tries again at the next poll.
 */
public final class OutboxLoop {

    private static final Logger log = LoggerFactory.getLogger(OutboxLoop.class);

    private final String name;
    private final Duration pollInterval;
    private final IntSupplier work;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile Thread thread;
    private volatile boolean running;

    public OutboxLoop(String name, Duration pollInterval, IntSupplier work) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.work = work;
    }

    /** A commit wrote rows: look now instead of at the next poll. */
    public void wake() {
        wakeUps.release();
    }

    public void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
    }

    /**
     * Lets the batch in flight finish (and record its outcomes) for up to {@code grace}, then interrupts it; rows it
     * had claimed are taken over by another instance, or the next start, when their leases run out.
     */
    public void stop(Duration grace) {
        running = false;
        wakeUps.release();
        var loop = thread;
        if (loop != null) {
            try {
                loop.join(grace);
                if (loop.isAlive()) {
                    loop.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try {
                if (work.getAsInt() == 0) {
                    wakeUps.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("{}: {}", name, e.toString());
                try {
                    Thread.sleep(pollInterval.toMillis());
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
