package com.aicredits.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.HandlerMethod;

/**
 * The served OpenAPI document: bearer API keys (and the session cookie), the problem-details shape, and on
 * every operation but the SCIM ones the errors it can answer with. Operation-specific errors are listed by the
 * controllers. A schema is named by its class's simple name, so no two classes of the web packages may share one:
 * springdoc would document both as whichever it met first (SchemaNamesTest).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocs {

    private static final String PROBLEM = "Problem";

    /** The session cookie's name as configured (Spring Session's default otherwise), not the servlet container's. */
    @Bean
    OpenAPI aiCreditsOpenApi(@Value("${server.servlet.session.cookie.name:SESSION}") String sessionCookie) {
        Schema<?> problem = new ObjectSchema()
                .description("RFC 9457 problem details; `code` is machine-readable")
                .addProperty("type", new StringSchema())
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("code", new StringSchema().example("INSUFFICIENT_UNASSIGNED"))
                .addProperty("fields", new io.swagger.v3.oas.models.media.ArraySchema().items(new StringSchema()))
                .addProperty("unassigned", new io.swagger.v3.oas.models.media.NumberSchema()
                        .description("with INSUFFICIENT_UNASSIGNED: credits in the unassigned pool"))
                .addProperty("removable", new io.swagger.v3.oas.models.media.NumberSchema()
                        .description("with EXCEEDS_REMOVABLE: max(0, remaining - held)"))
                .addProperty("available", new io.swagger.v3.oas.models.media.NumberSchema()
                        .description("with CREDITS_EXHAUSTED: the user's available credits"))
                .addProperty("index", new IntegerSchema()
                        .description("in a list of items or a file's rows (0-based, after the header): the first refused one"))
                .addProperty("errors", new io.swagger.v3.oas.models.media.ArraySchema()
                        .description("with BULK_REFUSED, INVALID_AMOUNT and a file's refusals: every refused item or row")
                        .items(new ObjectSchema()
                                .addProperty("index", new IntegerSchema())
                                .addProperty("code", new StringSchema())
                                .addProperty("detail", new StringSchema())));
        return new OpenAPI()
                .info(new Info().title("AI Credits API").version("1")
                        .description("""
                                Buy credits into a tenant's pool, hand them to people, let AI features spend them.
                                Amounts are JSON numbers in credits with at most three decimals (12, -5, 0.375).
                                Scopes: `platform` (all tenants, from configuration), `admin` and `consume` API keys
                                (one tenant each), `scim` keys (one tenant's SCIM 2.0 endpoints under /scim/v2, which
                                answer RFC 7644 error bodies), and signed-in users (Admin manages the tenant; Planner and
                                Viewer read their own balance). A path under another tenant answers 404 as if it did not exist.
                                Purchase, assign, add and remove require an Idempotency-Key; consumption calls are
                                idempotent on their requestId. Limits: bodies 64 KiB, pages of at most 200, notes of
                                at most 500 characters."""))
                .components(new Components()
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("`Authorization: Bearer <api key>`; keys are issued per tenant with scope admin, consume or scim"))
                        .addSecuritySchemes("session", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.COOKIE).name(sessionCookie)
                                .description("the web UI's sign-in session; mutating calls also send the session's CSRF token in X-CSRF-TOKEN"))
                        .addSchemas(PROBLEM, problem))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"))
                .addSecurityItem(new SecurityRequirement().addList("session"));
    }

    /**
     * The errors every operation may answer with, added next to the ones its controller declares. Not on the SCIM
     * endpoints: they answer RFC 7644 error bodies, never these problems, and their controllers list them.
     */
    @Bean
    OperationCustomizer commonErrors() {
        return (operation, handler) -> {
            if (scim(handler)) {
                return operation;
            }
            Map<String, String> errors = new LinkedHashMap<>();
            errors.put("400", "VALIDATION_FAILED (with `fields`) or INVALID_AMOUNT: malformed input; nothing changed");
            errors.put("401", "no credentials, or an unknown or revoked API key");
            errors.put("403", "FORBIDDEN: the role or key scope may not do this");
            errors.put("404", "NOT_FOUND: unknown id, or an id of another tenant");
            errors.put("503", "UNAVAILABLE: the database cannot be reached; retry with the same key or requestId");
            if (java.util.Arrays.stream(handler.getMethodParameters())
                    .anyMatch(p -> p.hasParameterAnnotation(RequestBody.class))) {
                errors.put("413", "BODY_TOO_LARGE: the body is over " + bodyLimit(handler) / 1024 + " KiB");
                errors.put("415", "UNSUPPORTED_MEDIA_TYPE: the body is not of a media type this operation reads");
            }
            errors.forEach((status, description) -> {
                if (operation.getResponses().get(status) == null) {
                    operation.getResponses().addApiResponse(status, problem(description));
                }
            });
            // Merged, so that name = "Idempotency-Key" counts as well as the value it is an alias of.
            boolean idempotent = java.util.Arrays.stream(handler.getMethodParameters())
                    .map(p -> p.getParameterAnnotation(RequestHeader.class))
                    .anyMatch(header -> header != null && "Idempotency-Key".equals(header.name()));
            if (idempotent) {
                keyError(operation, "409", "IDEMPOTENCY_KEY_IN_USE", "the first request with this key is still running");
                keyError(operation, "422", "IDEMPOTENCY_KEY_REUSED", "the key was used for a different request");
            }
            // A refusal its controller declares by status and description alone would be typed as any object of any
            // media type: every refusal here is a problem (Problems), so say so.
            operation.getResponses().forEach((status, response) -> {
                boolean untyped = response.getContent() == null || response.getContent().keySet().equals(java.util.Set.of("*/*"));
                if (status.matches("[45]\\d\\d") && untyped) {
                    response.setContent(problem(response.getDescription()).getContent());
                }
            });
            return operation;
        };
    }

    /** The body limit of the operation's path ({@link Limits#maxBodyBytes}), its variables filled in. */
    private static int bodyLimit(HandlerMethod handler) {
        var type = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), RequestMapping.class);
        var method = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), RequestMapping.class);
        String path = (type == null || type.path().length == 0 ? "" : type.path()[0])
                + (method == null || method.path().length == 0 ? "" : method.path()[0]);
        return Limits.maxBodyBytes(path.replaceAll("\\{[^}]+}", "x"));
    }

    private static boolean scim(HandlerMethod handler) {
        var mapping = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), RequestMapping.class);
        return mapping != null && java.util.Arrays.stream(mapping.path()).anyMatch(path -> path.startsWith("/scim/"));
    }

    /** A key's refusal, also where the operation has its own answers with that status (e.g. 409 EMAIL_TAKEN). */
    private static void keyError(Operation operation, String status, String code, String why) {
        var existing = operation.getResponses().get(status);
        if (existing == null) {
            operation.getResponses().addApiResponse(status, problem(code + ": " + why));
        } else if (existing.getDescription() == null || !existing.getDescription().contains(code)) {
            existing.setDescription((existing.getDescription() == null ? "" : existing.getDescription() + "; or ") + code + ": " + why);
        }
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }
}
