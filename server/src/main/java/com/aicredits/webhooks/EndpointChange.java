package com.aicredits.webhooks;

import java.util.List;

/** A change to an endpoint: each null field is kept as it is. */
public record EndpointChange(String url, List<String> events, Boolean enabled, String description) {
}
