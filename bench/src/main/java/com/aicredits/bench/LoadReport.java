package com.aicredits.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The load's results: the Markdown table bench/run.sh copies into results.md (load.md), and the throughputs, the
 * client-counted consumption and the error count it reads back (load.env).
 */
final class LoadReport {

    final List<String> rows = new ArrayList<>();
    final Map<String, Double> throughput = new LinkedHashMap<>();
    long totalErrors;

    LoadReport() {
        rows.add("| workload | clients | ops/s | calls/s | p50 ms | p95 ms | p99 ms | max ms | errors | client CPU (cores) | server JVM CPU (cores) | machine busy |");
        rows.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    /** Merges one level's recorders into its rows, and prints them. */
    void add(String workload, int clients, double seconds, List<Recorder> recorders, List<Recorder> backgroundRecorders,
            String cpu) {
        int background = backgroundRecorders.size();
        Histogram units = Recorder.histogram();
        Map<String, Histogram> calls = new LinkedHashMap<>();
        long errors = 0;
        for (Recorder r : recorders) {
            units.add(r.units);
            r.calls.forEach((k, h) -> calls.computeIfAbsent(k, x -> Recorder.histogram()).add(h));
            errors += r.errors;
        }
        long bgErrors = 0;
        Histogram bgCharges = Recorder.histogram();
        for (Recorder r : backgroundRecorders) {
            bgCharges.add(r.units);
            bgErrors += r.errors;
        }
        totalErrors += errors + bgErrors;
        // A batch call is BATCH_ITEMS charges: its row and its throughput are in charges/s, comparable with charge.
        double ops = units.getTotalCount() / seconds * (workload.equals("batch") ? Workloads.BATCH_ITEMS : 1);
        long allCalls = calls.values().stream().mapToLong(Histogram::getTotalCount).sum();
        throughput.put(workload + "_" + clients, ops);
        // One row per unit of work (a pair, or summary+page), then one per call inside it when there are several.
        String label = switch (workload) {
            case "pair" -> "authorize+settle pair";
            case "batch" -> "batch charges (" + Workloads.BATCH_ITEMS + " a call; ops/s = charges/s)";
            case "admin" -> "admin summary+page (+" + background + " charge clients)";
            case "usage", "forecast", "runway" -> workload + " (+" + background + " charge clients)";
            default -> workload;
        };
        rows.add(row(label, clients, ops, allCalls / seconds, units, errors, cpu));
        if (calls.size() > 1) {
            calls.forEach((name, h) -> rows.add(row("  " + name, clients, h.getTotalCount() / seconds, Double.NaN, h, -1, "")));
        }
        if (background > 0) {
            rows.add(row("  background charge", background, bgCharges.getTotalCount() / seconds, Double.NaN, bgCharges, bgErrors, ""));
        }
        System.out.println(rows.get(rows.size() - 1 - (calls.size() > 1 ? calls.size() : 0) - (background > 0 ? 1 : 0)));
        if (calls.size() > 1) for (int i = rows.size() - calls.size() - (background > 0 ? 1 : 0); i < rows.size(); i++) System.out.println(rows.get(i));
        else if (background > 0) System.out.println(rows.get(rows.size() - 1));
    }

    /** Writes load.md and load.env into the out directory. */
    void write(Path out, long consumedThousandths) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("load.md"), String.join("\n", rows) + "\n");
        StringBuilder env = new StringBuilder();
        throughput.forEach((k, v) -> env.append("TPUT_").append(k.replace('-', '_')).append('=')
                .append(String.format(Locale.ROOT, "%.1f", v)).append('\n'));
        env.append("CONSUMED_THOUSANDTHS=").append(consumedThousandths).append('\n');
        env.append("ERRORS=").append(totalErrors).append('\n');
        Files.writeString(out.resolve("load.env"), env.toString());
    }

    static String row(String label, int clients, double ops, double calls, Histogram h, long errors, String cpu) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %s | %.2f | %.2f | %.2f | %.1f | %s | %s", label, clients, rate(ops),
                Double.isNaN(calls) ? "" : rate(calls),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()), errors < 0 ? "" : Long.toString(errors), cpu.isEmpty() ? " | | |" : cpu);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, perSecond < 100 ? "%.1f" : "%.0f", perSecond);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}

