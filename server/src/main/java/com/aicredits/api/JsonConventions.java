package com.aicredits.api;

import com.aicredits.shared.StorableText;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
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
 * validator that reads the first one would see another request than the service), amounts print as
 * {@code 1000}, never {@code 1E+3}, and no other format goes round these rules, in or out.
 */
@Configuration(proxyBeanMethods = false)
class JsonConventions implements WebMvcConfigurer {

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
     * JSON is the only body format. swagger-core (through springdoc) puts jackson-dataformat-yaml on the classpath,
     * and Spring then registers a YAML converter of its own: a body read through it skips every rule above (and JSON
     * is also YAML, so any request could), and its answers print amounts as {@code 7.6E+2}. Out of MVC's list, a
     * YAML body gets 415 like any other type that is not JSON.
     */
    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder converters) {
        converters.configureMessageConvertersList(list -> list.removeIf(
                converter -> converter.getSupportedMediaTypes().stream().anyMatch(JsonConventions::isYaml)));
    }

    private static boolean isYaml(MediaType type) {
        return type.getSubtype().equals("yaml") || type.getSubtype().endsWith("+yaml");
    }

    /**
     * The API answers JSON whatever the Accept header asks for (RFC 9110 lets a server disregard it). Honouring
     * it could only mean a 406 written after the handler ran: a charge applied, answered as if refused.
     * Elsewhere (pages, SCIM, actuator) the header decides as usual.
     */
    @Override
    public void configureContentNegotiation(ContentNegotiationConfigurer negotiation) {
        ContentNegotiationStrategy api = request -> {
            var servlet = request.getNativeRequest(HttpServletRequest.class);
            return servlet != null && servlet.getRequestURI().startsWith("/api/")
                    ? List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                    : ContentNegotiationStrategy.MEDIA_TYPE_ALL_LIST; // no opinion: the next strategy decides
        };
        negotiation.strategies(List.of(api, new HeaderContentNegotiationStrategy()));
    }

    /** Text PostgreSQL stores as it was sent ({@link StorableText}), or a refusal while the body is read, naming its field. */
    static final class NoNulStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            String value = super.deserialize(parser, context);
            var why = StorableText.unstorable(value);
            if (why.isPresent()) {
                throw new UnstorableText(parser, value, why.get());
            }
            return value;
        }
    }

    /** A JSON string PostgreSQL cannot store as sent; Jackson adds the path of the field it was read for. */
    static final class UnstorableText extends InvalidFormatException {

        final String rule;

        UnstorableText(JsonParser parser, String value, String rule) {
            super(parser, "text " + rule, value, String.class);
            this.rule = rule;
        }
    }
}
