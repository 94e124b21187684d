// Live pages: each message of the event stream becomes body events that the live parts listen for, and a page
// catches up after a reconnection.
(function () {
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
})();
