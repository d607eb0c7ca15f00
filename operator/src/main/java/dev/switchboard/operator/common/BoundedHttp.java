package dev.switchboard.operator.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP GETs to servers the operator does not control (a tenant's upstream, a gateway pod), bounded so that no answer
 * can hold a reconciler thread or the heap: one deadline covers connect, headers and the whole body (on JDK 17,
 * HttpRequest.timeout covers only the wait for the headers), a body longer than the limit is cut off, and redirects
 * are not followed. Every failure is a short {@link Failure} category: exception messages carry addresses, and
 * status conditions must not become a map of the internal network.
 */
public final class BoundedHttp {

    /** What can go wrong, coarsely. */
    public enum Failure {
        /** No connection or no answer: refused, unresolvable, TLS failed, reset. */
        UNREACHABLE,
        /** No complete answer within the deadline. */
        TIMEOUT,
        /** The body went past the size limit. */
        TOO_LARGE
    }

    /** Either a whole answer (any status, redirects included) or a failure. */
    public record Answer(int status, byte[] body, Failure failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    private final HttpClient client;
    private final Duration deadline;
    private final int maxBytes;

    public BoundedHttp(Duration deadline, int maxBytes) {
        this.deadline = deadline;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder().connectTimeout(deadline).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Duration deadline() {
        return deadline;
    }

    /** Starts the GET; the future always completes (with an Answer) within the deadline, give or take a timer tick. */
    public CompletableFuture<Answer> get(HttpRequest.Builder request) {
        return get(request, deadline);
    }

    /** The same with a shorter deadline, for a caller that spreads one budget over several requests. */
    public CompletableFuture<Answer> get(HttpRequest.Builder request, Duration deadline) {
        AtomicReference<LimitedBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request.timeout(deadline).GET().build(), info -> {
            LimitedBody subscriber = new LimitedBody(maxBytes);
            body.set(subscriber);
            return subscriber;
        });
        // The deadline runs on a copy: completing the exchange's own future would not stop the exchange.
        return exchange.copy()
                .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error == null) {
                        return new Answer(response.statusCode(), response.body(), null);
                    }
                    // Stop the exchange: a slow or endless body would otherwise keep its connection and thread busy.
                    exchange.cancel(true);
                    LimitedBody subscriber = body.get();
                    if (subscriber != null) {
                        subscriber.cancel();
                    }
                    return new Answer(0, null, classify(error));
                });
    }

    /** Waits for {@link #get}; an interrupt counts as a timeout and keeps the thread's interrupt flag. */
    public Answer getNow(HttpRequest.Builder request, Duration deadline) {
        CompletableFuture<Answer> answer = get(request, deadline);
        try {
            return answer.get();
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return new Answer(0, null, Failure.TIMEOUT);
        } catch (ExecutionException e) {
            return new Answer(0, null, classify(e.getCause()));
        }
    }

    private static Failure classify(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TooLarge || (cause instanceof IOException && cause.getCause() instanceof TooLarge)) {
            return Failure.TOO_LARGE;
        }
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return Failure.TIMEOUT;
        }
        return Failure.UNREACHABLE;
    }

    /** Thrown into the exchange when the body passes the limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("response body over the size limit", null);
        }
    }

    /** Collects at most maxBytes, one buffer list at a time; past that it cancels the subscription, which closes the connection. */
    static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int maxBytes;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        LimitedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (cancelled) {
                subscription.cancel();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > maxBytes) {
                    cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
