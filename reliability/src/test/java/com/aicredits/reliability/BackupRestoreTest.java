package com.aicredits.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time recovery, proven: under the mixed load, a base backup of a WAL-archiving PostgreSQL, more load, a
 * named restore point, more load; then a new cluster made from the base backup and the archive, recovered up to
 * that point. The restored ledger is a prefix of the original (every entry in it is in the original, as it was),
 * holds every operation acknowledged before the restore point, and the service started on it finds no drift.
 */
class BackupRestoreTest {

    private static final int CLIENTS = 16;
    private static final String POINT = "before-the-accident";

    @Test
    void aBaseBackupAndTheWalArchiveRestoreTheLedgerAsItStoodAtARestorePoint() throws Exception {
        try (var rig = Rig.start("backup-restore", List.of(), dir -> ArchivingDatabase.create(dir.resolve("primary")))) {
            var primary = rig.database;
            var dir = primary.archive().getParent().getParent();
            var base = primary.archive().resolveSibling("base");
            rig.workload.start(CLIENTS);
            ServiceProcess.pause(Duration.ofSeconds(3));
            primary.baseBackup(base);
            ServiceProcess.pause(Duration.ofSeconds(3));
            // Everything answered now was committed before the restore point is written.
            var acknowledged = rig.journal.all().stream().filter(a -> a.operation().kind().isAdmin() && a.outcome().applied())
                    .map(a -> a.operation().id()).toList();
            primary.restorePoint(POINT);
            ServiceProcess.pause(Duration.ofSeconds(3));
            rig.workload.stop();

            Set<String> original;
            try (var db = primary.connect()) {
                original = entries(db);
            }
            try (var restored = ArchivingDatabase.restore(base, primary.archive(), POINT, dir.resolve("restored"))) {
                Set<String> back;
                Set<String> keys = new HashSet<>();
                try (var db = restored.connect()) {
                    back = entries(db);
                    try (var rs = db.createStatement().executeQuery(
                            "select idempotency_key from ledger_entries where idempotency_key is not null")) {
                        while (rs.next()) {
                            keys.add(rs.getString(1));
                        }
                    }
                }
                assertThat(original).as("the original ledger").containsAll(back);
                assertThat(back.size()).as("entries restored, of %d", original.size()).isLessThan(original.size());
                assertThat(keys).as("operations acknowledged before the restore point").containsAll(acknowledged);

                try (var service = new ServiceProcess(dir.resolve("restored-service.log"), restored, List.of())) {
                    service.start();
                    var drifts = new Api(service.uri()).reconciliationDrifts(service.platformKey());
                    assertThat(drifts).as("the reconciliation of the restored ledger").isEmpty();
                }
                rig.report("backup-restore", "base backup under load, restored to a restore point: %d of %d entries, %d acknowledged admin operations before it all present, no drift"
                        .formatted(back.size(), original.size(), acknowledged.size()), rig.verifyLedger());
            }
        }
    }

    /** Every entry as a line of its identifying figures: two ledgers agree on an entry when the lines are equal. */
    private static Set<String> entries(Connection db) throws SQLException {
        var lines = new HashSet<String>();
        try (var rs = db.createStatement().executeQuery("""
                select concat_ws('|', tenant_id, id, type, user_id, credits, remaining_after, idempotency_key, request_id)
                  from ledger_entries""")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }
}
