package com.aicredits.shared;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants to and from PostgreSQL's timestamptz, the one way every store converts them. */
public final class SqlTime {

    private SqlTime() {
    }

    /** The column's instant, or null when the column is null. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** The instant as a timestamptz parameter (the JDBC driver binds an OffsetDateTime as timestamptz). */
    public static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
