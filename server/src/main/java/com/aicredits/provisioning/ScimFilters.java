package com.aicredits.provisioning;

import com.aicredits.shared.StorableText;
import com.aicredits.directory.PeopleFilter;
import com.aicredits.directory.PeopleFilter.Field;
import com.aicredits.directory.PeopleFilter.Match;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An RFC 7644 filter, parsed by the SCIM library, as the directory's {@link PeopleFilter}. What the service
 * can search: userName, emails.value (also as emails[value …]), externalId and id with eq, co, sw, ew;
 * active with eq; and, or. Anything else is refused with invalidFilter, never half-applied.
 */
final class ScimFilters {

    private static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final int LENGTH_MAX = 1_000;

    private ScimFilters() {
    }

    static PeopleFilter parse(String text) throws BadRequestException {
        if (text == null || text.isBlank()) {
            return new PeopleFilter.Everyone();
        }
        if (text.length() > LENGTH_MAX) {
            throw BadRequestException.invalidFilter("a filter has at most " + LENGTH_MAX + " characters");
        }
        Filter filter;
        try {
            filter = Filter.fromString(text);
        } catch (BadRequestException | RuntimeException e) {
            // The library's reason quotes its JSON parser (classes, "Source: REDACTED"): the shape helps more.
            throw BadRequestException.invalidFilter("the filter does not parse: a filter compares an attribute with a"
                    + " value, such as userName eq \"ada@example.com\" (strings in double quotes), joined by and, or");
        }
        return translate(filter, null);
    }

    private static PeopleFilter translate(Filter filter, String within) throws BadRequestException {
        FilterType type = filter.getFilterType();
        switch (type) {
            case AND, OR -> {
                List<PeopleFilter> each = new ArrayList<>();
                for (Filter f : filter.getCombinedFilters()) {
                    each.add(translate(f, within));
                }
                return type == FilterType.AND ? new PeopleFilter.All(each) : new PeopleFilter.Any(each);
            }
            case COMPLEX_VALUE -> {
                String attribute = attribute(filter.getAttributePath());
                if (within != null || !attribute.equals("emails")) {
                    throw unsupported(filter);
                }
                return translate(filter.getValueFilter(), "emails");
            }
            case EQUAL, CONTAINS, STARTS_WITH, ENDS_WITH -> {
                String attribute = (within == null ? "" : within + ".") + attribute(filter.getAttributePath());
                var value = filter.getComparisonValue();
                if (attribute.equals("active")) {
                    if (type != FilterType.EQUAL || value == null || !value.isBoolean()) {
                        throw BadRequestException.invalidFilter("active is compared with eq true or eq false");
                    }
                    return new PeopleFilter.Active(value.asBoolean());
                }
                Field field = switch (attribute) {
                    case "username", "emails.value", "emails" -> Field.EMAIL;
                    case "externalid" -> Field.EXTERNAL_ID;
                    case "id" -> Field.ID;
                    default -> throw unsupported(filter);
                };
                if (value == null || !value.isString()) {
                    throw BadRequestException.invalidFilter(attribute + " is compared with a string");
                }
                String text = value.asString();
                var unstorable = StorableText.unstorable(text);
                if (unstorable.isPresent()) {
                    throw BadRequestException.invalidFilter("a filter value " + unstorable.get());
                }
                Match match = switch (type) {
                    case EQUAL -> Match.EQUALS;
                    case CONTAINS -> Match.CONTAINS;
                    case STARTS_WITH -> Match.STARTS_WITH;
                    default -> Match.ENDS_WITH;
                };
                return new PeopleFilter.Compare(field, match, text);
            }
            default -> throw unsupported(filter);
        }
    }

    /** The attribute a path names, lower case, with the core User schema's URN prefix allowed. */
    private static String attribute(Path path) throws BadRequestException {
        if (path == null || path.size() == 0) {
            throw BadRequestException.invalidFilter("a filter names an attribute");
        }
        if (path.getSchemaUrn() != null && !path.getSchemaUrn().equalsIgnoreCase(USER_SCHEMA)) {
            throw BadRequestException.invalidFilter("only attributes of the core User schema can be searched");
        }
        var names = new ArrayList<String>();
        for (int i = 0; i < path.size(); i++) {
            if (path.getElement(i).getValueFilter() != null) {
                throw BadRequestException.invalidFilter("a value filter inside an attribute path cannot be searched");
            }
            names.add(path.getElement(i).getAttribute().toLowerCase(Locale.ROOT));
        }
        return String.join(".", names);
    }

    private static BadRequestException unsupported(Filter filter) {
        return BadRequestException.invalidFilter("cannot search by " + filter
                + ": filters compare userName, emails.value, externalId or id (eq, co, sw, ew), or active (eq),"
                + " combined with and/or");
    }
}
