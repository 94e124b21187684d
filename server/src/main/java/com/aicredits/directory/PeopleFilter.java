package com.aicredits.directory;

import java.util.List;

/**
 * Which users of a tenant to list: the directory's own small query language, so a caller (the SCIM endpoint,
 * which parses RFC 7644 filters with a library) never writes SQL against the users table.
 */
public sealed interface PeopleFilter {

    enum Field {
        ID, EMAIL, EXTERNAL_ID
    }

    enum Match {
        EQUALS, CONTAINS, STARTS_WITH, ENDS_WITH
    }

    /** Emails compare case-insensitively (they are unique per tenant that way); ids and external ids exactly. */
    record Compare(Field field, Match match, String value) implements PeopleFilter {
    }

    record Active(boolean active) implements PeopleFilter {
    }

    record All(List<PeopleFilter> each) implements PeopleFilter {
    }

    record Any(List<PeopleFilter> each) implements PeopleFilter {
    }

    record Everyone() implements PeopleFilter {
    }
}
