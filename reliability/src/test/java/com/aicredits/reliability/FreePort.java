package com.aicredits.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A port nothing listens on now; the process given it keeps it across its restarts. Never the same one twice in this
 * JVM: two tests run at once, and a port one test's service or database lets go of while it restarts must not be
 * handed to the other.
 */
final class FreePort {

    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePort() {
    }

    static int find() {
        while (true) {
            try (var socket = new ServerSocket(0)) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
