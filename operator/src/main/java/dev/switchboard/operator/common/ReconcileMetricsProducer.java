package dev.switchboard.operator.common;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * JOSDK's Micrometer metrics (reconcile counts, durations and failures per controller, see docs/operator.md),
 * aggregated per controller and resource kind. The operator extension's default also tags every series with
 * the name and namespace of the resource, which multiplies the reconcile-duration histogram by the number of
 * resources in the cluster; the rules and the dashboard only ever group by controller.
 */
public class ReconcileMetricsProducer {

    @Produces
    @Singleton
    Metrics reconcileMetrics(MeterRegistry registry) {
        return MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build();
    }
}
