package com.aicredits.notifications;

import java.util.List;

/** What the bell and the list show: the unread count and the newest notifications. */
public record Inbox(long unread, List<Notification> items) {
}
