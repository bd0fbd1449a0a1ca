package io.waferflow.model;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A shared record type that belongs in this package but lives where release 0.1.0 put it, because its class name is
 * written into savepoints: Flink's POJO and enum serializers restore state by class name and cannot follow a rename
 * (the fixture {@code src/test/resources/savepoints/features-0.1.0} names it). The layering test counts it as part of
 * the model: it may depend only on the model, and any stage may use it. It moves here with the first release that
 * breaks savepoint compatibility anyway.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface NamedInSavepoints {}
