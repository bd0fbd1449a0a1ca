package io.waferflow.architecture.cycle.a;

import io.waferflow.architecture.cycle.b.UsesA;

/** Half of a deliberate package cycle: LayeringTest checks that its cycle rule reports it. */
public class UsesB {
    UsesA other;
}
