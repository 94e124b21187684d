package com.aicredits.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * axe-core (the npm package's WebJar) run inside the page: WCAG 2.1 A and AA rules. With a dialog open, axe
 * checks the whole page; the modal makes the rest inert, which axe understands.
 */
public final class Axe {

    private static final String SCRIPT = load();

    private Axe() {
    }

    /** The violations on the page as it is now, one line each: rule, impact, the elements. Empty when clean. */
    @SuppressWarnings("unchecked")
    public static List<String> violations(Page page) {
        if (!(Boolean) page.evaluate("() => typeof window.axe !== 'undefined'")) {
            page.addScriptTag(new Page.AddScriptTagOptions().setContent(SCRIPT));
        }
        var found = (List<Map<String, Object>>) page.evaluate("""
                async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
                    .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ')).slice(0, 5)}))
                """);
        return found.stream().map(v -> v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + " " + v.get("nodes")).toList();
    }

    /**
     * Waits until the page is at rest, so colours are judged as a person sees them, not halfway through a swap or a
     * button's hover or focus transition: htmx has nothing in flight, motion is reduced (Bootstrap then has no
     * transitions), the mouse is off every control, and no CSS transition is running. The last is a wait on the
     * page's own animations rather than a fixed pause (it was 200 ms per check, some 12 s of AccessibilityTest).
     */
    public static void atRest(Page page) {
        page.waitForFunction("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')");
        page.emulateMedia(new Page.EmulateMediaOptions().setReducedMotion(com.microsoft.playwright.options.ReducedMotion.REDUCE));
        page.mouse().move(0, 0);
        // getAnimations() brings styles up to date first, so a transition the mouse's move starts is among them.
        page.waitForFunction("() => !document.getAnimations().some(a => a instanceof CSSTransition && a.playState === 'running')");
    }

    /** Zero violations, or the test fails listing them with where the page was. */
    public static void check(Page page, String where) {
        assertThat(violations(page)).as("axe violations on " + where + " (" + page.url() + ")").isEmpty();
    }

    private static String load() {
        try (InputStream in = Axe.class.getResourceAsStream("/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe.min.js is missing: the org.webjars.npm:axe-core test dependency");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
