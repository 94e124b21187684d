package com.aicredits.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Strict JSON in, plain numbers out: unknown fields are refused rather than silently dropped (a misspelt
 * "credit" must not become a no-op), strings are not coerced into numbers nor numbers and booleans into
 * strings, strings may not contain NUL, a field may appear only once (with "last one wins", a proxy or
 * validator that reads the first one would see another request than the service), and amounts print as
 * {@code 1000}, never {@code 1E+3}.
 */
@Configuration(proxyBeanMethods = false)
class JsonConventions {

    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // ALLOW_COERCION_OF_SCALARS leaves text targets alone: 42 would still become "42".
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .addModule(new SimpleModule("no-nul-strings").addDeserializer(String.class, new NoNulStrings()));
    }

    /**
     * PostgreSQL's text cannot hold U+0000, and no name, note, email or password needs one: a string with
     * it is refused while the body is read, naming its field, instead of failing in the database.
     */
    static final class NoNulStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            String value = super.deserialize(parser, context);
            if (value != null && value.indexOf('\0') >= 0) {
                throw new NulCharacter(parser, value);
            }
            return value;
        }
    }

    /** A JSON string with U+0000 in it; Jackson adds the path of the field it was read for. */
    static final class NulCharacter extends InvalidFormatException {

        NulCharacter(JsonParser parser, String value) {
            super(parser, "text must not contain the NUL character (U+0000)", value, String.class);
        }
    }
}
