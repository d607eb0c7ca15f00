package dev.switchboard.gateway.upstream;

import org.jboss.logging.Logger;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Runs a translating listener so that an answer it cannot translate ends at once. A malformed body (a field of the
 * wrong type, say) makes a translation throw; thrown from an HTTP callback, that exception would be lost on the event
 * loop, nothing would be reported, and the request would wait for its deadline. Here the answer's source is stopped
 * and the listener behind hears an {@link UpstreamFailure.Kind#INVALID} failure instead, which it handles like any
 * upstream failure. Nothing reaches the translator after that.
 * <p>
 * Adapters guard the translation of the provider's answer into OpenAI's format (the gateway then fails over, or
 * answers a typed 502); client replies guard the translation into the client's format (the reply then ends with its
 * own error, the stream's error event once a stream started).
 */
public final class TranslationGuard implements UpstreamListener {

    private static final Logger LOG = Logger.getLogger(TranslationGuard.class);

    private final UpstreamListener translator;
    private final UpstreamListener gateway;
    private Runnable stop = () -> {
    };
    private boolean failed;

    /**
     * @param translator the translating listener, which passes the answer on (to {@code gateway}, or to the client)
     * @param gateway    the listener told of a failed translation: the one the adapter was given, or the reply itself
     */
    public TranslationGuard(UpstreamListener translator, UpstreamListener gateway) {
        this.translator = translator;
        this.gateway = gateway;
    }

    /** The call this guard listens to, cancelled when a translation fails; returned for the adapter to hand back. */
    public UpstreamCall bind(UpstreamCall upstreamCall) {
        this.stop = upstreamCall::cancel;
        return upstreamCall;
    }

    /** What stops the answer's source when a translation fails, for a listener further on than the call (a client reply). */
    public TranslationGuard stopping(Runnable source) {
        this.stop = source;
        return this;
    }

    @Override
    public void onHead(int status, MultiMap headers) {
        if (!failed) {
            try {
                translator.onHead(status, headers);
            } catch (RuntimeException e) {
                untranslatable(e);
            }
        }
    }

    @Override
    public void onChunk(Buffer chunk) {
        if (!failed) {
            try {
                translator.onChunk(chunk);
            } catch (RuntimeException e) {
                untranslatable(e);
            }
        }
    }

    @Override
    public void onEnd() {
        if (!failed) {
            try {
                translator.onEnd();
            } catch (RuntimeException e) {
                untranslatable(e);
            }
        }
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        if (!failed) {
            try {
                translator.onFailure(failure);
            } catch (RuntimeException e) {
                untranslatable(e);
            }
        }
    }

    private void untranslatable(RuntimeException e) {
        failed = true;
        // Debug only: a parser's message may quote part of the answer.
        LOG.debugf("the provider's answer could not be translated: %s", e);
        stop.run();
        gateway.onFailure(new UpstreamFailure(UpstreamFailure.Kind.INVALID, "the answer could not be translated"));
    }
}
