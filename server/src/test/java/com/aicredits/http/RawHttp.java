package com.aicredits.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A request written byte for byte on a socket, for what the JDK's HTTP client will not send (a header beyond ASCII,
 * no Host header, a body shorter than its Content-Length); the whole answer as text, read until the service closes.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** With {@code thenCloseSending}, the sending side is closed after the request (a client that sends no more). */
    static String exchange(int port, byte[] request, boolean thenCloseSending) throws IOException {
        return exchange(port, request, thenCloseSending, Duration.ZERO);
    }

    /**
     * With a pause between sending and reading: time for the service to have closed the connection, so that bytes it
     * left unread make the operating system reset the connection (discarding the answer) before the client reads.
     */
    static String exchange(int port, byte[] request, boolean thenCloseSending, Duration pause) throws IOException {
        try (var socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            if (thenCloseSending) {
                socket.shutdownOutput();
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            var answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
