package dev.switchboard.gateway.access;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.routing.AccessRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Readiness of the rate-limit counters. Down only when the policy's Redis does not answer and the policy fails
 * closed: such a pod would refuse every limited request, so traffic should go to replicas that reach Redis. With
 * FailOpen the pod stays ready and {@code switchboard_redis_up} shows the outage.
 */
@Readiness
@ApplicationScoped
public class CounterStoreReadiness implements HealthCheck {

    @Inject
    RoutingState state;
    @Inject
    SharedCounters counters;

    @Override
    public HealthCheckResponse call() {
        ActiveTable table = state.current();
        var builder = HealthCheckResponse.named("rate-limit-counters");
        Boolean up = counters.redisUp(table);
        if (up == null) {
            return builder.up().withData("store", "local").build();
        }
        AccessRules.RedisStore redis = table.table().access().redis();
        builder.withData("store", "redis").withData("endpoint", redis.url()).withData("onUnavailable", redis.onUnavailable());
        if (up) {
            return builder.up().build();
        }
        builder.withData("reason", "Redis does not answer");
        return AccessRules.FAIL_CLOSED.equals(redis.onUnavailable()) ? builder.down().build() : builder.up().build();
    }
}
