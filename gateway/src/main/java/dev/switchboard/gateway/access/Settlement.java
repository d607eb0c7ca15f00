package dev.switchboard.gateway.access;

import java.util.List;

import dev.switchboard.gateway.record.RequestObserver;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.record.Usage;
import io.quarkus.arc.All;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Closes the books on a request, once, when it ends: an answer that ended without the upstream's usage (the client
 * left, the stream broke or ran out of time, or the upstream never sends usage) is charged what it produced, the
 * counts the upstream did report completed by an estimate from the request body and the content relayed; then the
 * provider's and the client's holds are settled, the cost recorded, and the observers (access log, metrics, traces,
 * console) told.
 */
@Singleton
public class Settlement {

    @Inject
    @All
    List<RequestObserver> observers;

    public void close(RequestRecord record) {
        long end = System.nanoTime();
        Usage usage = record.usage();
        if (record.servedFromCache()) {
            // No upstream call: no tokens, no cost; the request still counts against the client's request limits.
            usage.none();
        } else if (record.isAnswered() && !usage.isReported()) {
            usage.estimated(TokenEstimate.prompt(record.requestBytes()), TokenEstimate.text(usage.outputChars()));
        }
        if (record.providerClaim() != null) {
            record.providerClaim().settle(usage.promptTokens(), usage.cachedPromptTokens(), usage.completionTokens(), record.provider(),
                    record.upstreamModel());
        }
        if (record.clientClaim() != null) {
            record.priced(record.clientClaim().settle(usage.promptTokens(), usage.cachedPromptTokens(), usage.completionTokens(),
                    record.provider(), record.upstreamModel()));
        }
        for (RequestObserver observer : observers) {
            observer.requestFinished(record, end);
        }
    }
}
