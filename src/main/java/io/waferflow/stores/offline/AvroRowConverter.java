package io.waferflow.stores.offline;

import java.io.Serializable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** Turns a pipeline record into an Avro record of a given schema, for the Parquet writer. */
@FunctionalInterface
public interface AvroRowConverter<T> extends Serializable {
    GenericRecord convert(T element, Schema schema);
}
