package com.aicredits.live.web;

import com.aicredits.live.LiveUpdates;
import com.aicredits.shared.TenantId;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The event stream of a tenant's credit changes, for the pages of its signed-in users. */
@RestController
@Hidden
class LiveController {

    private final LiveUpdates live;

    LiveController(LiveUpdates live) {
        this.live = live;
    }

    @GetMapping(path = "/app/tenants/{tenantId}/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@PathVariable TenantId tenantId) {
        return live.subscribe(tenantId);
    }
}
