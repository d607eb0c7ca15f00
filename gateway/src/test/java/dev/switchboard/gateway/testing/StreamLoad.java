package dev.switchboard.gateway.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The load generator of bench/streams.sh: one case starts {@code STREAMS} streaming chat requests evenly over
 * {@code RAMP_MS}, each on a connection of its own (as that many separate clients would), and reads every one to
 * its end. A stream is whole when it answers 200 with the case's number of chunks ({@value OpenAiSimulator#DRIP_CHUNKS}
 * unless it says otherwise) and {@code [DONE]}, as the simulator's {@code drip-<ms>[-<chunks>]} streams do. Time to first byte runs from the start of the
 * request (its connect included) to the first byte of the body.
 * <p>
 * Cases come as lines {@code URL MODEL STREAMS RAMP_MS [CHUNKS]} on standard input, one after the other in this one JVM, so
 * the JIT warm-up of the first ones serves the others (a fresh JVM per case measured its own start-up). Each case
 * prints a line
 * <pre>streams 5000 whole 5000 errors 0 peak-open 5000 ttfb-p50-ms 3.21 ttfb-p99-ms 40.12</pre>
 * then one line per kind of error with its count, then {@code done}.
 */
public final class StreamLoad {

    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient client;
    private final String url;
    private final Buffer body;
    /** The chunks a whole stream of this case carries before [DONE]. */
    private final int chunks;
    private final long[] firstByteNanos;
    private final CountDownLatch done;
    private final AtomicInteger whole = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final Map<String, Integer> errors = new TreeMap<>();

    private StreamLoad(HttpClient client, String url, String model, int streams, int chunks) {
        this.client = client;
        this.url = url;
        this.body = Buffer.buffer("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello stream\"}]}");
        this.chunks = chunks;
        this.firstByteNanos = new long[streams];
        this.done = new CountDownLatch(streams);
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        BufferedReader cases = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = cases.readLine(); line != null; line = cases.readLine()) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 4 || words.length == 5) {
                int chunks = words.length == 5 ? Integer.parseInt(words[4]) : OpenAiSimulator.DRIP_CHUNKS;
                run(vertx, words[0], words[1], Integer.parseInt(words[2]), Long.parseLong(words[3]), chunks);
            }
            System.out.println("done");
            System.out.flush();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void run(Vertx vertx, String url, String model, int streams, long rampMs, int chunks) throws Exception {
        // No keep-alive and a pool as large as the load: every stream is a client of its own, none waits here.
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(60_000),
                new PoolOptions().setHttp1MaxSize(streams));
        StreamLoad load = new StreamLoad(client, url, model, streams, chunks);
        for (int i = 0; i < streams; i++) {
            int stream = i;
            // From this thread each timer gets a context of its own, so the streams spread over the event loops.
            vertx.setTimer(1 + i * rampMs / streams, id -> load.start(stream));
        }
        boolean finished = load.done.await(rampMs + TimeUnit.MINUTES.toMillis(5), TimeUnit.MILLISECONDS);
        if (!finished) {
            load.error("unfinished after 5 minutes", (int) load.done.getCount());
        }
        System.out.println(load.summary(streams));
        synchronized (load.errors) {
            load.errors.forEach((kind, count) -> System.out.println("  " + count + " x " + kind));
        }
        client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void start(int stream) {
        long start = System.nanoTime();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .putHeader("content-type", "application/json");
        client.request(options)
                .compose(request -> request.send(body))
                .onSuccess(response -> read(stream, start, response))
                .onFailure(e -> end(stream, "no response: " + e.getClass().getSimpleName() + " " + e.getMessage()));
    }

    private void read(int stream, long start, HttpClientResponse response) {
        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        Buffer received = Buffer.buffer();
        boolean[] ended = new boolean[1];
        response.handler(chunk -> {
            if (received.length() == 0) {
                firstByteNanos[stream] = System.nanoTime() - start;
            }
            received.appendBuffer(chunk);
        });
        response.exceptionHandler(e -> {
            if (!ended[0]) {
                ended[0] = true;
                open.decrementAndGet();
                end(stream, "broken: " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        });
        response.endHandler(v -> {
            if (ended[0]) {
                return;
            }
            ended[0] = true;
            open.decrementAndGet();
            String text = received.toString();
            if (response.statusCode() != 200) {
                Matcher code = ERROR_CODE.matcher(text);
                end(stream, "HTTP " + response.statusCode() + (code.find() ? " " + code.group(1) : ""));
            } else if (!text.endsWith("data: [DONE]\n\n") || events(text) != chunks + 1) {
                end(stream, "incomplete stream (" + events(text) + " events)");
            } else {
                whole.incrementAndGet();
                end(stream, null);
            }
        });
    }

    private static int events(String text) {
        int count = 0;
        for (int at = text.indexOf("data: "); at >= 0; at = text.indexOf("data: ", at + 1)) {
            count++;
        }
        return count;
    }

    /** One stream is over; {@code error} says how it failed, null when it was whole. */
    private void end(int stream, String error) {
        if (error != null) {
            firstByteNanos[stream] = 0;
            error(error, 1);
        }
        done.countDown();
    }

    private void error(String kind, int count) {
        synchronized (errors) {
            errors.merge(kind, count, Integer::sum);
        }
    }

    /** Percentiles of the time to first byte are over the whole streams only. */
    private String summary(int streams) {
        long[] samples = Arrays.stream(firstByteNanos).filter(n -> n > 0).sorted().toArray();
        int errorCount;
        synchronized (errors) {
            errorCount = errors.values().stream().mapToInt(Integer::intValue).sum();
        }
        return String.format(java.util.Locale.ROOT, "streams %d whole %d errors %d peak-open %d ttfb-p50-ms %.2f ttfb-p99-ms %.2f",
                streams, whole.get(), errorCount, peakOpen.get(), percentileMs(samples, 0.50), percentileMs(samples, 0.99));
    }

    private static double percentileMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
