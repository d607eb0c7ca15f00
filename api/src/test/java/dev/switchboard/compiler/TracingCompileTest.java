package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.input;
import static dev.switchboard.compiler.Fixtures.policy;
import static dev.switchboard.compiler.Fixtures.ref;
import static dev.switchboard.compiler.Fixtures.simpleGroup;
import static dev.switchboard.compiler.Fixtures.simulated;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;

/** spec.tracing becomes settings.tracing: defaults filled, the policy named in the resource, nothing when unset. */
class TracingCompileTest {

    @Test
    void tracingIsOffUnlessThePolicyAsksForIt() {
        Compilation c = input().providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        assertThat(c.table().settings().tracing()).isNull();
        assertThat(new String(c.json())).doesNotContain("tracing");
    }

    @Test
    void tracingSettingsAreCompiledWithDefaultsAndThePolicyInTheResource() throws Exception {
        Compilation c = input().policy(policy("{access: {mode: Open}, tracing: {endpoint: 'http://otel-collector.monitoring:4318/v1/traces',"
                + " resourceAttributes: {deployment.environment: prod, switchboard.policy: spoofed}}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        assertThat(c.problems()).isEmpty();
        PolicySettings.Tracing tracing = c.table().settings().tracing();
        assertThat(tracing.endpoint()).isEqualTo("http://otel-collector.monitoring:4318/v1/traces");
        assertThat(tracing.protocol()).isEqualTo("HttpProtobuf");
        assertThat(tracing.samplingRatio()).isEqualTo(1.0);
        assertThat(tracing.recordContent()).isFalse();
        String namespace = c.table().source().namespace();
        assertThat(tracing.resourceAttributes()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "deployment.environment", "prod",
                "k8s.namespace.name", namespace,
                "service.name", "switchboard-gateway",
                "switchboard.policy", "gateway")));
        RoutingTable read = RoutingTableCodec.fromJson(c.json());
        assertThat(read.settings().tracing()).as("the table carries it through JSON").isEqualTo(tracing);
    }

    @Test
    void explicitProtocolRatioAndContentOptIn() {
        Compilation c = input().policy(policy("{access: {mode: Open}, tracing: {endpoint: 'http://collector:4317', protocol: Grpc,"
                + " samplingRatio: 0.25, recordContent: true}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        PolicySettings.Tracing tracing = c.table().settings().tracing();
        assertThat(tracing.protocol()).isEqualTo("Grpc");
        assertThat(tracing.samplingRatio()).isEqualTo(0.25);
        assertThat(tracing.recordContent()).isTrue();
    }

    @Test
    void anEndpointWithUserInfoIsAProblemAndNoTracing() {
        Compilation c = input().policy(policy("{access: {mode: Open}, tracing: {endpoint: 'http://user:secret@collector:4318/v1/traces'}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        assertThat(c.problemsOf(ref("RoutingPolicy", "gateway"))).extracting(Problem::field).containsExactly("spec.tracing.endpoint");
        assertThat(c.problems().toString()).doesNotContain("secret");
        assertThat(c.table().settings().tracing()).isNull();
    }

    @Test
    void theTableRefusesInconsistentTracing() {
        Compilation c = input().providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        RoutingTable t = c.table();
        PolicySettings s = t.settings();
        PolicySettings broken = new PolicySettings(s.strategy(), s.retry(), s.circuitBreaker(), s.deadlineMs(), s.maxRequestBodyBytes(),
                s.affinity(), s.maxResponseBodyBytes(), new PolicySettings.Tracing("ftp://collector", "Zipkin", 1.5, Map.of(" ", "x"), false));
        RoutingTable table = new RoutingTable(t.schemaVersion(), t.source(), broken, t.access(), t.providers(), t.models());
        assertThat(table.validate()).containsExactly(
                "settings.tracing.endpoint must be an http(s) URL without user info, query or fragment",
                "settings.tracing.protocol: unknown protocol Zipkin",
                "settings.tracing.samplingRatio must be between 0 and 1",
                "settings.tracing.resourceAttributes: blank key or missing value");
    }
}
