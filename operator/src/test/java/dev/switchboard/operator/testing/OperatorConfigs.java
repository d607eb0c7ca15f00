package dev.switchboard.operator.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.switchboard.operator.common.OperatorConfig;

/**
 * The operator's configuration for tests that build its parts by hand: the defaults of application.properties, with
 * the few settings a test changes.
 */
public record OperatorConfigs(String image, boolean allowImageOverride, int statusPort, Duration statusTimeout, Duration discoveryTimeout,
        int discoveryMaxBytes) {

    public static OperatorConfig defaults() {
        return new OperatorConfigs("switchboard/gateway:0.1.0", false, 9000, Duration.ofSeconds(2), Duration.ofSeconds(10), 4 * 1024 * 1024)
                .config();
    }

    public static OperatorConfig withImageOverride(String image, boolean allowed) {
        return new OperatorConfigs(image, allowed, 9000, Duration.ofSeconds(2), Duration.ofSeconds(10), 4 * 1024 * 1024).config();
    }

    public static OperatorConfig withStatus(int port, Duration timeout) {
        return new OperatorConfigs("switchboard/gateway:0.1.0", false, port, timeout, Duration.ofSeconds(10), 4 * 1024 * 1024).config();
    }

    public static OperatorConfig withDiscovery(Duration timeout, int maxBytes) {
        return new OperatorConfigs("switchboard/gateway:0.1.0", false, 9000, Duration.ofSeconds(2), timeout, maxBytes).config();
    }

    OperatorConfig config() {
        OperatorConfigs settings = this;
        return new OperatorConfig() {
            @Override
            public Gateway gateway() {
                return new Gateway() {
                    @Override
                    public String image() {
                        return settings.image();
                    }

                    @Override
                    public boolean allowImageOverride() {
                        return settings.allowImageOverride();
                    }

                    @Override
                    public int statusPort() {
                        return settings.statusPort();
                    }

                    @Override
                    public Duration statusTimeout() {
                        return settings.statusTimeout();
                    }

                    @Override
                    public Duration programmedRecheck() {
                        return Duration.ofSeconds(5);
                    }

                    @Override
                    public NetworkPolicy networkPolicy() {
                        return new NetworkPolicy() {
                            @Override
                            public Optional<List<String>> clientNamespaces() {
                                return Optional.empty();
                            }

                            @Override
                            public List<String> monitoringNamespaces() {
                                return List.of("monitoring");
                            }
                        };
                    }
                };
            }

            @Override
            public Discovery discovery() {
                return new Discovery() {
                    @Override
                    public Duration timeout() {
                        return settings.discoveryTimeout();
                    }

                    @Override
                    public int maxResponseBytes() {
                        return settings.discoveryMaxBytes();
                    }
                };
            }

            @Override
            public LeaderElection leaderElection() {
                throw new UnsupportedOperationException("tests that build the operator's parts by hand run no leader election");
            }

            @Override
            public Identity identity() {
                return () -> Duration.ofSeconds(60);
            }
        };
    }
}
