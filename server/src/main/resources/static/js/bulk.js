// The AI Credits tab's bulk changes: the selection across live redraws, and the action bar over it.
(function () {
    // Bulk changes: the rows the admin selected, kept here so the table's live redraws (which replace its
    // checkboxes) keep the selection; the action bar sends it as one comma-separated field.
    const selected = new Set();
    function syncSelection() {
        const bar = document.getElementById('bulk-bar');
        if (!bar) {
            return;
        }
        const boxes = Array.from(document.querySelectorAll('#table [data-select-row]'));
        boxes.forEach(function (box) { box.checked = selected.has(box.value); });
        const page = document.getElementById('select-page');
        if (page) {
            const checked = boxes.filter(function (box) { return box.checked; }).length;
            page.checked = boxes.length > 0 && checked === boxes.length;
            page.indeterminate = checked > 0 && checked < boxes.length;
        }
        document.getElementById('bulk-user-ids').value = Array.from(selected).join(',');
        document.getElementById('bulk-count').textContent = selected.size + (selected.size === 1 ? ' user' : ' users') + ' selected';
        bar.hidden = selected.size === 0;
        // The toasts sit above the bar while it shows, not over its Preview button.
        document.documentElement.style.setProperty('--bulk-bar-height', bar.hidden ? '0px' : bar.offsetHeight + 'px');
    }
    // While shown, the bar covers the bottom of the screen (app.css): the row just ticked, and whatever takes the
    // focus under the bar, is scrolled out from under it. (Scroll padding would do the second, but it also scrolls
    // the page on every focus inside the bar, which always sits in the padding.)
    function uncover(element) {
        const bar = document.getElementById('bulk-bar');
        if (!bar || bar.hidden || bar.contains(element)) {
            return;
        }
        const overlap = element.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
        if (overlap > 0) {
            window.scrollBy(0, overlap);
        }
    }
    document.addEventListener('focusin', function (event) {
        if (!event.target.closest('dialog, #toasts')) {
            uncover(event.target.closest('tr') || event.target);
        }
    });
    document.addEventListener('change', function (event) {
        if (event.target.matches('[data-select-row]')) {
            if (event.target.checked) {
                selected.add(event.target.value);
            } else {
                selected.delete(event.target.value);
            }
            syncSelection();
            uncover(event.target.closest('tr'));
        } else if (event.target.id === 'bulk-operation') {
            const allowance = event.target.value === 'allowance';
            document.querySelectorAll('#bulk-bar [data-allowance-only]').forEach(function (group) {
                group.hidden = !allowance;
                group.querySelectorAll('select').forEach(function (control) { control.disabled = !allowance; });
            });
        } else if (event.target.matches('[data-select-page]')) {
            document.querySelectorAll('#table [data-select-row]').forEach(function (box) {
                if (event.target.checked) {
                    selected.add(box.value);
                } else {
                    selected.delete(box.value);
                }
            });
            syncSelection();
        }
    });
    document.addEventListener('click', function (event) {
        if (event.target.id === 'bulk-clear') {
            selected.clear();
            syncSelection();
            const page = document.getElementById('select-page');
            if (page) {
                page.focus();
            }
        }
    });
    document.addEventListener('htmx:afterSwap', syncSelection);
    document.addEventListener('DOMContentLoaded', function () {
        document.body.addEventListener('bulk-done', function () {
            selected.clear();
            // A change done leaves nothing of itself behind for the next: its amount and note would slip into it.
            const bar = document.getElementById('bulk-bar');
            if (bar) {
                bar.reset();
                bar.querySelector('#bulk-operation').dispatchEvent(new Event('change', {bubbles: true}));
            }
            syncSelection();
        });
    });
})();
