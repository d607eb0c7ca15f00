package dev.switchboard.api.v1alpha1;

/** How a model group picks a target for a request. */
public enum Strategy {
    RoundRobin, Weighted, Priority, LeastBusy, LowestLatency, LowestCost
}
