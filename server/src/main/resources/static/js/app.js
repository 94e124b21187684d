// AI Credits pages: CSRF for htmx requests, dialogs that open when the server sends them, and what a change says
// it did (toasts, the row it touched). Beside it: live.js (the event stream), bulk.js, canvas.js, charts.js.
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

    // A live list holding controls that post (data-busy-safe: the Users list's Deactivate, the credit requests'
    // Approve) is not redrawn while one of them is on its way: the control would leave the page, and htmx handles its
    // answer on the removed control, where nobody hears it (the toast, the message swapped in out of band). Only the
    // list's own redraws wait; the answer itself may replace the list. Once that request is done the list on the page
    // (the answer's, if it replaced the list) is redrawn, so a change the held redraw carried is shown. (The event's
    // detail.elt is the target; the element that asked is requestConfig.elt.)
    document.addEventListener('htmx:beforeSwap', function (event) {
        const list = event.detail.target;
        const busy = list && list.matches && list.matches('[data-busy-safe]') && list.querySelector('.htmx-request');
        if (busy && event.detail.requestConfig.elt === list) {
            event.detail.shouldSwap = false;
            busy.addEventListener('htmx:afterRequest', function () {
                const current = document.getElementById(list.id);
                if (current) {
                    htmx.trigger(current, 'redraw');
                }
            }, {once: true});
        }
    });

    // A plain form that undoes something (a webhook endpoint's Remove) asks first: data-confirm holds the question.
    // (htmx's own requests ask with hx-confirm.)
    document.addEventListener('submit', function (event) {
        const question = event.target.dataset && event.target.dataset.confirm;
        if (question && !window.confirm(question)) {
            event.preventDefault();
        }
    });

    // Keyboard users keep their place. A change redraws what it changed (the table, a list), which removes the element
    // that had the focus (the row's Add button, the Approve button), and the focus fell to the page's start: it goes
    // back to the element that started the change, redrawn under the same id, or to the first one of the list that
    // held it (the next request's Approve once this one has left the list). A dialog's change returns to the button
    // that opened the dialog, however long the dialog was open; a click elsewhere meanwhile lets the focus be.
    let returnTo = null;
    function rememberFocus(element) {
        if (element && element !== document.body && !element.closest('dialog')) {
            const list = element.parentElement && element.parentElement.closest('[id]');
            returnTo = {id: element.id || null, within: list ? list.id : null, until: Date.now() + 5000};
        }
    }
    document.addEventListener('htmx:beforeRequest', function () {
        rememberFocus(document.activeElement);
    });
    function restoreFocus() {
        if (!returnTo || Date.now() > returnTo.until) {
            returnTo = null;
            return;
        }
        if (document.activeElement && document.activeElement !== document.body) {
            return; // the focus is somewhere: a dialog's field, or where the person moved it
        }
        const again = returnTo.id && document.getElementById(returnTo.id);
        const within = returnTo.within && document.getElementById(returnTo.within);
        const next = again || (within && within.querySelector('button:not([disabled]), a[href], input:not([type=hidden])'));
        if (next) {
            next.focus();
        }
    }
    document.addEventListener('htmx:afterSettle', restoreFocus);
    document.addEventListener('close', function () {
        if (returnTo) {
            returnTo.until = Date.now() + 5000; // from the dialog's end, not from when it opened
        }
        setTimeout(restoreFocus, 0);
    }, true);
    document.addEventListener('pointerdown', function (event) {
        if (!event.target.closest('dialog')) {
            returnTo = null;
        }
    }, true);

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

    // The Repeat choice of the Assign and Add dialogs: repeating makes the amount an allowance, which resets or tops
    // the user up to it, so the words that say "add" say what it does instead, and Reset / Top up only apply then.
    function showRepeat(control) {
        const repeating = control.querySelector('select[name=repeat]').value !== '';
        control.querySelectorAll('input[name=mode]').forEach(function (mode) { mode.disabled = !repeating; });
        (control.closest('form') || control).querySelectorAll('[data-label-repeat]').forEach(function (label) {
            label.textContent = repeating ? label.dataset.labelRepeat : label.dataset.labelOnce;
        });
    }
    document.addEventListener('change', function (event) {
        const control = event.target.matches('select[name=repeat]') && event.target.closest('[data-allowance-control]');
        if (control) {
            showRepeat(control);
        }
    });
    document.addEventListener('htmx:afterSwap', function () {
        document.querySelectorAll('[data-allowance-control]').forEach(showRepeat);
    });

    // A change done elsewhere than a row (a user registered or changed, a bulk change) says what it did too.
    document.addEventListener('DOMContentLoaded', function () {
        ['users-done', 'bulk-done'].forEach(function (done) {
            document.body.addEventListener(done, function (event) {
                toast(event.detail);
            });
        });
    });

    // "Copy" beside a read-only value (a redirect URI, a new token): to the clipboard, and said so. Where the browser
    // allows no clipboard (plain http on another host), the value is selected for the person to copy themselves.
    document.addEventListener('click', function (event) {
        const button = event.target.closest('[data-copy]');
        if (!button) {
            return;
        }
        const field = document.getElementById(button.dataset.copy);
        // The button's own name stays "Copy …"; the page's status region tells a screen reader what happened.
        const said = function (text) {
            button.lastChild.textContent = ' ' + text;
            const status = document.getElementById('copy-status');
            if (status) {
                status.textContent = text;
            }
            setTimeout(function () { button.lastChild.textContent = ' Copy'; }, 4000);
        };
        const byHand = function () {
            field.focus();
            field.select();
            said('Press Ctrl+C');
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(field.value).then(function () { said('Copied'); }, byHand);
        } else {
            byHand();
        }
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
})();
