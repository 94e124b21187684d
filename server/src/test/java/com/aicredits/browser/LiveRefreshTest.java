package com.aicredits.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.aicredits.TestApplication;
import com.microsoft.playwright.Page;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Live refreshes that follow each other closely: none is lost, whatever the timing. */
@TestApplication
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveRefreshTest extends AdminBrowserTest {

    /**
     * A redrawn table must listen from the moment it is on the page: a change heard a few milliseconds after a
     * redraw (a charge's live message right after an assignment's) redraws it again. htmx wires a swapped-in
     * element only when it settles, 20 ms later by default, and a message heard in between was lost.
     */
    @Test
    void a_change_heard_just_after_the_table_was_redrawn_redraws_it_again() {
        Page page = admin();
        var redraws = new AtomicInteger();
        page.onRequestFinished(request -> {
            if (request.url().contains("/credits/table")) {
                redraws.incrementAndGet();
            }
        });
        page.evaluate("""
                () => {
                    let first = true;
                    document.body.addEventListener('htmx:afterSwap', event => {
                        if (first && event.detail.target.id === 'table') {
                            first = false;
                            setTimeout(() => document.body.dispatchEvent(new CustomEvent('credits-changed')), 5);
                        }
                    });
                    document.body.dispatchEvent(new CustomEvent('credits-changed'));
                }""");

        page.waitForCondition(() -> redraws.get() >= 2, new Page.WaitForConditionOptions().setTimeout(5_000));
        assertThat(redraws).hasValue(2);
    }
}
