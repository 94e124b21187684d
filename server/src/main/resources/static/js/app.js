// AI Credits pages: CSRF for htmx requests, dialogs that open when the server sends them, and a refresh
// of every live region when the event stream (re)connects, so nothing missed while offline stays missed.
(function () {
    // The session's CSRF token, rendered into the page (it is never in a cookie).
    document.addEventListener('htmx:configRequest', function (event) {
        const meta = document.querySelector('meta[name="csrf-token"]');
        if (meta) {
            event.detail.headers['X-CSRF-TOKEN'] = meta.content;
        }
    });

    // Refusals come back as 422 with the dialog re-rendered and its inline message: swap them in too.
    document.addEventListener('htmx:beforeSwap', function (event) {
        if (event.detail.xhr.status === 422) {
            event.detail.shouldSwap = true;
            event.detail.isError = false;
        }
    });

    // A dialog fragment swapped into #dialog-slot opens as a modal and takes the keyboard focus.
    document.addEventListener('htmx:afterSwap', function (event) {
        const dialog = event.detail.target.querySelector && event.detail.target.querySelector('dialog');
        if (event.detail.target.id === 'dialog-slot' && dialog) {
            if (!dialog.open) {
                dialog.showModal();
            }
            // The first field, not the close button that comes before it in the header.
            const first = dialog.querySelector('[autofocus]') || dialog.querySelector('input:not([type=hidden]), select, textarea')
                || dialog.querySelector('button[type=submit], button');
            if (first) {
                first.focus();
            }
        }
    });

    // The server answers a successful change with HX-Trigger (credits-changed, users-changed, request-decided): close
    // the dialog.
    document.addEventListener('DOMContentLoaded', function () {
        document.body.addEventListener('credits-changed', closeDialogs);
        document.body.addEventListener('users-changed', closeDialogs);
        document.body.addEventListener('request-decided', closeDialogs);
        document.body.addEventListener('click', function (event) {
            if (event.target.matches('[data-close-dialog]')) {
                event.target.closest('dialog').close();
            }
        });
        // "Remove all unused (605)": fills the field with the figure, ready to submit.
        document.body.addEventListener('click', function (event) {
            const fill = event.target.closest('[data-fill]');
            if (fill) {
                const field = document.getElementById(fill.dataset.fill);
                field.value = fill.dataset.fillValue;
                field.focus();
            }
            // The cards' "4 low · 2 used up": the table, filtered to them.
            const filter = event.target.closest('[data-filter-state]');
            if (filter) {
                event.preventDefault();
                const select = document.getElementById('state-filter');
                select.value = filter.dataset.filterState;
                select.dispatchEvent(new Event('change', {bubbles: true}));
                document.getElementById('table').scrollIntoView({block: 'start'});
            }
        });
        document.body.addEventListener('credits-done', function (event) {
            toast(event.detail);
            changedRow = {userId: event.detail.userId, until: Date.now() + CHANGED_MILLIS};
        });
        // Filter the assign dialog's user list as the admin types.
        document.body.addEventListener('input', function (event) {
            if (event.target.matches('[data-filter-options]')) {
                const select = document.getElementById(event.target.dataset.filterOptions);
                const term = event.target.value.toLowerCase();
                Array.from(select.options).forEach(function (option) {
                    option.hidden = option.value !== '' && !option.text.toLowerCase().includes(term);
                });
            }
        });
    });

    // A browser-side validation error replaces the server's earlier message: both on screen would contradict.
    document.addEventListener('invalid', function (event) {
        const dialog = event.target.closest && event.target.closest('dialog');
        if (dialog) {
            dialog.querySelectorAll('[data-server-error]').forEach(function (error) {
                error.remove();
            });
        }
    }, true);

    // The row a change touched glows briefly once the table has been redrawn with it. The table may be redrawn
    // more than once (the change's own refresh, then the live update), in either order with the other swaps,
    // so the row is marked on every redraw for a moment, not only on the first swap after the change.
    const CHANGED_MILLIS = 3000;
    let changedRow = null;
    document.addEventListener('htmx:afterSwap', function () {
        if (!changedRow || Date.now() > changedRow.until) {
            changedRow = null;
            return;
        }
        const row = document.querySelector('#table tr[data-user-id="' + changedRow.userId + '"]');
        if (row) {
            row.classList.add('changed');
        }
    });

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
        document.body.addEventListener('users-done', function (event) {
            toast(event.detail);
        });
        document.body.addEventListener('bulk-done', function (event) {
            toast(event.detail);
            selected.clear();
            syncSelection();
        });
    });

    function toast(detail) {
        const box = document.getElementById('toasts');
        if (!box) {
            return;
        }
        const item = document.createElement('div');
        item.className = 'toast show align-items-center border-success';
        item.dataset.toast = '';
        const body = document.createElement('div');
        body.className = 'd-flex';
        const text = document.createElement('div');
        text.className = 'toast-body';
        text.textContent = detail.message + ' ';
        if (detail.history) {
            const link = document.createElement('a');
            link.href = detail.history;
            link.textContent = 'History of ' + detail.name;
            text.appendChild(link);
        }
        const close = document.createElement('button');
        close.type = 'button';
        close.className = 'btn-close me-2 m-auto';
        close.setAttribute('aria-label', 'Dismiss');
        close.addEventListener('click', function () { item.remove(); });
        body.appendChild(text);
        body.appendChild(close);
        item.appendChild(body);
        box.replaceChildren(item);
        setTimeout(function () { item.remove(); }, 8000);
    }

    function closeDialogs() {
        document.querySelectorAll('dialog[open]').forEach(function (dialog) {
            dialog.close();
        });
    }

    // The Canvas: when a live balance update arrives, lock or unlock the question box to match it, without
    // touching what the user has typed.
    document.addEventListener('htmx:afterSwap', function () {
        const status = document.getElementById('canvas-balance');
        const fields = document.getElementById('composer-fields');
        if (status && fields) {
            fields.disabled = status.dataset.canStart !== 'true';
            const locked = document.getElementById('composer-locked');
            if (locked) {
                locked.hidden = status.dataset.canStart === 'true';
                locked.textContent = status.dataset.lockedBecause || '';
            }
            const request = document.getElementById('request-credits-slot');
            if (request) {
                request.hidden = status.dataset.canStart === 'true';
            }
        }
        const messages = document.getElementById('messages');
        if (messages) {
            messages.scrollTop = messages.scrollHeight;
        }
    });

    // Catch up after the stream REconnects, and after the browser comes back online (a refresh that failed
    // while offline is not retried by htmx on its own). The first connection needs no catch-up: the page was
    // just rendered, and a refresh then would race the admin's first clicks. body[data-live] says the page
    // is listening.
    function catchUp() {
        tell('live-reconnected');
    }
    document.addEventListener('htmx:sseOpen', function () {
        if (document.body.dataset.live === 'connected') {
            catchUp();
        }
        document.body.dataset.live = 'connected';
    });
    window.addEventListener('online', catchUp);

    // A page's event-stream element is its one listener for messages (hx-trigger="sse:credits" beside
    // sse-connect); each message becomes events on the body that the live parts listen for, so a page hears every
    // message however many live parts it has, even none besides a list of credit requests:
    // - live-credits: the figures changed (cards, table, balances, history, notifications);
    // - live-charts: the same for the usage charts, at most every 3 s (see atMostEvery);
    // - live-message: the navigation bar's bell, which lives outside the stream element;
    // - live-requests: a credit request was filed or decided (the request forms and lists, the pending count);
    // - live-people: someone was registered or changed (the Users list).
    function tell(eventName) {
        document.body.dispatchEvent(new CustomEvent(eventName));
    }

    // At once for the first call, then at most once every `ms`, and once more after the last call of a burst.
    // htmx's own throttle drops what it hears meanwhile, which would leave a change made during a refresh unshown.
    function atMostEvery(ms, eventName) {
        let timer = null;
        let again = false;
        function fire() {
            tell(eventName);
            timer = setTimeout(function () {
                timer = null;
                if (again) {
                    again = false;
                    fire();
                }
            }, ms);
        }
        return function () {
            if (timer) {
                again = true;
            } else {
                fire();
            }
        };
    }
    const chartsChanged = atMostEvery(3000, 'live-charts');
    document.addEventListener('htmx:sseMessage', function (event) {
        tell('live-message');
        tell('live-credits');
        chartsChanged();
        const data = (event.detail && event.detail.data) || '';
        const changed = data.split(',');
        if (data === '*' || changed.indexOf('requests') >= 0) {
            tell('live-requests');
        }
        if (data === '*' || changed.indexOf('people') >= 0) {
            tell('live-people');
        }
    });

    // The Canvas opens at the newest message, right above the question box.
    document.addEventListener('DOMContentLoaded', function () {
        const messages = document.getElementById('messages');
        if (messages) {
            messages.scrollTop = messages.scrollHeight;
        }
    });

    // Usage charts (Chart.js): each canvas[data-usage-chart] names the JSON block with its labels and datasets, their
    // colours included (the server's ChartColours gives a feature one colour on every chart). Drawn when the page
    // loads and whenever htmx swaps in a panel; a canvas that already has its chart is left alone.
    function drawUsageCharts() {
        if (!window.Chart) {
            return;
        }
        document.querySelectorAll('canvas[data-usage-chart]').forEach(function (canvas) {
            if (window.Chart.getChart(canvas)) {
                return;
            }
            const block = document.getElementById(canvas.dataset.usageChart);
            if (!block) {
                return;
            }
            const data = JSON.parse(block.textContent);
            new window.Chart(canvas, {
                type: 'bar',
                data: {labels: data.labels, datasets: data.datasets},
                options: {
                    animation: false,
                    responsive: true,
                    maintainAspectRatio: false,
                    indexAxis: data.horizontal ? 'y' : 'x',
                    scales: data.horizontal ? {x: {beginAtZero: true}}
                        : {x: {stacked: true}, y: {stacked: true, beginAtZero: true}},
                    plugins: {legend: {display: !data.horizontal && data.datasets.length > 1, position: 'bottom'}}
                }
            });
        });
    }
    document.addEventListener('DOMContentLoaded', drawUsageCharts);
    document.addEventListener('htmx:afterSettle', drawUsageCharts);
    window.addEventListener('load', drawUsageCharts);
})();
