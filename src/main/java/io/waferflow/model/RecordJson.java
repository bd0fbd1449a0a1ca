package io.waferflow.model;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Locale;

/**
 * How a record type's public fields are named outside the JVM (the alert and violation topics, the Parquet rows):
 * snake_case with an underscore before every capital, so {@code ksPValue} is {@code ks_p_value} (Jackson's SNAKE_CASE
 * would join the capitals: {@code ks_pvalue}), in declaration order, fields only (no getters).
 */
public final class RecordJson {

    private RecordJson() {}

    /** A mapper builder with that naming; add what a format needs (e.g. NaN as null) before building. */
    public static JsonMapper.Builder mapper() {
        return JsonMapper.builder()
                .propertyNamingStrategy(new PropertyNamingStrategies.NamingBase() {
                    @Override
                    public String translate(String name) {
                        return name.replaceAll("(?=[A-Z])", "_").toLowerCase(Locale.ROOT);
                    }
                })
                .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);
    }
}
