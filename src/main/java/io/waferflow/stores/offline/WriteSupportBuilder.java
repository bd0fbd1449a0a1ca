package io.waferflow.stores.offline;

import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/**
 * The ParquetWriter builder Parquet requires for a custom WriteSupport: the raw archive's, the feature rows' footer.
 */
final class WriteSupportBuilder<T> extends ParquetWriter.Builder<T, WriteSupportBuilder<T>> {

    private final Function<Configuration, WriteSupport<T>> writeSupport;

    WriteSupportBuilder(OutputFile file, Function<Configuration, WriteSupport<T>> writeSupport) {
        super(file);
        this.writeSupport = writeSupport;
    }

    @Override
    protected WriteSupportBuilder<T> self() {
        return this;
    }

    @Override
    protected WriteSupport<T> getWriteSupport(Configuration conf) {
        return writeSupport.apply(conf);
    }
}
