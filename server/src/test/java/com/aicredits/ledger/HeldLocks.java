package com.aicredits.ledger;

import java.sql.Connection;
import java.sql.SQLException;

/** For tests that hold a row lock on a connection of their own to catch a ledger statement waiting for it. */
final class HeldLocks {

    private HeldLocks() {
    }

    /** Until some session waits for a lock {@code holder} has (polls for up to 10 s). */
    static void awaitWaiterOn(Connection holder) throws SQLException, InterruptedException {
        for (int poll = 0; poll < 1_000; poll++) {
            try (var rs = holder.createStatement().executeQuery(
                    "select count(*) from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing waited for the held lock within 10 s");
    }
}
