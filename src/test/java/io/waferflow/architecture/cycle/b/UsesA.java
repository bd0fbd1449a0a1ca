package io.waferflow.architecture.cycle.b;

import io.waferflow.architecture.cycle.a.UsesB;

/** The other half of the deliberate package cycle that LayeringTest's cycle rule must report. */
public class UsesA {
    UsesB other;
}
