package com.aicredits.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A port nothing listens on now; the process given it keeps it across its restarts. */
final class FreePort {

    private FreePort() {
    }

    static int find() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
