package com.aicredits.reliability;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A tenant made for one test through the platform and admin API, as an operator would: keys, users, a purchase. */
record Tenant(UUID id, String adminKey, String consumeKey, List<UUID> users, long purchased) {

    static Tenant create(Api api, String platformKey, String name, int users, BigDecimal purchase) throws IOException {
        UUID id = api.createTenant(platformKey, name);
        String adminKey = api.issueKey(platformKey, id, "admin");
        String consumeKey = api.issueKey(platformKey, id, "consume");
        var registered = new ArrayList<UUID>();
        for (int i = 1; i <= users; i++) {
            registered.add(api.registerUser(adminKey, id, "Faults User " + i, "user" + i + "@faults.example"));
        }
        api.purchase(platformKey, id, purchase, "PO-" + name);
        return new Tenant(id, adminKey, consumeKey, List.copyOf(registered), Amounts.thousandths(purchase));
    }
}
