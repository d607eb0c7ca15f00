package dev.switchboard.operator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP/1.1 server on 127.0.0.1 that answers every request with one scripted behaviour, written on a raw socket so
 * that it can misbehave precisely: drip a body one byte at a time, send more bytes than any client should read, or
 * redirect. It records request lines and headers, notices when the client hangs up, and stops by itself: every
 * behaviour is bounded in bytes and time, and {@link #close()} ends what is left.
 */
public final class UpstreamServer implements AutoCloseable {

    /** Writes the answer to one request; {@code requestHead} is the request line and headers as received. */
    @FunctionalInterface
    public interface Behaviour {
        void answer(String requestHead, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "upstream-server");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicBoolean clientHungUp = new AtomicBoolean();
    private volatile boolean running = true;

    public UpstreamServer(Behaviour behaviour) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (running) {
                try {
                    Socket connection = socket.accept();
                    threads.execute(() -> serve(connection, behaviour));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public int port() {
        return socket.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Request line and headers of every request received, in order. */
    public List<String> requests() {
        return requests;
    }

    /** Whether a write failed because the client closed the connection while the answer was still being written. */
    public boolean clientHungUp() {
        return clientHungUp.get();
    }

    private void serve(Socket connection, Behaviour behaviour) {
        try (connection) {
            String head = readHead(connection.getInputStream());
            requests.add(head);
            OutputStream out = connection.getOutputStream();
            behaviour.answer(head, out);
            out.flush();
        } catch (IOException e) {
            if (running) {
                clientHungUp.set(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        running = false;
        socket.close();
        threads.shutdownNow();
    }

    /** A complete JSON answer. */
    public static Behaviour json(int status, String body) {
        return (head, out) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\ncontent-type: application/json\r\ncontent-length: " + bytes.length
                    + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
        };
    }

    /** Headers at once, then the body one byte per interval, for at most {@code bytes} bytes. */
    public static Behaviour drip(String body, long intervalMs) {
        return (head, out) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + bytes.length
                    + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(intervalMs);
            }
        };
    }

    /** A valid JSON model list of about {@code size} bytes, written as fast as the client reads. */
    public static Behaviour hugeModelList(int size) {
        return (head, out) -> {
            StringBuilder body = new StringBuilder("{\"data\":[");
            for (int i = 0; body.length() < size; i++) {
                body.append(i == 0 ? "" : ",").append("{\"id\":\"model-").append(i).append("\"}");
            }
            body.append("]}");
            json(200, body.toString()).answer(head, out);
        };
    }

    /** A redirect to {@code location}. */
    public static Behaviour redirect(String location) {
        return (head, out) -> out.write(("HTTP/1.1 302 Found\r\nlocation: " + location + "\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }
}
