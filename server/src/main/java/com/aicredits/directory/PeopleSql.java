package com.aicredits.directory;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Renders a {@link PeopleFilter} as a SQL condition on the users table, every value a bound parameter.
 * Emails compare as lower(email), which the per-tenant unique index on lower(email) serves for equality.
 */
final class PeopleSql {

    private PeopleSql() {
    }

    static String where(PeopleFilter filter, Map<String, Object> params) {
        return switch (filter) {
            case PeopleFilter.Everyone everyone -> "true";
            case PeopleFilter.Active active -> "active = " + bind(params, active.active());
            case PeopleFilter.All all -> all.each().isEmpty() ? "true"
                    : all.each().stream().map(f -> "(" + where(f, params) + ")").collect(Collectors.joining(" and "));
            case PeopleFilter.Any any -> any.each().isEmpty() ? "false"
                    : any.each().stream().map(f -> "(" + where(f, params) + ")").collect(Collectors.joining(" or "));
            case PeopleFilter.Compare compare -> compare(compare, params);
        };
    }

    private static String compare(PeopleFilter.Compare c, Map<String, Object> params) {
        if (c.field() == PeopleFilter.Field.ID) {
            // Ids are UUIDs: only equality means anything, and text that is not one matches nobody.
            UUID id = uuid(c.value());
            return c.match() == PeopleFilter.Match.EQUALS && id != null ? "id = " + bind(params, id) : "false";
        }
        boolean email = c.field() == PeopleFilter.Field.EMAIL;
        String column = email ? "lower(email)" : "external_id";
        String value = email ? c.value().toLowerCase(java.util.Locale.ROOT) : c.value();
        return switch (c.match()) {
            case EQUALS -> column + " = " + bind(params, value);
            case CONTAINS -> column + " like " + bind(params, "%" + escaped(value) + "%") + " escape '\\'";
            case STARTS_WITH -> column + " like " + bind(params, escaped(value) + "%") + " escape '\\'";
            case ENDS_WITH -> column + " like " + bind(params, "%" + escaped(value)) + " escape '\\'";
        };
    }

    /** LIKE's wildcards in a searched value are literal characters. */
    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static String bind(Map<String, Object> params, Object value) {
        String name = "p" + params.size();
        params.put(name, value);
        return ":" + name;
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
