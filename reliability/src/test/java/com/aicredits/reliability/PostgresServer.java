package com.aicredits.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Where the service under test keeps its data: one PostgreSQL, or a replicated cluster behind a multi-host URL. */
interface PostgresServer extends AutoCloseable {

    String jdbcUrl();

    /** A connection to the server that takes writes now (for a cluster: its current primary). */
    default Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    @Override
    void close();
}
