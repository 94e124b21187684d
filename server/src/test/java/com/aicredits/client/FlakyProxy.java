package com.aicredits.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the test server that can lose answers: for the next N connections it forwards
 * the request, waits until the server starts answering (so the server has done the work), then cuts the
 * connection without passing the answer on. Everything else is piped through unchanged.
 */
final class FlakyProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final AtomicInteger answersToLose = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    FlakyProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    void loseNextAnswers(int count) {
        answersToLose.set(count);
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                boolean lose = answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                Thread.ofVirtual().start(() -> serve(client, lose));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client, boolean loseAnswer) {
        try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
            Thread.ofVirtual().start(() -> pipe(quietly(client::getInputStream), quietly(server::getOutputStream)));
            InputStream fromServer = server.getInputStream();
            if (loseAnswer) {
                fromServer.read(); // the server has answered, so the work is done: now lose the answer
                client.setSoLinger(true, 0); // reset, as a crashed load balancer would
                return;
            }
            pipe(fromServer, client.getOutputStream());
        } catch (IOException e) {
            // a closed connection ends this pipe
        }
    }

    private static void pipe(InputStream in, OutputStream out) {
        if (in == null || out == null) {
            return;
        }
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // either side closed
        }
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T quietly(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
