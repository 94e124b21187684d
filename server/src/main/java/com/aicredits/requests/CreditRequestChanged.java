package com.aicredits.requests;

import com.aicredits.shared.TenantId;
import java.time.Instant;

/**
 * A credit request was filed, approved or declined. Published inside the transaction of the change (for an
 * approval, the same one as its ledger entry), so a listener that writes in it (a webhook outbox row) is
 * written exactly when the change commits.
 *
 * @param type {@code credit_request.created}, {@code credit_request.approved} or {@code credit_request.declined}
 * @param actor who filed or decided it
 */
public record CreditRequestChanged(TenantId tenantId, String type, CreditRequest request, String actor, Instant at) {

    public static final String CREATED = "credit_request.created";
    public static final String APPROVED = "credit_request.approved";
    public static final String DECLINED = "credit_request.declined";
}
