package com.aicredits.directory;

import java.util.List;

/** One page of a filtered list of users, with how many match in all. */
public record PeoplePage(long total, List<User> users) {
}
