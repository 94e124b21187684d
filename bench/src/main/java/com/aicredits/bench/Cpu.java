package com.aicredits.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** CPU time of this process, of the server's JVM (from /proc) and of the whole machine, at one instant. */
record Cpu(long clientNanos, long serverTicks, long machineBusy, long machineTotal) {
    static Cpu sample(long serverPid) {
        long client = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long server = -1;
        if (serverPid > 0) {
            try {
                String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                server = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
            } catch (Exception e) {
                server = -1;
            }
        }
        long busy = -1, total = -1;
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            total = 0;
            for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
            busy = total - Long.parseLong(f[4]) - Long.parseLong(f[5]); // minus idle and iowait
        } catch (Exception e) {
            busy = -1;
        }
        return new Cpu(client, server, busy, total);
    }

    String describe(Cpu before, double seconds) {
        String client = String.format(Locale.ROOT, "%.2f", (clientNanos - before.clientNanos) / 1e9 / seconds);
        String server = serverTicks < 0 || before.serverTicks < 0 ? "?"
                : String.format(Locale.ROOT, "%.2f", (serverTicks - before.serverTicks) / 100.0 / seconds);
        String machine = machineTotal <= before.machineTotal ? "?"
                : String.format(Locale.ROOT, "%.0f%%", 100.0 * (machineBusy - before.machineBusy) / (machineTotal - before.machineTotal));
        return client + " | " + server + " | " + machine + " |";
    }
}
