// The Canvas: the question box follows the live balance, and a conversation opens at its newest message.
(function () {
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

    // The Canvas opens at the newest message, right above the question box.
    document.addEventListener('DOMContentLoaded', function () {
        const messages = document.getElementById('messages');
        if (messages) {
            messages.scrollTop = messages.scrollHeight;
        }
    });
})();
