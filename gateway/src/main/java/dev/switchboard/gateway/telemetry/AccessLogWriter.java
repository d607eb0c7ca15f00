package dev.switchboard.gateway.telemetry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The handler of the access logger: each line as it is logged, on standard output, written by one background thread
 * in batches. Logging happens on the event loops, which must not wait for standard output; handing every line to a
 * writer thread that writes and flushes it alone (the console handler's way) cost a thread wake-up and a system call
 * per request, about a seventh of the gateway's CPU at 1,000 requests/s (docs/benchmarks.md). This writer, woken by a
 * line, lingers {@link #LINGER_NANOS} for more and writes what came in one call.
 * <p>
 * Each write holds whole lines and at most {@link #ATOMIC_BYTES} bytes (a longer line is written alone), the size a
 * pipe writes in one piece: a container's standard output is a pipe that the gateway's other logs share, and a line
 * split across two writes could be interleaved with theirs. Lines wait in a bounded queue; when standard output is
 * slower than the requests and the queue is full, logging blocks, as the asynchronous console handler did, rather
 * than losing lines or growing without bound. After {@link #close} lines are written at once by the caller.
 */
final class AccessLogWriter extends Handler {

    /** How long the writer, woken by a line, waits for more before writing. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** PIPE_BUF on Linux: a pipe never splits nor interleaves a write of this size or less. */
    static final int ATOMIC_BYTES = 4096;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16_384);
    private final WritableByteChannel out;
    private final Thread writer;
    private final ByteBuffer bytes = ByteBuffer.allocate(ATOMIC_BYTES);
    private volatile boolean closed;

    /** On System.out, as the console handler writes (it flushes every write), so test runners that capture it still do. */
    AccessLogWriter() {
        this(Channels.newChannel(System.out));
    }

    AccessLogWriter(WritableByteChannel out) {
        this.out = out;
        this.writer = new Thread(this::run, "switchboard-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line = record.getMessage();
        if (closed) {
            synchronized (this) {
                write(List.of(line));
            }
            return;
        }
        try {
            lines.put(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<String> batch = new ArrayList<>();
        while (!closed || !lines.isEmpty()) {
            try {
                String first = lines.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (!closed) {
                    LockSupport.parkNanos(LINGER_NANOS);
                }
            } catch (InterruptedException e) {
                // close() wakes the writer to write what is left.
            }
            lines.drainTo(batch);
            synchronized (this) {
                write(batch);
            }
            batch.clear();
        }
    }

    /** Writes the lines, each followed by a line break, in writes of whole lines of at most ATOMIC_BYTES. */
    private void write(List<String> batch) {
        for (String line : batch) {
            if (!encode(line)) {
                // It does not fit behind the lines already here: they go first, then the line alone, in as many writes
                // as it needs.
                send();
                if (!encode(line)) {
                    writeLong(line);
                }
            }
        }
        send();
    }

    /** Appends the line and a line break; false, leaving the buffer as it was, when they do not fit. */
    private boolean encode(String line) {
        // For the ASCII lines the access log is made of, this is one array copy.
        byte[] encoded = line.getBytes(StandardCharsets.UTF_8);
        if (encoded.length + 1 > bytes.remaining()) {
            return false;
        }
        bytes.put(encoded).put((byte) '\n');
        return true;
    }

    private void writeLong(String line) {
        writeFully(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** Lines are written as soon as the writer has them: there is nothing to flush. */
    @Override
    public void flush() {
    }

    private void send() {
        if (bytes.position() == 0) {
            return;
        }
        bytes.flip();
        writeFully(bytes);
        bytes.clear();
    }

    private void writeFully(ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (IOException e) {
            reportError(null, e, ErrorManager.WRITE_FAILURE);
        }
    }

    /** Writes the lines still queued and stops the writer; later lines are written by their callers. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A line queued while the writer was stopping.
        List<String> left = new ArrayList<>();
        lines.drainTo(left);
        synchronized (this) {
            write(left);
        }
    }
}
