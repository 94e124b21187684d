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
            const first = dialog.querySelector('[autofocus], input:not([type=hidden]), select, textarea, button');
            if (first) {
                first.focus();
            }
        }
    });

    // The server answers a successful change with HX-Trigger (credits-changed, users-changed): close the dialog.
    document.addEventListener('DOMContentLoaded', function () {
        document.body.addEventListener('credits-changed', closeDialogs);
        document.body.addEventListener('users-changed', closeDialogs);
        document.body.addEventListener('click', function (event) {
            if (event.target.matches('[data-close-dialog]')) {
                event.target.closest('dialog').close();
            }
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
        }
    });

    // Catch up after the stream REconnects, and after the browser comes back online (a refresh that failed
    // while offline is not retried by htmx on its own). The first connection needs no catch-up: the page was
    // just rendered, and a refresh then would race the admin's first clicks. body[data-live] says the page
    // is listening.
    function catchUp() {
        document.body.dispatchEvent(new CustomEvent('live-reconnected'));
    }
    document.addEventListener('htmx:sseOpen', function () {
        if (document.body.dataset.live === 'connected') {
            catchUp();
        }
        document.body.dataset.live = 'connected';
    });
    window.addEventListener('online', catchUp);
})();
