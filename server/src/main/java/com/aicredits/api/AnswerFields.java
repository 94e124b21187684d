package com.aicredits.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What an answer's fields promise a client generated from the document. A record component that may be null is
 * marked {@code @Schema(nullable = true)}, and the document says so in OpenAPI 3.1's words: {@code "type": ["string",
 * "null"]}, or for a reference {@code anyOf} it and null (swagger-core writes {@code "type": "null"} beside the
 * reference, which reads as "always null"). Every other field of an answer is {@code required}: the service writes
 * each one. A field that may be null is not: the batch's results leave nulls out. Schemas also read from requests
 * keep their own {@code required}: a request may leave out what an answer always has. So do the SCIM answers' (see
 * {@link #reachable}).
 */
@Configuration(proxyBeanMethods = false)
class AnswerFields {

    private static final String NULL = "null";

    @Bean
    OpenApiCustomizer answerFieldsAreRequiredUnlessNullable() {
        return openApi -> {
            Map<String, Schema> schemas = openApi.getComponents().getSchemas();
            schemas.values().forEach(AnswerFields::sayWhichMayBeNull);
            Set<String> asked = reachable(openApi, schemas, false);
            reachable(openApi, schemas, true).stream().filter(name -> !asked.contains(name))
                    .map(schemas::get).filter(java.util.Objects::nonNull).forEach(AnswerFields::requireAllButNullable);
        };
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void sayWhichMayBeNull(Schema schema) {
        if (schema.getProperties() != null) {
            schema.getProperties().replaceAll((name, property) ->
                    mayBeNull((Schema) property) ? orNull((Schema) property) : property);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void requireAllButNullable(Schema schema) {
        if (schema.getProperties() != null) {
            List<String> required = new ArrayList<>();
            schema.getProperties().forEach((name, property) -> {
                if (!mayBeNull((Schema) property)) {
                    required.add((String) name);
                }
            });
            schema.setRequired(required.isEmpty() ? null : required);
        }
    }

    /** swagger-core turns {@code nullable = true} into a "null" type in 3.1; 3.0's flag is read too, to be sure. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static boolean mayBeNull(Schema property) {
        return Boolean.TRUE.equals(property.getNullable())
                || property.getTypes() != null && property.getTypes().contains(NULL)
                || property.getAnyOf() != null
                        && ((List<Schema>) property.getAnyOf()).stream().anyMatch(AnswerFields::mayBeNull);
    }

    /** The property's type with null added, or a reference made one of the two; already so, as it is. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema orNull(Schema property) {
        if (property.getAnyOf() != null) {
            return property;
        }
        if (property.get$ref() == null) {
            property.setNullable(null);
            Set<String> types = new LinkedHashSet<>(property.getTypes() != null ? property.getTypes() : Set.of());
            if (property.getType() != null) {
                types.add(property.getType());
            }
            types.add(NULL);
            property.setTypes(types);
            return property;
        }
        var nothing = new Schema<>();
        nothing.addType(NULL);
        return new Schema<>().anyOf(List.of(new Schema<>().$ref(property.get$ref()), nothing))
                .description(property.getDescription());
    }

    /**
     * The schemas that 2xx answers (or request bodies and parameters) refer to, directly or through others. Not the
     * SCIM answers: the SCIM library leaves out what is null, and a client may ask for some attributes only.
     */
    @SuppressWarnings("rawtypes")
    private static Set<String> reachable(OpenAPI openApi, Map<String, Schema> schemas, boolean answers) {
        Set<String> found = new HashSet<>();
        List<String> toVisit = new ArrayList<>();
        Consumer<Object> refs = node -> collectRefs(node, ref -> {
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            if (found.add(name)) {
                toVisit.add(name);
            }
        });
        openApi.getPaths().forEach((pathName, path) -> path.readOperations().forEach(operation -> {
            if (answers && !pathName.startsWith("/scim/")) {
                operation.getResponses().forEach((status, response) -> {
                    if (status.startsWith("2")) {
                        refs.accept(response.getContent());
                    }
                });
            } else if (!answers) {
                refs.accept(operation.getRequestBody() == null ? null : operation.getRequestBody().getContent());
                refs.accept(operation.getParameters());
            }
        }));
        while (!toVisit.isEmpty()) {
            Schema schema = schemas.get(toVisit.removeLast());
            if (schema != null) {
                refs.accept(schema);
            }
        }
        return found;
    }

    /** Every {@code $ref} under a node of the document model (schemas, contents, parameters and their lists). */
    @SuppressWarnings("rawtypes")
    private static void collectRefs(Object node, Consumer<String> ref) {
        switch (node) {
            case null -> {
            }
            case Schema schema -> {
                if (schema.get$ref() != null) {
                    ref.accept(schema.get$ref());
                }
                collectRefs(schema.getProperties(), ref);
                collectRefs(schema.getItems(), ref);
                collectRefs(schema.getAllOf(), ref);
                collectRefs(schema.getAnyOf(), ref);
                collectRefs(schema.getOneOf(), ref);
                if (schema.getAdditionalProperties() instanceof Schema additional) {
                    collectRefs(additional, ref);
                }
            }
            case Content content -> content.values().forEach(mediaType -> collectRefs(mediaType.getSchema(), ref));
            case Parameter parameter -> {
                collectRefs(parameter.getSchema(), ref);
                collectRefs(parameter.getContent(), ref);
            }
            case Map<?, ?> map -> map.values().forEach(value -> collectRefs(value, ref));
            case List<?> list -> list.forEach(value -> collectRefs(value, ref));
            default -> {
            }
        }
    }
}
