package com.aicredits.ledger;

import org.springframework.test.context.TestPropertySource;

/** {@link HoldGroupCommitTest} with every round applied item by item, as on Citus (V38__rounds_item_by_item.sql, {@link RoundShape}). */
@TestPropertySource(properties = "aicredits.ledger.rounds=items")
class HoldGroupCommitItemByItemTest extends HoldGroupCommitTest {
}
