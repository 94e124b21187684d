package com.aicredits.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code load} command: closed-loop clients (one platform thread each, blocking Apache HttpClient calls over
 * pooled HTTP/1.1 keep-alive connections), latencies recorded in HdrHistogram per client and merged.
 *
 * <p>Closed-loop: each client waits for its answer before sending the next request, so latencies are
 * service times under that concurrency (no coordinated-omission correction; throughput is the result).
 */
final class Load {

    final Workloads workloads;
    final List<Integer> levels = new ArrayList<>();
    final Duration duration;
    final Duration warmup;
    final Duration jitWarmup;
    final List<String> workloadNames;
    final int adminChargeClients;
    final long serverPid;
    final Path out;
    final LoadReport report = new LoadReport();

    Load(Map<String, String> opts) throws IOException {
        workloads = new Workloads(opts);
        for (String l : opts.getOrDefault("concurrency", "1,8,32,128").split(",")) levels.add(Integer.parseInt(l.trim()));
        duration = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("duration", "10")) * 1000));
        warmup = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("warmup", "2")) * 1000));
        jitWarmup = Duration.ofMillis((long) (Double.parseDouble(opts.getOrDefault("jit-warmup", "0")) * 1000));
        workloadNames = List.of(opts.getOrDefault("workloads", "health,charge,pair,balance,admin").split(","));
        adminChargeClients = Integer.parseInt(opts.getOrDefault("admin-charge-clients", "8"));
        serverPid = Long.parseLong(opts.getOrDefault("server-pid", "0"));
        out = Path.of(opts.getOrDefault("out", "bench/target"));
    }

    /**
     * Every workload unmeasured for the JIT warm-up, then at every level, then load.md and load.env in the out
     * directory; the exit status.
     */
    int run() throws Exception {
        System.out.printf(Locale.ROOT, "tenant %s, %d users, levels %s, %ss per level (+%ss warm-up)%n", workloads.tenant,
                workloads.users, levels, duration.toMillis() / 1000.0, warmup.toMillis() / 1000.0);
        warmUp();
        for (String w : workloadNames) {
            for (int c : levels) {
                drive(w, c, warmup, duration);
            }
        }
        report.write(out, workloads.consumedThousandths.get());
        if (!workloads.errorSamples.isEmpty()) {
            System.out.println("error samples:");
            workloads.errorSamples.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        }
        System.out.println("successful consumption this run: " + workloads.consumedThousandths.get() / 1000.0
                + " credits; errors " + report.totalErrors);
        return 0;
    }

    /**
     * Every workload once, unmeasured, for the JIT-warm-up time: the service's JVM compiles a path only after running
     * it a while, and on two cores shared with the load the compilers took their own CPU for half a minute after the
     * first charges (session 21: charge at 32 clients 2,408/s in a first 20 s window right after start, 3,859 and
     * 4,005/s in the next two). The per-level warm-up is too short for that; this runs before any level is measured.
     */
    void warmUp() throws Exception {
        if (jitWarmup.isZero()) {
            return;
        }
        int clients = Math.min(32, levels.stream().max(Integer::compare).orElseThrow());
        System.out.printf(Locale.ROOT, "JIT warm-up: each workload %ss at %d clients, unmeasured%n",
                jitWarmup.toMillis() / 1000.0, clients);
        for (String w : workloadNames) {
            drive(w, clients, jitWarmup, Duration.ZERO);
        }
    }

    /**
     * One workload at one level: the clients warm up, are measured for the duration, and stop; one report row. Only the
     * warm-up, and no row, when the duration is zero.
     */
    private void drive(String workload, int clients, Duration warmUpFor, Duration measureFor) throws Exception {
        Workloads.Client main = workloads.workload(workload);
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        // The admin workload runs beside a background charge load (not reported in its own row).
        int background = List.of("admin", "usage", "forecast", "runway").contains(workload) ? adminChargeClients : 0;
        List<Recorder> backgroundRecorders = new ArrayList<>();
        for (int i = 0; i < clients + background; i++) {
            Recorder rec = workloads.recorder();
            boolean isBackground = i >= clients;
            (isBackground ? backgroundRecorders : recorders).add(rec);
            Workloads.Client client = isBackground ? workloads.workload("charge") : main;
            Thread t = Thread.ofPlatform().name(workload + "-" + i).daemon(true).start(() -> {
                while (!stop.get()) {
                    long start = System.nanoTime();
                    try {
                        client.step(rec);
                    } catch (Exception e) {
                        rec.errors++;
                    }
                    if (rec.recording) rec.units.recordValue(System.nanoTime() - start);
                }
            });
            threads.add(t);
        }
        Thread.sleep(warmUpFor.toMillis());
        if (measureFor.isZero()) {
            stop.set(true);
            for (Thread t : threads) t.join(35_000);
            return;
        }
        for (Recorder r : recorders) r.recording = true;
        for (Recorder r : backgroundRecorders) r.recording = true;
        Cpu before = Cpu.sample(serverPid);
        long t0 = System.nanoTime();
        Thread.sleep(measureFor.toMillis());
        for (Recorder r : recorders) r.recording = false;
        for (Recorder r : backgroundRecorders) r.recording = false;
        double seconds = (System.nanoTime() - t0) / 1e9;
        Cpu after = Cpu.sample(serverPid);
        stop.set(true);
        for (Thread t : threads) t.join(35_000);
        report.add(workload, clients, seconds, recorders, backgroundRecorders, after.describe(before, seconds));
    }
}
