package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A seeded fault schedule for one simulator: what each upstream call acts out (a simulator behaviour, see
 * {@link OpenAiSimulator} and {@link AnthropicSimulator}), drawn by weight. The draw depends only on the seed, the
 * simulator, the request id and which call of that request this is, not on the order calls arrive in: a replayed seed
 * meets the same faults on the same requests as far as the gateway makes the same calls. It also remembers which
 * upstream models each request reached, for checks on where a request may go.
 */
public final class FaultSchedule implements SimulatorServer.Schedule {

    /** A behaviour and its weight in the draw. */
    public record Fault(String behaviour, int weight) {
    }

    private final long seed;
    private final String simulator;
    private final List<Fault> faults;
    private final int totalWeight;
    private final Map<String, List<String>> reached = new ConcurrentHashMap<>();

    public FaultSchedule(long seed, String simulator, List<Fault> faults) {
        this.seed = seed;
        this.simulator = simulator;
        this.faults = List.copyOf(faults);
        this.totalWeight = faults.stream().mapToInt(Fault::weight).sum();
    }

    @Override
    public String behaviour(String requestId, String model) {
        String id = requestId == null ? "" : requestId;
        List<String> models = reached.computeIfAbsent(id, k -> new ArrayList<>());
        int call;
        synchronized (models) {
            models.add(model);
            call = models.size();
        }
        long mixed = seed;
        mixed = 31 * mixed + simulator.hashCode();
        mixed = 31 * mixed + id.hashCode();
        mixed = 31 * mixed + call;
        int draw = new SplittableRandom(mixed).nextInt(totalWeight);
        for (Fault fault : faults) {
            draw -= fault.weight();
            if (draw < 0) {
                return fault.behaviour();
            }
        }
        throw new IllegalStateException("weights do not add up");
    }

    /** The upstream models (as the gateway named them) the request reached on this simulator, in order. */
    public List<String> reached(String requestId) {
        List<String> models = reached.get(requestId);
        if (models == null) {
            return List.of();
        }
        synchronized (models) {
            return List.copyOf(models);
        }
    }

    /** Calls this simulator received under the schedule. */
    public int calls() {
        return reached.values().stream().mapToInt(models -> {
            synchronized (models) {
                return models.size();
            }
        }).sum();
    }
}
