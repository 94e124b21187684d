package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestClock;
import com.aicredits.directory.Directory;
import com.aicredits.shared.Refused;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the ledger tests that give each test a fresh tenant of its own {@link LedgerFixture} share: the rule tests
 * ({@link LedgerAllocationTest}, {@link LedgerConsumptionTest}, {@link LedgerReadsAndAuditTest}: every ledger rule,
 * one test per sentence), the allowance tests on {@link AllowanceContext} and the request tests on
 * {@link UserWithCreditsContext}. Subclasses carry {@code @TestApplication}.
 */
abstract class LedgerTenantContext {

    @Autowired Ledger ledger;
    @Autowired Directory directory;
    @Autowired TestClock clock;
    @Autowired JdbcClient jdbc;

    LedgerFixture t;

    @BeforeEach
    void newTenant() {
        t = new LedgerFixture(ledger, directory);
    }

    static Refused refused(Object result) {
        assertThat(result).isInstanceOf(Refused.class);
        return (Refused) result;
    }
}
