package com.aicredits.reliability;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Reads one tenant's rows for the ledger checks: every parameter of every query is that tenant's id. */
final class TenantRows {

    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private final UUID tenantId;

    TenantRows(UUID tenantId) {
        this.tenantId = tenantId;
    }

    void query(Connection db, String sql, Row row) throws SQLException {
        try (var statement = db.prepareStatement(sql)) {
            int parameters = (int) sql.chars().filter(c -> c == '?').count();
            for (int i = 1; i <= parameters; i++) {
                statement.setObject(i, tenantId);
            }
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }
}
