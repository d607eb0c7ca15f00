package dev.switchboard.operator.testing;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * Holds back the watch events of chosen resource types (by plural), in order, until released: the API server
 * accepts and stores every write at once, but informers see nothing of those types meanwhile, as when watch
 * delivery lags behind a write. This makes "a reconcile starts before the watch event of the last write" a
 * certainty instead of a race.
 */
public final class HeldWatches {

    private static final Pattern PLURAL = Pattern.compile("/([a-z0-9.-]+)\\?");

    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final List<HeldSocket> sockets = new CopyOnWriteArrayList<>();

    public void hold(String plural) {
        held.add(plural);
    }

    /** Delivers what was held, in order, and lets events through again. */
    public void release(String plural) {
        held.remove(plural);
        sockets.stream().filter(s -> s.plural.equals(plural)).forEach(HeldSocket::flush);
    }

    WebSocketListener wrap(String path, WebSocketListener listener) {
        Matcher matcher = PLURAL.matcher(path);
        String plural = matcher.find() ? matcher.group(1) : "";
        return new WebSocketListener() {
            private HeldSocket socket;

            private synchronized HeldSocket held(WebSocket webSocket) {
                if (socket == null) {
                    socket = new HeldSocket(webSocket, plural);
                    sockets.add(socket);
                }
                return socket;
            }

            @Override
            public void onBeforeAccept(WebSocket webSocket, Response response) {
                listener.onBeforeAccept(held(webSocket), response);
            }

            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                listener.onOpen(held(webSocket), response);
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                listener.onMessage(held(webSocket), text);
            }

            @Override
            public void onMessage(WebSocket webSocket, byte[] bytes) {
                listener.onMessage(held(webSocket), bytes);
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                listener.onClosing(held(webSocket), code, reason);
            }

            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                sockets.remove(held(webSocket));
                listener.onClosed(held(webSocket), code, reason);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable error, Response response) {
                sockets.remove(held(webSocket));
                listener.onFailure(held(webSocket), error, response);
            }
        };
    }

    private final class HeldSocket implements WebSocket {
        private final WebSocket socket;
        private final String plural;
        private final Queue<String> queue = new ArrayDeque<>();

        HeldSocket(WebSocket socket, String plural) {
            this.socket = socket;
            this.plural = plural;
        }

        @Override
        public synchronized boolean send(String text) {
            if (held.contains(plural)) {
                return queue.add(text);
            }
            flush();
            return socket.send(text);
        }

        synchronized void flush() {
            while (!queue.isEmpty()) {
                socket.send(queue.poll());
            }
        }

        @Override
        public boolean send(byte[] bytes) {
            return socket.send(bytes);
        }

        @Override
        public RecordedRequest request() {
            return socket.request();
        }

        @Override
        public boolean close(int code, String reason) {
            return socket.close(code, reason);
        }
    }
}
